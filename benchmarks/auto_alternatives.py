"""Two cheaper levers than a larger strength, tried on the shipped model: choosing E per face, and a colourless change.

    python benchmarks/auto_alternatives.py OUT [--candidates 8] [--per-fold 30]

`--strength auto` raises the gain when strength 1 misses SFace's target (the threshold less `EN_MARGIN`). Two ways to
reach it without a larger change, measured on the covers of the first PER_FOLD genuine LFW pairs per fold (256 px
frame, as the evaluation renders them; no paste-back, JPEG or quality floor) with protect's shipped model and its
identity bank (StyleGAN2 faces), at strength 1:

- OUT/identity_search.{csv,md}: per face, K seeded draws from the bank; keep the E whose D is farthest from C under
  SFace (the white-box EN). Rows: the first 1, 2, 4, 8 candidates.
- OUT/change_colour.{csv,md}: the change D − C of the first candidate reduced to its luma (BT.601 Y, the same on all
  three channels), to its chroma (D − C − Y), luma with half its chroma, and luma gained 1.25.

met_target = share of covers whose SFace cosine to their own original is below the target; ASR = share of (D1, clean I2)
below each recogniser's LFW threshold (results/recognizers.csv); LPIPS(alex) and PSNR of D vs C. ~17 min on 2 cores
(rendering 253 × K faces is most of it).
"""
import argparse, sys
from pathlib import Path
import numpy as np, pandas as pd, torch
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT/'benchmarks'))
from featembed_nb.recognizers import get_recognizer
from featembed_nb.protocols import embed_images, stage_threshold, attack_success_rate
from featembed_nb.protect import load_default_model, EN_MARGIN
from featembed_nb.images import to_tensor, to_uint8
from featembed_nb.inference import deidentify
from featembed_nb.quality import psnr, load_lpips_alex, lpips_distance
from featembed_nb.files import write_table
from residual_lowpass import lfw_renders

LUMA = np.array([0.299, 0.587, 0.114], np.float32)

def colour_variants(change: np.ndarray) -> dict:
    "D − C (…×3, float) as trained, luma only, chroma only, luma + half chroma, luma × 1.25."
    y = (change * LUMA).sum(-1, keepdims=True)
    luma = np.repeat(y, 3, -1)
    return {'as trained': change, 'luma only': luma, 'chroma only': change - luma,
            'luma + half chroma': luma + 0.5 * (change - luma), 'luma only x1.25': 1.25 * luma}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('--candidates', type=int, default=8); ap.add_argument('--per-fold', type=int, default=30)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.set_grad_enabled(False)
    K = a.candidates
    lfw = lfw_renders([], a.per_fold)
    genuine, covers = lfw.genuine, list(lfw.clean)
    at = {c: i for i, c in enumerate(covers)}; pc = np.array([at[c] for c in genuine.img1])
    pts = np.stack([lfw.points[c] for c in covers]); clean = np.stack([lfw.clean[c] for c in covers])
    hn = load_default_model()
    rng = np.random.default_rng(0)
    idx = np.stack([rng.choice(len(hn.identities), K, replace=False) for _ in covers])
    D = np.stack([to_uint8(deidentify(hn, to_tensor(clean), torch.from_numpy(hn.identities[idx[:, k]]))) for k in range(K)], 1)
    names = ['sface', 'mobilefacenet', 'dlib']
    thr = {n: stage_threshold(n, ROOT/'results/recognizers.csv')[0] for n in names}
    recs = {n: get_recognizer(n) for n in names}
    ref = {n: lfw.clean_embeddings(recs[n], n, genuine.img2.tolist()) for n in names}
    f_clean = embed_images(recs['sface'], clean, pts)
    target = thr['sface'] - EN_MARGIN
    lp = load_lpips_alex('cpu')
    where = (f"covers of the first {a.per_fold} genuine LFW pairs per fold ({len(covers)} covers, {len(genuine)} pairs), 256 px "
             f"frame, protect's shipped model ({hn.card['source_checkpoint']['path']}) at strength 1 with E from its bank of "
             f"{len(hn.identities)} StyleGAN2 faces (seeded draws); met_target = SFace cosine to the own original below "
             f"{target:.3f} (threshold less EN_MARGIN); ASR = share of (D1, clean I2) below each recogniser's LFW threshold "
             f"(results/recognizers.csv; sface is the white-box EN).")
    # identity search
    feats = {n: np.stack([embed_images(recs[n], D[:, k], pts) for k in range(K)], 1) for n in names}
    L = np.stack([lpips_distance(lp, clean, D[:, k]) for k in range(K)], 1)
    same = (feats['sface'] * f_clean[:, None]).sum(-1)
    rows, rows_i = [], np.arange(len(covers))
    for k in [m for m in (1, 2, 4, 8, 16) if m <= K]:
        pick = same[:, :k].argmin(1)
        rows.append(dict(candidates=k, met_target=float((same[rows_i, pick] < target).mean()), lpips=float(L[rows_i, pick].mean()),
                         psnr=float(np.mean([psnr(clean[i], D[i, pick[i]]) for i in rows_i])),
                         **{f'asr_{n}': attack_success_rate(feats[n][pc, pick[pc]], ref[n], thr[n]) for n in names}))
        print(rows[-1], flush=True)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    write_table(pd.DataFrame(rows), out, 'identity_search', floatfmt='.3f', caption=(
        "Choosing E per face: of the first `candidates` seeded draws from the bank, the E whose D has the lowest SFace "
        "cosine to C; " + where))
    # a colourless change
    c32, rows = clean.astype(np.float32), []
    for name, change in colour_variants(D[:, 0].astype(np.float32) - c32).items():
        img = np.clip(np.rint(c32 + change), 0, 255).astype(np.uint8)
        f = {n: embed_images(recs[n], img, pts) for n in names}
        rows.append(dict(change=name, mean_abs=float(np.abs(img - c32).mean()), psnr=float(np.mean(psnr(clean, img))),
                         lpips=float(lpips_distance(lp, clean, img).mean()),
                         met_target=float(((f['sface'] * f_clean).sum(-1) < target).mean()),
                         **{f'asr_{n}': attack_success_rate(f[n][pc], ref[n], thr[n]) for n in names}))
        print(rows[-1], flush=True)
    write_table(pd.DataFrame(rows), out, 'change_colour', floatfmt='.3f', caption=(
        "The change D − C of the first draw reduced to its luma (BT.601 Y on all three channels), its chroma (D − C − Y), "
        "luma with half its chroma, and luma gained 1.25; mean_abs in grey levels; " + where))

if __name__ == '__main__': main()
