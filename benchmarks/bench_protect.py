"""Benchmark of `featembed protect` (photos per second) on photos built from package sample photos, idle and while a
second busy process (one pure-Python spinning loop) shares the CPU; on a GPU also faces per second of the whole path.
one_face.jpg: skimage.data.astronaut() resized to 1024x1024 (bicubic), JPEG q95.
group5.jpg: 2000x1000 grey canvas (RGB 128) with five 380x380 tiles side by side (10 px apart, top at 310):
  astronaut face crop (rows 0:300, cols 75:375 of the 512x512 photo), matplotlib grace_hopper.jpg face crop
  (rows 20:420, cols 56:456), the two mirrored left-right, and the astronaut crop again with R and B swapped; JPEG q95.
Threads: chosen by `protect` itself (free physical cores, see `choose_threads`) unless OMP_NUM_THREADS is set.
Usage: python benchmarks/bench_protect.py OUT_DIR [repeats] [strength] [device]
       python benchmarks/bench_protect.py OUT_DIR groups [n_photos]   # detection miss rate on LFW group photos:
  each photo is a 1600x700 grey canvas holding 4 LFW people (seeded draw from data/lfw, every image scaled by a
  random factor 0.5-1.1 so faces are ~50-120 px wide, placed in 4 columns); the 4th is half covered (its right
  half painted grey), as a person half out of the frame. A face counts as found when a detection >= 0.9 has its
  box centre within 25 px of the LFW image's centre; 'possible' when only a detection below 0.9 does."""
import os, subprocess, sys, time, numpy as np, torch
from pathlib import Path
from PIL import Image
from skimage import data
import matplotlib.cbook as cbook
from featembed_nb.protect import protect, load_default_model, load_appearance_model, physical_cores, busy_elsewhere, choose_threads

out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
if len(sys.argv) > 2 and sys.argv[2] == 'groups':
    from featembed_nb.paths import repo_root
    from featembed_nb.protect import detect_faces
    rng = np.random.default_rng(0)
    lfw = sorted((repo_root()/'data'/'lfw'/'lfw-deepfunneled').rglob('*.jpg'))
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    tally = {('full', k): 0 for k in ('found', 'possible', 'missed')} | {('half', k): 0 for k in ('found', 'possible', 'missed')}
    extra = 0
    for g in range(n):
        canvas = np.full((700, 1600, 3), 128, np.uint8); centres = []
        for c, path in enumerate(rng.choice(lfw, 4, replace=False)):
            im = Image.open(path).convert('RGB'); s = rng.uniform(0.5, 1.1); side = round(250 * s)
            tile = np.asarray(im.resize((side, side), Image.BICUBIC)).copy()
            if c == 3: tile[:, side // 2:] = 128
            x, y = 40 + c * 400 + int(rng.integers(0, 360 - side + 1)), int(rng.integers(50, 700 - side - 50 + 1))
            canvas[y:y + side, x:x + side] = tile; centres.append((x + side / 2, y + side / 2))
        faces = detect_faces(canvas, min_face=40)
        used = set()
        for c, (cx, cy) in enumerate(centres):
            near = [i for i, f in enumerate(faces) if np.hypot((f.box[0] + f.box[2]) / 2 - cx, (f.box[1] + f.box[3]) / 2 - cy) < 25]
            used |= set(near)
            kind = 'found' if any(not faces[i].possible for i in near) else 'possible' if near else 'missed'
            tally[('half' if c == 3 else 'full', kind)] += 1
        extra += sum(1 for i, f in enumerate(faces) if i not in used and not f.possible)
    for part, total in (('full', 3 * n), ('half', n)):
        print(f"{part} faces: {total}; found {tally[(part, 'found')]}, only a possible face {tally[(part, 'possible')]}, "
              f"missed {tally[(part, 'missed')]} -> miss rate {tally[(part, 'missed')] / total:.1%} "
              f"(not protected: {(tally[(part, 'missed')] + tally[(part, 'possible')]) / total:.1%})")
    print(f"other faces found (background people in LFW images): {extra}")
    sys.exit(0)
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
strength = sys.argv[3] if len(sys.argv) > 3 else 'auto'
strength = strength if strength == 'auto' else float(strength)
device = sys.argv[4] if len(sys.argv) > 4 else 'cpu'
astro = data.astronaut()
Image.fromarray(astro).resize((1024, 1024), Image.BICUBIC).save(out/'one_face.jpg', quality=95)
grace = np.asarray(Image.open(cbook.get_sample_data('grace_hopper.jpg')).convert('RGB'))
a, g = astro[0:300, 75:375], grace[20:420, 56:456]
tiles = [a, g, a[:, ::-1], g[:, ::-1], a[..., ::-1]]
canvas = np.full((1000, 2000, 3), 128, np.uint8)
for i, t in enumerate(tiles):
    canvas[310:690, 10 + i * 390:390 + i * 390] = np.asarray(Image.fromarray(np.ascontiguousarray(t)).resize((380, 380), Image.BICUBIC))
Image.fromarray(canvas).save(out/'group5.jpg', quality=95)
load_default_model(device); load_appearance_model(device)
print(f"{os.cpu_count()} logical CPUs, {physical_cores()} physical cores, torch {torch.__version__}, device {device}, "
      f"strength {strength}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")

def bench(name: str, label: str):
    threads = int(os.environ.get('OMP_NUM_THREADS') or choose_threads())
    kw = dict(out_dir=out/'o', overwrite=True, progress=False, echo=False, strength=strength, device=device)
    protect([out/name], **kw)                                                    # warm-up
    times = []
    for r in range(reps):
        t0 = time.perf_counter()
        rep = protect([out/name], identity_seed=r, **kw)
        if device.startswith('cuda'): torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    f, med = rep[0].faces, float(np.median(times))
    print(f"{label:5s} {name}: {len(f)} faces ({rep[0].line().split(': ', 1)[1].split(' | ')[0]}), torch threads {threads}; "
          f"median {med:.2f} s/photo = {1 / med:.2f} photos/s = {len(f) / med:.2f} faces/s "
          f"(min {min(times):.2f} s, max {max(times):.2f} s)")

for name in ('one_face.jpg', 'group5.jpg'):
    print(f"busy threads elsewhere now: {busy_elsewhere()}"); bench(name, 'idle')
    hog = subprocess.Popen([sys.executable, '-c', 'while True: pass'])
    try:
        time.sleep(1.0); print(f"busy threads elsewhere now: {busy_elsewhere()}"); bench(name, 'busy')
    finally: hog.kill(); hog.wait()
