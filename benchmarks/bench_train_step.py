"""Seconds per training step of the offline HN on this CPU, for 1 and 2 threads (or those given).

    python benchmarks/bench_train_step.py [--threads 1 2] [--steps 20] [--profile offline]

Uses the cached pools under cache/train (built by the `train` stage; built here otherwise)."""
import argparse, json, time
import torch, yaml
from featembed_nb.paths import repo_root
from featembed_nb.training import TrainConfig, build_pools, Trainer

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--profile', default='offline')
    a = ap.parse_args()
    params = yaml.safe_load((repo_root()/'params.yaml').read_text())
    cfg = TrainConfig.from_dict(params['train'][a.profile])
    pools = build_pools(cfg, repo_root()/'cache'/'train', cfg.device)
    out = {}
    for t in a.threads:
        cfg.num_threads = t
        tr = Trainer(cfg, *pools[:3])
        plan = list(tr.epoch_plan(0))[:a.steps + 2]
        for b in plan[:2]: tr.step(*b)                 # warm-up
        t0 = time.perf_counter()
        for b in plan[2:]: tr.step(*b)
        out[t] = (time.perf_counter() - t0) / (len(plan) - 2)
        print(f"{t} thread(s): {out[t]:.3f} s/step ({cfg.image_size} px, batch {cfg.batch_size})", flush=True)
    print(json.dumps({'sec_per_step': out, 'profile': a.profile, 'torch_threads_default': torch.get_num_threads()}))

if __name__ == '__main__': main()
