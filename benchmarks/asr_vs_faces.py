"""Does black-box ASR still grow with the faces a model has seen? One lineage's evaluations on the same LFW subset.

    python benchmarks/asr_vs_faces.py MODEL [MODEL ...] --out results/gpu/cpu/asr_vs_faces [--since MODEL]
    python benchmarks/asr_vs_faces.py --add NAME "WHAT (N faces ...)"   # after benchmarks/eval_model.sh NAME CKPT exp gpu

Each MODEL is a row of results/gpu/cpu/eval_exp.csv (`benchmarks/eval_model.sh NAME CKPT exp gpu`: 300 LFW genuine pairs,
first 30 per fold, 200 people, E = the shipped model's StyleGAN2 face; `--add` appends its row from
cache/model_eval/NAME/metrics.json); the faces it had seen are read from its `what`
("... (18,000 faces ..."), so list the models of one lineage in training order. Writes OUT.csv and OUT.png (ASR of
each recogniser and the client, and LPIPS(alex), against faces seen) and prints, for the models from `--since` on (one
recipe), the least-squares slope of each black-box ASR in points per 1,000 faces and the faces at which that straight
line would reach 90%: a planning figure, not a prediction.
"""
import argparse, csv, json, re, sys
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path
import numpy as np, pandas as pd
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
ROOT = Path(__file__).resolve().parent.parent

ASR = {'asr_sface': 'sface* (white box)', 'asr_mobilefacenet': 'mobilefacenet', 'asr_dlib': 'dlib', 'asr_client': 'client (face_recognition)'}
TARGET = 0.90
FACES = re.compile(r'\(([\d,]+) faces')                # how a row's `what` says the faces its model had seen

def lineage(table: pd.DataFrame, models) -> pd.DataFrame:
    "The rows of `models` in that order, with `faces` parsed from each row's description."
    missing = [m for m in models if m not in set(table.model)]
    if missing: raise KeyError(f'{missing}: not in eval_exp.csv (benchmarks/eval_model.sh NAME CKPT exp gpu, then --add NAME WHAT)')
    rows = table.set_index('model').loc[list(models)].reset_index()
    faces = rows['what'].map(FACES.search)
    if faces.isna().any(): raise ValueError(f"no '(N faces' in the description of {list(rows.model[faces.isna()])}")
    rows.insert(1, 'faces', faces.map(lambda m: int(m.group(1).replace(',', ''))))
    return rows

def eval_row(name: str, what: str, metrics: dict) -> dict:
    "The eval_exp.csv row of model `name` from its evaluate notebook's metrics.json (values to 4 decimals, as the table keeps them)."
    if metrics.get('n_pairs') != 300: raise ValueError(f"{name}: {metrics.get('n_pairs')} pairs, not the exp protocol's 300")
    if not FACES.search(what): raise ValueError(f"{what!r}: say the faces it had seen as '(N faces'")
    r4 = lambda v: float(Decimal(str(v)).quantize(Decimal('0.0001'), ROUND_HALF_UP))   # metrics.json's 0.88215 -> 0.8822
    q, r = metrics['quality'], metrics['recognizers']
    return dict(model=name, what=what, psnr=r4(q['psnr']), ssim=r4(q['ssim']), lpips_alex=r4(q['lpips']),
                **{f'{k}_{n}': r4(r[n][k]) for n in ('sface', 'mobilefacenet', 'dlib') for k in ('asr', 'rank1')},
                asr_client=r4(metrics['client']['asr']), n_pairs=metrics['n_pairs'], n_people=metrics['n_people'])

def add_row(table: Path, name: str, what: str, metrics_file: Path):
    "Append `name`'s row to `table` (the earlier rows stay byte for byte); refuses a name the table has."
    text = table.read_text(); header = text.splitlines()[0].split(',')
    if name in set(pd.read_csv(table).model): raise KeyError(f'{name} is in {table} already')
    if not metrics_file.exists(): raise FileNotFoundError(f'{metrics_file}: run benchmarks/eval_model.sh {name} CKPT exp gpu first')
    row = eval_row(name, what, json.loads(metrics_file.read_text()))
    if list(row) != header: raise ValueError(f'columns {list(row)} != {header}')
    with open(table, 'a', newline='') as f:
        if not text.endswith('\n'): f.write('\n')
        csv.DictWriter(f, header, lineterminator='\n').writerow(row)

def trend(rows: pd.DataFrame) -> pd.DataFrame:
    "Least-squares slope (points per 1,000 faces) of each black-box ASR over `rows`, and where the line reaches TARGET."
    out = []
    for col in ('asr_mobilefacenet', 'asr_dlib', 'asr_client'):
        slope, icpt = np.polyfit(rows.faces / 1000, rows[col], 1)
        reach = (TARGET - icpt) / slope * 1000 if slope > 0 else np.nan
        out.append(dict(recognizer=ASR[col], points_per_1000_faces=100 * slope, faces_at_90=reach, last_pct=100 * rows[col].iloc[-1]))
    return pd.DataFrame(out)

def plot(rows: pd.DataFrame, out: Path, since_faces: int | None):
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    for col, label in ASR.items(): a.plot(rows.faces, 100 * rows[col], 'o-', label=label)
    a.axhline(100 * TARGET, color='grey', ls='--', lw=1, label='issue 13 target (black boxes)')
    b.plot(rows.faces, rows.lpips_alex, 'd-', color='C3', label='LPIPS(alex)'); b.axhline(0.02, color='grey', ls='--', lw=1, label='target ≤ 0.02')
    for ax in (a, b):
        if since_faces: ax.axvline(since_faces, color='k', ls=':', lw=0.8)
        for f, m in zip(rows.faces, rows.model): ax.annotate(m, (f, ax.get_ylim()[0]), fontsize=6, rotation=90, va='bottom', ha='right')
    a.set(xlabel='faces seen', ylabel='ASR (%)', title='ASR, 300 LFW genuine pairs'); a.legend(fontsize=7)
    b.set(xlabel='faces seen', ylabel='LPIPS(alex)', title='image change'); b.legend(fontsize=7)
    fig.suptitle('results/gpu/cpu/eval_exp.csv (benchmarks/eval_model.sh, exp protocol): 300 LFW genuine pairs, E = the shipped '
                 'StyleGAN2 face, gain 1;\n'
                 'sface* = white box (the EN), mobilefacenet and dlib black boxes; profile gpu', fontsize=8)
    fig.tight_layout(); fig.savefig(out, dpi=120); plt.close(fig)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('models', nargs='*'); p.add_argument('--out', help='path without suffix')
    p.add_argument('--add', nargs=2, metavar=('NAME', 'WHAT'), help="append NAME's row from cache/model_eval/NAME/metrics.json")
    p.add_argument('--since', default=None, help='first model of the recipe the trend is fitted over (default: all)')
    p.add_argument('--table', default=str(ROOT/'results/gpu/cpu/eval_exp.csv'))
    a = p.parse_args()
    if a.add:
        add_row(Path(a.table), *a.add, ROOT/'cache/model_eval'/a.add[0]/'metrics.json'); print(f'added {a.add[0]} to {a.table}'); sys.exit()
    if not a.models or not a.out: p.error('MODEL ... and --out are needed (or --add NAME WHAT)')
    rows = lineage(pd.read_csv(a.table), a.models)
    fit = rows if a.since is None else rows.iloc[list(rows.model).index(a.since):]
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    rows.drop(columns='what').to_csv(out.with_suffix('.csv'), index=False, float_format='%.4f')
    plot(rows, out.with_suffix('.png'), int(fit.faces.iloc[0]) if a.since else None)
    print(rows[['model', 'faces', 'lpips_alex', *ASR]].to_string(index=False, float_format=lambda v: f'{v:.3f}'))
    print(f"\ntrend over {list(fit.model)} (straight line; a planning figure, not a prediction):")
    print(trend(fit).to_string(index=False, float_format=lambda v: f'{v:,.1f}'))
