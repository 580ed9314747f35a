"""Does protect's EN margin pay? Black-box ASR of LFW pairs against the protected face's SFace cosine to its own original.

    python benchmarks/en_margin.py OUT LABEL=RESULTS_DIR:RUN [...] [--per-fold 30] [--margins 0,0.05,0.1]

`--strength auto` raises a face's strength (protect's STRENGTHS, 1 ... 3, D_g = C + g·(D − C)) until SFace's cosine of the protected
face to *the same photo's* original is EN_MARGIN (0.1) below SFace's LFW threshold; an attacker compares with *another*
photo of the person. For each run (its D rendered as the pipeline does, the 256 px LFW frame, no paste-back, JPEG or
LPIPS floor: `auto_strength.py` measures protect's whole path), on the first PER_FOLD genuine LFW pairs per fold:
OUT/en_margin_bins.{csv,md}: the pairs binned by that same-photo cosine at strength 1, and each recogniser's ASR of
(D1, clean I2) in each bin; OUT/en_margin.{csv,md}: per margin, the share of faces auto raises, the mean strength,
the PSNR and each recogniser's ASR with auto's choice, against strength 1 throughout. ~3 min a run on 2 cores.
"""
import argparse, sys
from pathlib import Path
import numpy as np, pandas as pd, torch
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT/'benchmarks'))
from featembed_nb.recognizers import get_recognizer
from featembed_nb.protocols import embed_images, stage_threshold
from featembed_nb.quality import psnr
from featembed_nb.files import write_table
from featembed_nb.protect import STRENGTHS, EN_MARGIN, auto_choice
from residual_lowpass import lfw_renders

def gained(c: np.ndarray, d: np.ndarray, g: float) -> np.ndarray:
    "uint8 C + g·(D − C), as protect scales the network's change."
    return np.clip(np.rint(c.astype(np.float32) + g * (d.astype(np.float32) - c)), 0, 255).astype(np.uint8)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('runs', nargs='+', help='LABEL=RESULTS_DIR:RUN')
    ap.add_argument('--per-fold', type=int, default=30); ap.add_argument('--renders', default='cache/renders')
    ap.add_argument('--gains', default=','.join(f'{g:g}' for g in STRENGTHS))
    ap.add_argument('--margins', default=f'0,0.05,{EN_MARGIN:g}', help="protect's EN_MARGIN last")
    ap.add_argument('--recognizers', default='sface,mobilefacenet,dlib'); ap.add_argument('--en', default='sface')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.set_grad_enabled(False)
    gains, margins = [float(g) for g in a.gains.split(',')], [float(m) for m in a.margins.split(',')]
    names = a.recognizers.split(',')
    lfw = lfw_renders(a.runs, a.per_fold, a.renders)
    genuine, covers = lfw.genuine, list(lfw.clean)
    at = {c: i for i, c in enumerate(covers)}
    pair_cover = np.array([at[c] for c in genuine.img1])
    pts = np.stack([lfw.points[c] for c in covers])
    thr = {n: stage_threshold(n, ROOT/'results/recognizers.csv')[0] for n in names}
    recs = {n: get_recognizer(n) for n in names}
    clean_imgs = np.stack([lfw.clean[c] for c in covers])
    clean_cover = embed_images(recs[a.en], clean_imgs, pts)
    ref = {n: lfw.clean_embeddings(recs[n], n, genuine.img2.tolist()) for n in names}
    bins, policy = [], []
    for label, d in lfw.d.items():
        # features of D_g per recogniser: covers × gains × dim
        imgs = {g: np.stack([gained(clean_imgs[i], d[c], g) for i, c in enumerate(covers)]) for g in gains}
        feats = {n: np.stack([embed_images(recs[n], imgs[g], pts) for g in gains], 1) for n in names}
        same = (feats[a.en] * clean_cover[:, None]).sum(-1)                          # covers × gains
        quality = np.stack([psnr(clean_imgs, imgs[g]) for g in gains], 1)
        success = {n: (feats[n][pair_cover] * ref[n][:, None]).sum(-1) < thr[n] for n in names}   # pairs × gains
        edges = thr[a.en] + np.array([-np.inf, -0.2, -0.1, 0.0, 0.1, np.inf])
        which = pd.cut(same[pair_cover, 0], edges)
        for b in which.categories:
            m = np.asarray(which == b)
            bins.append({'model': label, 'same_photo_cosine': str(b), 'pairs': int(m.sum()),
                         **{f'asr_{n}': float(success[n][m, 0].mean()) if m.any() else float('nan') for n in names}})
        for margin in [None, *margins]:
            pick = np.zeros(len(covers), int) if margin is None else auto_choice(same, thr[a.en] - margin)
            pp = pick[pair_cover]
            policy.append({'model': label, 'strength': '1' if margin is None else f'auto, margin {margin:g}',
                           'raised': float((pick > 0).mean()), 'mean_strength': float(np.mean(np.array(gains)[pick])),
                           'psnr': float(quality[np.arange(len(covers)), pick].mean()),
                           **{f'asr_{n}': float(success[n][np.arange(len(pp)), pp].mean()) for n in names}})
        print(pd.DataFrame(policy).query('model == @label').to_string(index=False), flush=True)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    where = (f"first {a.per_fold} genuine LFW pairs per fold ({len(genuine)} pairs, {len(covers)} covers), D as rendered by "
             f"each run at 256 px ({', '.join(a.runs)}), D_g = C + g(D - C); {a.en} (the EN, white box) gives the same-photo "
             f"cosine, threshold {thr[a.en]:.3f}; ASR = share of (D1, clean I2) below each recogniser's LFW threshold "
             f"(results/recognizers.csv).")
    write_table(pd.DataFrame(bins), out, 'en_margin_bins', floatfmt='.3f', caption=(
        f"Black-box ASR at strength 1 by the protected cover's {a.en} cosine to its own original (bins around the "
        f"threshold; protect's auto target is {EN_MARGIN:g} below it): " + where))
    write_table(pd.DataFrame(policy), out, 'en_margin', floatfmt='.3f', caption=(
        f"Strength 1 for every face against protect's auto rule (the first of {a.gains} whose {a.en} cosine to the same "
        f"photo's original is `margin` below the threshold, else the last) without its LPIPS floor; raised = share of "
        f"covers raised above 1; psnr over covers: " + where))

if __name__ == '__main__': main()
