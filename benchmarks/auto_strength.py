"""How often does `--strength auto` have to raise the strength? protect's own path on everyday LFW photos.

    python benchmarks/auto_strength.py OUT NAME=CHECKPOINT [NAME=CHECKPOINT ...] [--per-fold 30] [--check dlib]

The photos are the first image of the first PER_FOLD genuine LFW pairs per fold (deep-funneled, 250 px, one face
each; 30 per fold = the experiments' 253 distinct covers), each protected through `protect_photo` exactly as
`featembed protect photo.jpg --identity-seed 0 --check dlib` does (detection, framing, identity bank, auto strength
with its LPIPS floor, paste-back, JPEG q95), one model at a time (`portrait_crops.load_model`: the shipped model's
identity bank and card). `auto` keeps strength 1 where the SFace cosine of the protected face to its own original is
already `EN_MARGIN` below SFace's LFW threshold and otherwise tries the larger strengths of its grid up to 3. Writes OUT/faces.csv (per face),
OUT/auto_strength.{csv,md} (per model: share of faces at 1 and in (1, 1.5], (1.5, 2], (2, 3], weakly protected, dlib still matching, face
LPIPS) and OUT/auto_strength.png. ~1 s a photo and model on 2 busy cores.
"""
import argparse, sys, tempfile
from pathlib import Path
import numpy as np, pandas as pd
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT/'benchmarks'))

from featembed_nb.protect import STRENGTHS, EN_MARGIN

def strength_summary(faces: pd.DataFrame, strengths=STRENGTHS, bins=(1, 1.5, 2, 3)) -> pd.DataFrame:
    "Per model: faces, share at strength 1 and in each bin (lo, hi] above it, mean strength, share weakly protected / still matched by the check, LPIPS."
    rows = []
    for model, g in faces.groupby('model', sort=False):
        row = {'model': model, 'faces': len(g)}
        row['at_1'] = float((g.strength == strengths[0]).mean())
        row.update({f'to_{hi:g}': float(((g.strength > lo) & (g.strength <= hi)).mean()) for lo, hi in zip(bins, bins[1:])})
        row['raised'] = float((g.strength > strengths[0]).mean())
        row['mean_strength'] = float(g.strength.mean())
        row['weakly_protected'] = float((g.status == 'weakly protected').mean())
        if 'check_matched' in g and g.check_matched.notna().any():
            row['check_matched'] = float(g.check_matched.astype(float).mean())
        row['median_lpips'] = float(g.quality.median())
        rows.append(row)
    return pd.DataFrame(rows)

def lfw_covers(per_fold: int) -> list[Path]:
    "The first image of the first `per_fold` genuine LFW pairs per fold, distinct, in pair order."
    from featembed_nb.paths import require_data
    from featembed_nb.lfw import read_pairs, subset_pairs
    lfw = require_data('lfw', 'lfw-deepfunneled')
    genuine = subset_pairs(read_pairs(require_data('lfw', 'pairs.txt')), per_fold).query('genuine')
    return [lfw/n for n in dict.fromkeys(genuine.img1)]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out'); ap.add_argument('models', nargs='+', help='NAME=CHECKPOINT')
    ap.add_argument('--per-fold', type=int, default=30); ap.add_argument('--check', default='dlib')
    ap.add_argument('--limit', type=int, default=0, help='only the first N photos (a quick look)')
    a = ap.parse_args()
    from tqdm import tqdm
    from featembed_nb.protect import protect_photo, use_threads
    from featembed_nb.files import write_table, save_figure
    from portrait_crops import load_model
    use_threads()
    photos = lfw_covers(a.per_fold)[:a.limit or None]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, ckpt in (m.split('=', 1) for m in a.models):
            hn = load_model(ckpt)
            for src in tqdm(photos, desc=name):
                rep = protect_photo(src, Path(tmp)/f'{name}.jpg', hn, identity_seed=0, overwrite=True, check=a.check)
                if rep.status != 'protected':
                    rows.append(dict(model=name, photo=f'{src.parent.name}/{src.name}', status=rep.status, reason=rep.line()))
                    continue
                f = max((f for f in rep.faces if f.strength is not None), key=lambda f: f.width)   # the pair's person
                rows.append(dict(model=name, photo=f'{src.parent.name}/{src.name}', status=f.status, reason=f.reason,
                                 strength=f.strength, cosine_sface=f.cosine_en, quality=f.quality,
                                 cosine_check=f.cosine_check, check_matched=f.check_matched, faces_in_photo=len(rep.faces)))
    faces = pd.DataFrame(rows)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    faces.to_csv(out/'faces.csv', index=False)
    done = faces.dropna(subset=['strength'])
    summary = strength_summary(done)
    write_table(summary, out, 'auto_strength', floatfmt='.3f', caption=(
        f"`featembed protect --strength auto --identity-seed 0 --check {a.check}` on the first image of the first "
        f"{a.per_fold} genuine LFW pairs per fold (deep-funneled, 250 px; {len(photos)} photos; the largest face of each). "
        f"at_1 = share of faces protected at strength 1 (auto keeps 1 where SFace's cosine to the original is already "
        f"{EN_MARGIN:g} below its LFW threshold), to_X = share at a strength above the previous column's and at most X "
        f"(auto's grid: {', '.join(f'{g:g}' for g in STRENGTHS)}); raised = share above 1; weakly_protected = SFace target not reached by 3 or "
        f"within the LPIPS floor; check_matched = {a.check} still matches the protected face to its original at its LFW "
        f"threshold; median_lpips = LPIPS(alex) of the 256 px face crop. Photos not protected: "
        f"{int(faces.strength.isna().sum())}. Models: {', '.join(a.models)}."))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    cols = [c for c in summary.columns if c == 'at_1' or c.startswith('to_')]
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.5 * len(summary)))
    left = np.zeros(len(summary))
    for c, colour in zip(cols, plt.cm.viridis(np.linspace(0.15, 0.95, len(cols)))):
        ax.barh(summary.model, summary[c], left=left, color=colour, label=f"strength {'1' if c == 'at_1' else '≤ ' + c[3:]}"); left += summary[c].to_numpy()
    ax.set_xlim(0, 1); ax.invert_yaxis(); ax.set_xlabel(f'share of {len(done) // max(len(summary), 1)} LFW faces')
    ax.legend(ncol=len(cols), fontsize=7, loc='lower center', bbox_to_anchor=(0.5, 1.0))
    save_figure(fig, out/'auto_strength.png')
    print(summary.to_string(index=False))

if __name__ == '__main__': main()
