"""Train the hiding network on a lent GPU (nbs/25_gpu_lease.ipynb). Here: `build` the carried bundle, `park` the
tree, make the device call, `unpark`; there: `train`. Run from the repo root.

    python benchmarks/gpu_lease.py build [--start DIR [--start-arms A,B]]  # cache/gpu_bundle/, sized for 64 MiB with the parked tree
    python benchmarks/gpu_lease.py park                   # results/ models/ nbs/ out of the index for the call
    # device call, carry ["cache/gpu_bundle"]:
    #   export PYTHONPATH=$PWD:$PWD/cache/gpu_bundle/site PYTHONUNBUFFERED=1;
    #   python3 benchmarks/gpu_lease.py train --out $OUT --minutes 9 --bench ''   # the arms of params.yaml's gpu_lease
    python benchmarks/gpu_lease.py unpark                 # always, right after the call
    python benchmarks/gpu_lease.py adopt DIR [--as ARM=NAME]   # the returned files: models/gpu/, results/gpu/, cache/gpu_runs/
    python benchmarks/gpu_lease.py size                   # bytes that would travel now
    python benchmarks/gpu_lease.py add-runs ARM [ARM ...] # full-protocol evaluate runs hn_<arm> in params.yaml, then: dvc repro evaluate@hn_<arm>
    python benchmarks/gpu_lease.py check RUN [RUN ...]    # an evaluation against issue 13's shipping targets
    python benchmarks/gpu_lease.py ship RUN               # make hn_<arm> protect's model in params.yaml + dvc.yaml, then: dvc repro
"""
import argparse, json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from featembed_nb.gpu_lease import (build_bundle, park_tree, unpark_tree, travel_bytes, lease_train, adopt_lease, PARKED,
                                    add_evaluate_runs, shipping_check)
from featembed_nb.paths import results_dir

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('build', help='write cache/gpu_bundle/')
    b.add_argument('--out', default='cache/gpu_bundle'); b.add_argument('--start', default=None, help='a returned lease folder, or a filed model (models/gpu/hn_<name>.pt), to continue')
    b.add_argument('--start-arms', default=None, help='comma-separated arms of --start to continue (all: default, where it has one)')
    b.add_argument('--travel-mib', type=float, default=64.0); b.add_argument('--max-covers', type=int, default=0)
    sub.add_parser('park'); sub.add_parser('unpark')
    d = sub.add_parser('adopt', help='file a returned lease folder'); d.add_argument('folder')
    d.add_argument('--as', dest='rename', nargs='*', default=[], metavar='ARM=NAME', help='file an arm under another name')
    s = sub.add_parser('size'); s.add_argument('--carry', nargs='*', default=['cache/gpu_bundle'])
    r = sub.add_parser('add-runs', help="evaluate runs for adopted arms"); r.add_argument('arms', nargs='+')
    c = sub.add_parser('check', help="evaluations against the shipping targets"); c.add_argument('runs', nargs='+')
    h = sub.add_parser('ship', help="make a filed model protect's default: every params.yaml/dvc.yaml entry about the shipped model"); h.add_argument('run')
    t = sub.add_parser('train', help='on the GPU machine')
    t.add_argument('--bundle', default='cache/gpu_bundle'); t.add_argument('--out', required=True)
    t.add_argument('--minutes', type=float, default=8.0); t.add_argument('--profile', default='gpu')
    t.add_argument('--overrides', default='{}', help='JSON of TrainConfig fields, for every arm')
    t.add_argument('--arms', default=None, help='JSON {name: overrides}; default: the continued arms, else params.yaml gpu_lease.arms')
    t.add_argument('--e-pool', default='both', choices=['both', 'synthetic', 'celeba'])
    t.add_argument('--bench', default='32,64,128,256', help='batch sizes to time first (empty: none)')
    t.add_argument('--device', default='cuda')
    t.add_argument('--warmup-steps', type=int, default=200, help="a continued arm's learning-rate ramp (its Adam restarts)")
    t.add_argument('--cpu-bf16', action='store_true', help='on the CPU, train under bf16 autocast (1.7x a step on AVX512-BF16 cores)')
    t.add_argument('--feature-cache', default=None, help="a folder keeping SFace features of the bundle's faces between runs (CPU runs: saves ~5 min of embedding each)")
    t.add_argument('--profile-steps', type=int, default=5, help='training steps to profile before the lease trains (0: none)')
    t.add_argument('--hold-until-far', type=float, default=None, help='near, perc and LPIPS wait until the mean training far is below this (0: all terms from the start); default: params.yaml gpu_lease.hold_until_far')
    t.add_argument('--far-target', type=float, default=None, help="far pays per face only above this SFace cosine (a hinge; e.g. 0.135 = SFace's LFW threshold - 0.2); default: eq. 5's plain mean; an arm's own overrides in --arms may set far_target for that arm")
    a = ap.parse_args(argv)
    if a.cmd == 'build':
        m = build_bundle(a.out, travel_mib=a.travel_mib, start=a.start, max_covers=a.max_covers,
                         start_arms=a.start_arms.split(',') if a.start_arms else None)
        print(json.dumps({k: v for k, v in m.items() if k != 'files'}, indent=1))
    elif a.cmd == 'park': park_tree(); print(f"parked {PARKED}; travel now {travel_bytes(carry=['cache/gpu_bundle']) / 2**20:.1f} MiB with the bundle")
    elif a.cmd == 'unpark': unpark_tree(); print('unparked')
    elif a.cmd == 'adopt': print(json.dumps(adopt_lease(a.folder, rename=dict(r.split('=', 1) for r in a.rename)), indent=1))
    elif a.cmd == 'size': print(f"{travel_bytes(carry=a.carry) / 2**20:.1f} MiB would travel (carry {a.carry})")
    elif a.cmd == 'add-runs':
        added = add_evaluate_runs(a.arms)
        print(f"added {added or 'nothing (all there)'}; run: " + ' '.join(f'dvc repro evaluate@{r}' for r in added or [f'hn_{x}' for x in a.arms]))
    elif a.cmd == 'check':
        for run in a.runs:
            t = shipping_check(json.loads((results_dir()/'eval'/run/'metrics.json').read_text()))
            print(f"{run}: {'meets' if t.met.all() else 'misses'} the shipping targets\n{t.to_string(index=False)}\n")
    elif a.cmd == 'ship':
        from featembed_nb.shipping import ship_model
        print(f"{a.run} ships: params.yaml and dvc.yaml name it; run: dvc repro" if ship_model(a.run) else f"{a.run} ships already")
    else:
        bench = tuple(int(x) for x in a.bench.split(',') if x)
        out = lease_train(a.bundle, a.out, a.minutes, a.profile, json.loads(a.overrides), a.device, a.e_pool, bench, a.warmup_steps,
                          arms=json.loads(a.arms) if a.arms else None, profile_steps=a.profile_steps,
                          hold_until_far=a.hold_until_far, cpu_bf16=a.cpu_bf16, feature_cache=a.feature_cache,
                          far_target=a.far_target)
        print(json.dumps({**out['lease'], 'arms': {n: {k: v for k, v in arm.items() if k not in ('history', 'config', 'leases')}
                                                   for n, arm in out['arms'].items()}}, indent=1))

if __name__ == '__main__': main()
