"""FLOPs of one training step per face (`GPUTrainer`, forward and backward), by part, and what a faces-per-second goal
asks of a GPU. Counted on the CPU with torch.utils.flop_counter on stand-in pools (random pixels and features: the
count depends on shapes only), with the real networks (the U-Net of the profile, SFace, VGG-16 for perc and LPIPS).

    python benchmarks/gpu_step_flops.py [--profiles gpu offline_gpu] [--goal 2000] [--peak 788] [--json OUT]

--peak: the TFLOP/s ceiling; 788 is an 8192^3 bf16 matrix product measured on an H200 of this workplace (device
library, KINDS.md; the datasheet's dense bf16 is ~990). A step at the goal needs goal x GFLOP/face of it."""
import argparse, json
import numpy as np, torch, yaml
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode
from featembed_nb.paths import repo_root
from featembed_nb.geometry import default_landmarks
from featembed_nb.recognizers import get_recognizer
from featembed_nb.training import TrainConfig, Pool, profile_spec
from featembed_nb.gpu_training import GPUTrainer

PARTS = {'HidingNetwork': 'hn', 'VGGAppearanceLoss': 'vgg', 'PerceptualLoss': 'vgg', 'LPIPSLoss': 'vgg', 'SFace': 'en'}

def stand_in_pool(n: int, size: int, dim: int, seed: int = 0) -> Pool:
    "`n` faces of random pixels at `size` px with the template's landmarks and random unit features."
    g = torch.Generator().manual_seed(seed)
    f = F.normalize(torch.randn(n, dim, generator=g), dim=1)
    pts = torch.from_numpy(np.repeat(default_landmarks(size)[None], n, 0)).float()
    return Pool(torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=g), pts, f, f.clone(), torch.arange(n), [str(i) for i in range(n)])

def step_flops(profile: str, batch: int = 2) -> dict:
    "GFLOP per face of one optimiser step of `profile`, in total and per part (hn, vgg, en)."
    spec = profile_spec(yaml.safe_load((repo_root()/'params.yaml').read_text())['train'], profile)
    spec.pop('asr_threshold', None)
    cfg = TrainConfig.from_dict({**spec, 'device': 'cpu', 'batch_size': batch, 'num_threads': 2})
    en = get_recognizer(cfg.en)
    pool = stand_in_pool(4 * batch, cfg.image_size, en.dim)
    t = GPUTrainer(cfg, pool, pool, pool, en=en)
    b = next(iter(t.epoch_plan(0)))
    t.step(*b)                                  # the first step builds lazily created state (Adam's moments)
    with FlopCounterMode(display=False) as fc: t.step(*b)
    parts = {}
    for name, ops in fc.get_flop_counts().items():
        if name in PARTS: parts[PARTS[name]] = parts.get(PARTS[name], 0) + sum(ops.values()) / batch / 1e9
    return dict(profile=profile, image_size=cfg.image_size, lambdas=cfg.lambdas, lpips_net=cfg.lpips_net,
                gflop_per_face=round(fc.get_total_flops() / batch / 1e9, 1), parts={k: round(v, 1) for k, v in parts.items()})

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--profiles', nargs='+', default=['gpu', 'offline_gpu'])
    ap.add_argument('--goal', type=float, default=2000.0, help='faces per second (issue 13)')
    ap.add_argument('--peak', type=float, default=788.0, help='TFLOP/s ceiling')
    ap.add_argument('--json', help='also write the results here')
    a = ap.parse_args()
    torch.set_num_threads(2)
    rows = []
    for p in a.profiles:
        r = step_flops(p)
        r['tflops_at_goal'] = round(a.goal * r['gflop_per_face'] / 1e3, 1)
        r['share_of_peak_at_goal'] = round(r['tflops_at_goal'] / a.peak, 3)
        r['faces_per_s_at_peak'] = round(a.peak * 1e3 / r['gflop_per_face'])
        rows.append(r)
        print(f"{p}: {r['gflop_per_face']} GFLOP a face ({', '.join(f'{k} {v}' for k, v in r['parts'].items())}); "
              f"{a.goal:.0f} faces/s = {r['tflops_at_goal']} TFLOP/s, {r['share_of_peak_at_goal']:.0%} of {a.peak:.0f}", flush=True)
    out = dict(rows=rows, goal_faces_per_s=a.goal, peak_tflops=a.peak, torch=torch.__version__)
    if a.json: open(a.json, 'w').write(json.dumps(out, indent=1) + '\n')

if __name__ == '__main__': main()
