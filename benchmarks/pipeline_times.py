"""Time per DVC stage of the last `dvc repro`, from the papermill stamps of the executed notebooks.

    python benchmarks/pipeline_times.py            # writes results/pipeline/times.csv and times.md

`alongside` counts the other stages that were running at the same time (stages run side by side share the cores,
so their minutes overstate what `dvc repro`, which runs one stage at a time, takes)."""
import os, platform
from featembed_nb.paths import repo_root
from featembed_nb.experiment_reports import stage_times
from featembed_nb.files import write_table

def cpu_name() -> str:
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or 'unknown CPU'

def main():
    root = repo_root()
    df = stage_times(root/'dvc.lock', root)
    df['started'] = df.started.dt.strftime('%Y-%m-%d %H:%M')
    alone = df[df.alongside == 0].minutes.sum()
    caption = (f"Minutes per stage of the recorded offline pipeline (papermill stamps in results/executed/, machine: "
               f"{os.cpu_count()} x {cpu_name()}). alongside = other stages running at the same time. "
               f"Sum {df.minutes.sum():.0f} min ({df.minutes.sum() / 60:.1f} h), of which {alone:.0f} min ran alone. "
               f"A stage that resumed a checkpoint or reused renders shows only the time it ran (see README for the budget).")
    write_table(df, root/'results'/'pipeline', 'times', caption, floatfmt='.1f')
    print(caption); print(df.to_string(index=False))

if __name__ == '__main__': main()
