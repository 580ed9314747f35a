"""Rehearse a GPU lease on the CPU, as the device machine would run it: the working tree as the device tool sends it
(parked: tracked and untracked-not-ignored files, results/ models/ nbs/ left out), the carried bundle, and only the
Python packages of the GPU image (benchmarks/gpu_image_packages.txt) plus the bundle's own site (lpips, onnx2torch).
A lease that would fail on an import, a file left behind or a path outside the tree fails here first.

    python benchmarks/gpu_rehearse.py [--bundle cache/gpu_bundle] [--minutes 5] [--keep DIR]

Trains every arm of params.yaml's gpu_lease at toy sizes (64 px, batch 4) for --minutes and checks what comes back:
one record per arm and a complete lease.json. A bundle that continues arms (`build --start`) is rehearsed at their own
size (their HN is in start.pt) in batches of 2: give it --minutes 6."""
import argparse, json, os, re, shutil, site, subprocess, sys, tempfile
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from featembed_nb.gpu_lease import PARKED, sent_files

TOY = {"image_size": 64, "width": 8, "depth": 2, "max_width": 16, "batch_size": 4, "steps_per_epoch": 2}
TOY_CONTINUED = {"batch_size": 2, "steps_per_epoch": 2}    # a continued arm keeps its HN's size

def image_site(dest: Path, names_file: Path = ROOT/'benchmarks'/'gpu_image_packages.txt') -> Path:
    "A folder of links to this environment's packages that the GPU image has too (by import name); the rest stay out."
    allowed = {l.strip() for l in names_file.read_text().splitlines() if l.strip() and not l.startswith('#')}
    dest.mkdir(parents=True, exist_ok=True)
    for sp in site.getsitepackages():
        for e in os.listdir(sp):
            top = re.split(r'[.-]', e)[0]
            if (e.endswith(('.dist-info', '.libs')) or top in allowed or e.startswith('nvidia')) and not (dest/e).exists():
                (dest/e).symlink_to(Path(sp)/e)
    return dest

def sent_tree(dest: Path, root: Path = ROOT) -> Path:
    "Copy into `dest` what the device tool would send from `root` once parked (the repo itself is not touched)."
    for n in sent_files(root, without=PARKED):
        (dest/n).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(root/n, dest/n)
    return dest

def rehearse(bundle='cache/gpu_bundle', minutes: float = 5.0, work=None, arms=None) -> dict:
    "Run the lease's `train` in a sent tree with the image's packages (`python -S`); returns its lease.json."
    work = Path(work or tempfile.mkdtemp(prefix='gpu_rehearse_'))
    tree = sent_tree(work/'tree')
    (tree/'cache').mkdir(exist_ok=True); (tree/'cache'/'gpu_bundle').symlink_to(Path(bundle).resolve())
    pkgs = image_site(work/'site')
    continued = bool(json.loads((Path(bundle)/'bundle.json').read_text()).get('start'))
    env = {**os.environ, 'PYTHONPATH': f"{tree}:{tree}/cache/gpu_bundle/site:{pkgs}", 'PYTHONUNBUFFERED': '1'}
    cmd = [sys.executable, '-S', 'benchmarks/gpu_lease.py', 'train', '--out', str(work/'out'), '--minutes', str(minutes),
           '--device', 'cpu', '--bench', '2', '--overrides', json.dumps(TOY_CONTINUED if continued else TOY)] + (['--arms', json.dumps(arms)] if arms else [])
    r = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if r.returncode: raise RuntimeError(f"the rehearsal failed (rc {r.returncode}):\n{r.stderr[-4000:]}")
    lease = json.loads((work/'out'/'lease.json').read_text())
    returned = lambda a: (a['record'] and (work/'out'/a['record']).exists()) or (continued and a.get('state'))   # a continued
    missing = [n for n, a in lease['arms'].items() if not returned(a)]            # arm that did not beat its best returns its state
    if missing or not lease['lease']['complete']: raise RuntimeError(f"the rehearsal returned no record for {missing} or ended incomplete")
    return lease

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--bundle', default='cache/gpu_bundle'); ap.add_argument('--minutes', type=float, default=5.0, help='the lease deadline: prep alone takes ~110 s on 2 cores, a round of two toy arms ~20 s')
    ap.add_argument('--keep', default=None, help='work folder to keep (default: a temporary one, removed)')
    a = ap.parse_args()
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix='gpu_rehearse_'))
    try:
        lease = rehearse(a.bundle, a.minutes, work)
        print(f"rehearsal passed: {lease['lease']['rounds']} rounds of {list(lease['arms'])} in {lease['lease']['total_s']:.0f} s")
    finally:
        if not a.keep: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
