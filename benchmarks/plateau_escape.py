"""Does a freshly initialised HN leave D = C? Trains the lease's GPUTrainer on the CPU (offline-size HN at 128 px, batch 8,
the GPU bundle's covers, SFace, the bundle's VGG-16) and prints the mean training terms every 25 steps.

    python benchmarks/plateau_escape.py NAME [--steps 300] [--hold near,perc,lpips] [--hold-until-far 0.9]
                                        [--near-off-steps N] [--boost K] [--overrides JSON]

The table in nbs/24_gpu_training.ipynb ("Leaving the D = C plateau") came from these runs (2 cores, ~0.4 s a step
without the VGG terms, ~1.2 s with them; benchmarks/results/plateau_escape.txt):
  A0 --overrides '{"lambda_perc": 0, "lambda_lpips": 0}'                        (the offline recipe's terms)
  B0 --boost 3 --overrides '{"lambda_perc": 0, "lambda_lpips": 0}'              (near and far x3)
  C0 --near-off-steps 300 --overrides '{"lambda_perc": 0, "lambda_lpips": 0}'   (near held back)
  D0 --near-off-steps 100 --overrides '{"lambda_perc": 0, "lambda_lpips": 0}'
  E1 --hold near,perc --hold-until-far 0.9 --overrides '{"lambda_perc": 1, "lambda_lpips": 1}'   (stopped at 100)
  F1 --hold near,perc,lpips --hold-until-far 0.9 --overrides '{"lambda_perc": 1, "lambda_lpips": 1}'   (stopped at 175)
  G1 --hold near,lpips --hold-until-far 0.9 --steps 250 --overrides '{"lambda_perc": 0, "lambda_lpips": 1}'
  H1 --hold near,perc,lpips --hold-until-far 0.9 --steps 250 --overrides '{"lambda_perc": 0.1, "lambda_lpips": 0.25}'
  L1 --hold near,perc,lpips --hold-until-far 0.9 --steps 1000 --threads 1   (train.gpu's weights: perc 0.1, LPIPS 0.25)
  M1 --hold near,perc,lpips --hold-until-far 0.9 --steps 250 --threads 1 --overrides '{"inject": "film"}'   (FiLM, not the tiled
     f(E): released at ~160 steps, where L1 was at ~110; far 0.74 at step 250 against L1's 0.78; validation stripes 0.32)
"""
import argparse, json, sys, time
from pathlib import Path
import torch, yaml
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from featembed_nb.gpu_lease import bundle_recognizer, bundle_pools, bundle_loss, lease_arm_specs
from featembed_nb.gpu_training import GPUTrainer
from featembed_nb.training import TrainConfig

SMALL = {'image_size': 128, 'width': 16, 'depth': 3, 'max_width': 128, 'batch_size': 8}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('name'); ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--hold', default='', help='terms held back until --hold-until-far (comma-separated)')
    ap.add_argument('--hold-until-far', type=float, default=0.0)
    ap.add_argument('--near-off-steps', type=int, default=0, help='near weighs 0 for this many steps (a fixed count, no gate)')
    ap.add_argument('--boost', type=float, default=1.0, help='near and far weights x this for the whole run')
    ap.add_argument('--overrides', default='{}'); ap.add_argument('--bundle', default=str(ROOT/'cache'/'gpu_bundle'))
    ap.add_argument('--pools', default='/tmp/plateau_pools128.pt', help='cache of the embedded 128 px pools')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    params = yaml.safe_load((ROOT/'params.yaml').read_text())
    spec = lease_arm_specs(params['train'], 'gpu', {**SMALL, 'steps_per_epoch': a.steps, **json.loads(a.overrides)}, None)['gpu']
    cfg = TrainConfig.from_dict({**spec, 'device': 'cpu', 'num_threads': a.threads})
    cfg.asr_threshold = float(json.loads((Path(a.bundle)/'bundle.json').read_text())['asr_threshold'])
    en = bundle_recognizer(a.bundle)
    if Path(a.pools).exists(): pools = torch.load(a.pools, weights_only=False)
    else: pools = bundle_pools(a.bundle, cfg, en, 'cpu', 'both'); torch.save(pools, a.pools)
    loss = bundle_loss(a.bundle, cfg, 'cpu')
    hold = tuple(x for x in a.hold.split(',') if x)
    t = GPUTrainer(cfg, *pools, en=en, loss=loss, **({'hold_until_far': a.hold_until_far, 'held': hold} if hold else {}))
    base, t0, acc = dict(loss.lambdas), time.time(), {}
    for s, b in enumerate(t.epoch_plan(0)):
        loss.lambdas['far'] = base['far'] * a.boost
        loss.lambdas['near'] = 0.0 if s < a.near_off_steps else base['near'] * a.boost
        r = {**t.step(*b), 'released': float(t.released)}
        for k, v in r.items(): acc[k] = acc.get(k, 0) + v
        if (s + 1) % 25 == 0:
            print(a.name, s + 1, {k: round(v / 25, 4) for k, v in acc.items()}, f'{time.time() - t0:.0f}s', flush=True); acc = {}
    loss.lambdas.update(base)
    print(a.name, 'VAL', {k: round(v, 4) for k, v in t.validate().items()}, flush=True)

if __name__ == '__main__': main()
