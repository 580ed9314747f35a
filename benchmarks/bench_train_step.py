"""Seconds per training step of the offline HN on this CPU: per thread count, and per set of loss terms.

    python benchmarks/bench_train_step.py [--threads 1 2] [--steps 20] [--profile offline]
        [--variants base perc lpips_vgg lpips_alex perc+lpips_vgg] [--set n_train_images=64 ...] [--json out.json]

A variant names the appearance terms switched on over the profile's rec/near/far (base = the profile's own
lambdas with perc and lpips off; `perc` = + VGG-16 conv5_3 L1; `lpips_vgg` / `lpips_alex` = + LPIPS with that
trunk). Uses the cached pools under cache/train (built by the `train` stage; built here otherwise)."""
import argparse, json, time
import torch, yaml
from featembed_nb.paths import repo_root
from featembed_nb.training import TrainConfig, build_pools, Trainer, profile_spec

VARIANTS = {'base': {}, 'perc': dict(lambda_perc=1.0), 'lpips_vgg': dict(lambda_lpips=1.0, lpips_net='vgg'),
            'lpips_alex': dict(lambda_lpips=1.0, lpips_net='alex'),
            'perc+lpips_vgg': dict(lambda_perc=1.0, lambda_lpips=1.0, lpips_net='vgg'),
            'perc+lpips_alex': dict(lambda_perc=1.0, lambda_lpips=1.0, lpips_net='alex')}

def parse_set(items):
    out = {}
    for it in items:
        k, v = it.split('=', 1)
        out[k] = yaml.safe_load(v)
    return out

def time_steps(cfg, pools, steps):
    tr = Trainer(cfg, *pools[:3])
    plan = list(tr.epoch_plan(0))[:steps + 2]
    if len(plan) < 3: raise SystemExit(f"only {len(plan)} batches in an epoch: raise n_train_images or steps_per_epoch")
    for b in plan[:2]: tr.step(*b)                 # warm-up
    t0 = time.perf_counter()
    for b in plan[2:]: tr.step(*b)
    return (time.perf_counter() - t0) / (len(plan) - 2)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--profile', default='offline')
    ap.add_argument('--variants', nargs='+', default=['base'], choices=list(VARIANTS))
    ap.add_argument('--set', nargs='*', default=[], help='TrainConfig overrides, key=value')
    ap.add_argument('--json', help='also write the results here')
    a = ap.parse_args()
    params = yaml.safe_load((repo_root()/'params.yaml').read_text())
    base = {**profile_spec(params['train'], a.profile), **parse_set(a.set)}
    cfg = TrainConfig.from_dict(base)
    pools = build_pools(cfg, repo_root()/'cache'/'train', cfg.device)
    rows = []
    for v in a.variants:
        for t in a.threads:
            over = {'lambda_perc': 0.0, 'lambda_lpips': 0.0, **VARIANTS[v], 'num_threads': t}
            cfg = TrainConfig.from_dict({**base, **over})
            s = time_steps(cfg, pools, a.steps)
            rows.append(dict(variant=v, threads=t, sec_per_step=round(s, 4), image_size=cfg.image_size, batch_size=cfg.batch_size))
            print(f"{v:>16} {t} thread(s): {s:.3f} s/step ({cfg.image_size} px, batch {cfg.batch_size})", flush=True)
    out = {'rows': rows, 'profile': a.profile, 'overrides': parse_set(a.set), 'torch_threads_default': torch.get_num_threads()}
    print(json.dumps(out))
    if a.json: open(a.json, 'w').write(json.dumps(out, indent=1) + '\n')

if __name__ == '__main__': main()
