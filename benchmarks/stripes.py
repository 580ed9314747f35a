"""How striped is a model's change D − C? The median `stripe_ratio` (nbs/24_gpu_training.ipynb) over the GPU bundle's first
validation covers (CelebA, 256 px, each model at its own size), each hiding the SFace feature of the cover before it;
and a crop sheet of two lease grids side by side.

    python benchmarks/stripes.py measure MODEL [MODEL ...] [--n 16]     # model files (records, checkpoints, assets)
    python benchmarks/stripes.py crops TILE_GRID FILM_GRID OUT.png       # C | first grid's D | second grid's D, 2x

The numbers in README ("The `gpu` profile at its own size on the CPU") and benchmarks/results/stripes.txt came from
`measure` on 2 cores (2026-11-30); results/gpu/cpu/tile_vs_film.png from `crops` on the two CPU runs' grids
(cache/gpu_results/cpu/grid_2026-11-30_171156.png, grid_2026-11-30_173934.png).
"""
import argparse, sys
from pathlib import Path
import torch
import torch.nn.functional as F
from PIL import Image
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from featembed_nb.gpu_lease import bundle_recognizer, unpack_images
from featembed_nb.gpu_training import stripe_ratio
from featembed_nb.inference import load_hiding_network, deidentify

def measure(models, bundle=ROOT/'cache'/'gpu_bundle', n: int = 16):
    "Print each model's median stripe ratio and mean PSNR over the bundle's first `n` validation covers."
    val = torch.load(Path(bundle)/'val.pt', weights_only=True)
    pack = {'data': val['data'], 'offsets': val['offsets'][:n + 1]}
    covers = torch.from_numpy(unpack_images(pack, 256)).permute(0, 3, 1, 2).float() / 255
    with torch.no_grad(): f = F.normalize(bundle_recognizer(bundle).embed(covers, val['landmarks'][:n].float()).float(), dim=1)
    e = f.roll(1, 0)                      # each cover hides the feature of the one before it
    print(f"covers themselves (not a change): {float(stripe_ratio(covers, torch.zeros_like(covers)).median()):.2f}")
    for path in models:
        m = load_hiding_network(path)
        c = covers if m.image_size == 256 else F.interpolate(covers, size=m.image_size, mode='area')
        with torch.no_grad(): d = deidentify(m, c, e)
        psnr = float((10 * torch.log10(1 / (d - c).square().flatten(1).mean(1))).mean())
        print(f"{path}: stripes {float(stripe_ratio(d, c).median()):.2f}, PSNR {psnr:.1f} dB ({m.image_size} px, {n} covers)")

def crops(first, second, out, columns=(0, 3, 6), box=(48, 24, 208, 184), size: int = 256):
    "Face crops at 2x (nearest): C and D from `first` (rows 0 and 1 of a lease grid), D from `second`, one face a row."
    a, b = Image.open(first), Image.open(second)
    w, h = box[2] - box[0], box[3] - box[1]
    sheet = Image.new('RGB', (3 * 2 * w + 16, len(columns) * 2 * h + 8 * (len(columns) - 1)), 'white')
    for i, col in enumerate(columns):
        x = col * size
        row = lambda g, r: g.crop((x + box[0], r * size + box[1], x + box[2], r * size + box[3]))
        for j, crop in enumerate((row(a, 0), row(a, 1), row(b, 1))):
            sheet.paste(crop.resize((2 * w, 2 * h), Image.NEAREST), (j * (2 * w + 8), i * (2 * h + 8)))
    sheet.save(out)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('measure'); m.add_argument('models', nargs='+'); m.add_argument('--n', type=int, default=16)
    m.add_argument('--threads', type=int, default=1)
    c = sub.add_parser('crops'); c.add_argument('first'); c.add_argument('second'); c.add_argument('out')
    a = ap.parse_args()
    if a.cmd == 'measure':
        torch.set_num_threads(a.threads); measure(a.models, n=a.n)
    else: crops(a.first, a.second, a.out)

if __name__ == '__main__': main()
