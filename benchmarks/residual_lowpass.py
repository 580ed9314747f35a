"""Is a model's protection its fine texture? ASR after low-passing only its change D - C.

    python benchmarks/residual_lowpass.py OUT LABEL=RESULTS_DIR:RUN [...] [--sigmas 0,0.75,1.5,3] [--per-fold 30]

Each LABEL names an evaluation run folder RESULTS_DIR/RUN (metrics.json; its D are rendered into RENDERS as the
pipeline does, e.g. results:eval/hn_cpu_lpips2 or cache/model_eval:cpu_eot1 with --renders cache/model_eval/renders).
For every sigma, D' = C + G_sigma * (D - C) (Gaussian, per channel, in pixels of the 256 px image; sigma 0 = D itself):
the cover stays sharp and only the change loses its fine detail. D' is embedded with the cover's landmarks and compared
with the clean I2 of the first PER_FOLD genuine LFW pairs per fold; ASR = share below each recogniser's LFW threshold
(results/recognizers.csv). Writes OUT/residual_lowpass.{csv,png}; ~1 min a model and sigma on 2 cores.
"""
import argparse, sys
from dataclasses import dataclass
from typing import Callable
from pathlib import Path
import numpy as np, pandas as pd, torch
from skimage.filters import gaussian
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from featembed_nb.paths import require_data
from featembed_nb.images import load_face_image, load_png
from featembed_nb.lfw import read_pairs, subset_pairs
from featembed_nb.geometry import cached_landmarks
from featembed_nb.recognizers import get_recognizer
from featembed_nb.protocols import cached_embeddings, embed_images, attack_success_rate, stage_threshold
from featembed_nb.methods import rendered
from featembed_nb.files import write_table, save_figure

def lowpass_change(c: np.ndarray, d: np.ndarray, sigma: float) -> np.ndarray:
    "uint8 C + G_sigma * (D - C): the change D - C low-passed, the cover untouched (sigma 0: D)."
    if sigma <= 0: return d
    r = gaussian(d.astype(np.float32) - c.astype(np.float32), sigma=sigma, channel_axis=-1, preserve_range=True)
    return np.clip(np.rint(c + r), 0, 255).astype(np.uint8)

@dataclass
class LFWRenders:
    "The first genuine LFW pairs per fold, their covers' clean images and landmarks, and each run's rendered D."
    genuine: pd.DataFrame
    load: Callable
    points: dict          # image name -> 5×2 landmarks (256 px frame)
    clean: dict           # cover name -> 256×256×3 uint8
    d: dict               # label -> {cover name -> D, 256×256×3 uint8}

    def clean_embeddings(self, rec, name: str, images: list) -> np.ndarray:
        "Features of clean LFW `images` under recogniser `rec` (`name`), from the evaluation's embedding cache."
        return cached_embeddings(rec, images, self.load, np.stack([self.points[c] for c in images]),
                                 ROOT/f'cache/embeddings/lfw_{name}.npz', ROOT/f'cache/eval/embeddings/lfw_{name}.npz')

def lfw_renders(runs, per_fold: int = 30, renders='cache/renders') -> LFWRenders:
    "Each LABEL=RESULTS_DIR:RUN's D of the covers of the first `per_fold` genuine LFW pairs per fold, rendered as the pipeline does."
    lfw = require_data('lfw', 'lfw-deepfunneled')
    load = lambda n: load_face_image(lfw/n, 256)
    genuine = subset_pairs(read_pairs(require_data('lfw', 'pairs.txt')), per_fold).query('genuine').reset_index(drop=True)
    everyone = list(dict.fromkeys(genuine.img1.tolist() + genuine.img2.tolist()))
    geo = cached_landmarks(everyone, load, ROOT/'cache/lfw_landmarks.csv', ROOT/'cache/eval/lfw_landmarks_extra.csv', 60)
    pts = dict(zip(everyone, geo.points))
    covers = list(dict.fromkeys(genuine.img1))
    ds = {}
    for spec in runs:
        label, where = spec.split('=', 1); results, run = where.split(':', 1)
        paths = rendered(run, covers, load, np.stack([pts[c] for c in covers]), ROOT/results, ROOT/renders)
        ds[label] = dict(zip(covers, (load_png(p) for p in paths)))
    return LFWRenders(genuine, load, pts, {c: load(c) for c in covers}, ds)

def residual_caption(runs, per_fold: int, n_pairs: int) -> str:
    "The table's caption: what was low-passed, on which pairs, and which evaluation run each model label is."
    return (f"ASR after low-passing D - C (sigma px at 256 px; 0 = D as rendered), first {per_fold} genuine LFW pairs per fold "
            f"({n_pairs}), against clean I2 at each recogniser's LFW threshold (results/recognizers.csv; SFace is the models' "
            f"white-box EN); mean_abs_change = mean |D' - C| in grey levels. Models (label = results folder:evaluation run, "
            f"whose metrics.json gives the checkpoint and E): {', '.join(runs)}.")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('runs', nargs='+', help='LABEL=RESULTS_DIR:RUN')
    ap.add_argument('--sigmas', default='0,0.75,1.5,3'); ap.add_argument('--per-fold', type=int, default=30)
    ap.add_argument('--renders', default='cache/renders'); ap.add_argument('--recognizers', default='sface,mobilefacenet,dlib')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.set_grad_enabled(False)
    sigmas = [float(s) for s in a.sigmas.split(',')]
    lfw = lfw_renders(a.runs, a.per_fold, a.renders)
    genuine, clean, ds = lfw.genuine, lfw.clean, lfw.d
    p1 = np.stack([lfw.points[c] for c in genuine.img1])
    rows = []
    for n in a.recognizers.split(','):
        rec, thr = get_recognizer(n), stage_threshold(n, ROOT/'results/recognizers.csv')[0]
        f2 = lfw.clean_embeddings(rec, n, genuine.img2.tolist())
        for label, d in ds.items():
            for s in sigmas:
                imgs = np.stack([lowpass_change(clean[c], d[c], s) for c in genuine.img1])
                kept = float(np.mean([np.abs(imgs[i].astype(float) - clean[c]).mean() for i, c in enumerate(genuine.img1)]))
                rows.append(dict(model=label, recognizer=n, sigma=s, asr=attack_success_rate(embed_images(rec, imgs, p1), f2, thr),
                                 mean_abs_change=kept, n_pairs=len(genuine)))
                print(rows[-1], flush=True)
    t = pd.DataFrame(rows)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    write_table(t, out, 'residual_lowpass', caption=residual_caption(a.runs, a.per_fold, len(genuine)))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(t.recognizer.unique()), figsize=(4 * len(t.recognizer.unique()), 3.2), sharey=True)
    for ax, (n, g) in zip(np.atleast_1d(axes), t.groupby('recognizer', sort=False)):
        for label, h in g.groupby('model', sort=False): ax.plot(h.sigma, 100 * h.asr, 'o-', label=label)
        ax.set_title(n); ax.set_xlabel('σ of the low-pass on D − C (px)'); ax.grid(alpha=.3)
    np.atleast_1d(axes)[0].set_ylabel('ASR (%)'); np.atleast_1d(axes)[0].legend(); fig.tight_layout()
    save_figure(fig, out/'residual_lowpass.png'); plt.close(fig)

if __name__ == '__main__': main()
