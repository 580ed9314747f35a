"""Benchmark of `featembed protect` (photos per second) on photos built from package sample photos.
one_face.jpg: skimage.data.astronaut() resized to 1024x1024 (bicubic), JPEG q95.
group5.jpg: 2000x1000 grey canvas (RGB 128) with five 380x380 tiles side by side (10 px apart, top at 310):
  astronaut face crop (rows 0:300, cols 75:375 of the 512x512 photo), matplotlib grace_hopper.jpg face crop
  (rows 20:420, cols 56:456), the two mirrored left-right, and the astronaut crop again with R and B swapped; JPEG q95.
Usage: python benchmarks/bench_protect.py OUT_DIR [repeats] [strength]"""
import sys, time, numpy as np, torch
from pathlib import Path
from PIL import Image
from skimage import data
import matplotlib.cbook as cbook
from featembed_nb.protect import protect, load_default_model

out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
strength = sys.argv[3] if len(sys.argv) > 3 else 'auto'
strength = strength if strength == 'auto' else float(strength)
astro = data.astronaut()
Image.fromarray(astro).resize((1024, 1024), Image.BICUBIC).save(out/'one_face.jpg', quality=95)
grace = np.asarray(Image.open(cbook.get_sample_data('grace_hopper.jpg')).convert('RGB'))
a, g = astro[0:300, 75:375], grace[20:420, 56:456]
tiles = [a, g, a[:, ::-1], g[:, ::-1], a[..., ::-1]]
canvas = np.full((1000, 2000, 3), 128, np.uint8)
for i, t in enumerate(tiles):
    canvas[310:690, 10 + i * 390:390 + i * 390] = np.asarray(Image.fromarray(np.ascontiguousarray(t)).resize((380, 380), Image.BICUBIC))
Image.fromarray(canvas).save(out/'group5.jpg', quality=95)
load_default_model()
print(f"torch threads {torch.get_num_threads()}, strength {strength}")
for name in ('one_face.jpg', 'group5.jpg'):
    protect([out/name], out_dir=out/'o', overwrite=True, progress=False, echo=False, strength=strength)   # warm-up
    times = []
    for r in range(reps):
        t0 = time.perf_counter()
        rep = protect([out/name], out_dir=out/'o', overwrite=True, progress=False, echo=False, identity_seed=r, strength=strength)
        times.append(time.perf_counter() - t0)
    f = rep[0].faces
    print(f"{name}: {len(f)} faces, {sum(x.status == 'protected' for x in f)} protected, strengths {[x.strength for x in f]}; "
          f"median {np.median(times):.2f} s/photo = {1 / np.median(times):.2f} photos/s (min {min(times):.2f} s, max {max(times):.2f} s)")
