"""Protected portraits at 100% zoom: the face of each 1024 px portrait, original beside each model's output.

    python benchmarks/portrait_crops.py OUT_DIR NAME=CHECKPOINT [NAME=CHECKPOINT ...] [--strength auto|1] [--check dlib]

Each model runs through `featembed protect`'s own path (`protect_photo`: detection, framing, identity bank,
`auto` strength with its quality floor, paste-back, JPEG q95) with `--identity-seed 0`, so the only difference
between columns is the hiding network. The portraits are the offline ones a user can reproduce: scikit-image's
astronaut and matplotlib's Grace Hopper, upscaled (Lanczos) to 1024 px on the long side. Writes OUT_DIR/crops.png
(crops of the face at 100%, never resampled: judge texture here, not on 256 px grids) and OUT_DIR/faces.csv (per
face: strength chosen, SFace cosine to the original, LPIPS(alex) of the face crop, status, dlib check)."""
import argparse, json, tempfile
from pathlib import Path
import numpy as np, pandas as pd
from PIL import Image

def portraits(side: int = 1024) -> dict[str, Image.Image]:
    import matplotlib.cbook
    from skimage import data as skdata
    ims = {'astronaut': Image.fromarray(skdata.astronaut()),
           'grace_hopper': Image.open(matplotlib.cbook.get_sample_data('grace_hopper.jpg')).convert('RGB')}
    return {k: im.resize((round(im.width * side / max(im.size)), round(im.height * side / max(im.size))), Image.LANCZOS)
            for k, im in ims.items()}

def load_model(checkpoint):
    "An HN from `checkpoint` dressed like protect's shipped model (its identity bank and card)."
    from featembed_nb.protect import load_default_model
    from featembed_nb.inference import load_hiding_network
    shipped = load_default_model()
    hn = load_hiding_network(checkpoint)
    hn.identities, hn.card = shipped.identities, {**shipped.card, 'source_checkpoint': {'path': str(checkpoint)}}
    return hn

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('out_dir'); ap.add_argument('models', nargs='+', help='NAME=CHECKPOINT')
    ap.add_argument('--strength', default='auto'); ap.add_argument('--check', default='dlib')
    ap.add_argument('--crop', type=int, default=420, help='side of the face crop, in portrait pixels')
    a = ap.parse_args()
    from featembed_nb.protect import protect_photo
    out = Path(a.out_dir); out.mkdir(parents=True, exist_ok=True)
    strength = a.strength if a.strength == 'auto' else float(a.strength)
    models = dict(m.split('=', 1) for m in a.models)
    rows, tiles = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for pname, im in portraits().items():
            src = Path(tmp)/f'{pname}.png'; im.save(src)
            tiles[pname] = {'original': np.asarray(im)}
            for mname, ckpt in models.items():
                dst = Path(tmp)/f'{pname}_{mname}.jpg'
                rep = protect_photo(src, dst, load_model(ckpt), identity_seed=0, strength=strength, check=a.check)
                if rep.status != 'protected': raise SystemExit(f"{pname} with {mname}: {rep.line()}")
                tiles[pname][mname] = np.asarray(Image.open(dst).convert('RGB'))
                for f in rep.faces:
                    rows.append(dict(portrait=pname, model=mname, checkpoint=ckpt, status=f.status, reason=f.reason,
                                     strength=f.strength, cosine_sface=f.cosine_en, quality_metric=f.quality_metric,
                                     quality=f.quality, check=a.check, cosine_check=f.cosine_check, check_matched=f.check_matched,
                                     box=json.dumps([round(v) for v in f.box])))
    faces = pd.DataFrame(rows); faces.to_csv(out/'faces.csv', index=False)
    # one row per portrait, one column per image, each a crop centred on the (first) face box, at 100%
    cols, h = ['original', *models], a.crop
    canvas = Image.new('RGB', (len(cols) * (h + 8), len(tiles) * (h + 8)), 'white')
    for r, (pname, ims) in enumerate(tiles.items()):
        box = json.loads(faces[faces.portrait == pname].box.iloc[0])
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        for c, col in enumerate(cols):
            arr = ims[col]; x0 = int(np.clip(cx - h // 2, 0, arr.shape[1] - h)); y0 = int(np.clip(cy - h // 2, 0, arr.shape[0] - h))
            canvas.paste(Image.fromarray(arr[y0:y0 + h, x0:x0 + h]), (c * (h + 8), r * (h + 8)))
    canvas.save(out/'crops.png')
    print(faces.drop(columns=['box', 'checkpoint']).to_string(index=False))
    print(f"columns: {cols}; wrote {out/'crops.png'} and {out/'faces.csv'}")

if __name__ == '__main__': main()
