"""The `comparison` notebook under papermill on a fake setup: tiny evaluation folders and renders under tmp_path.

Five runs (an HN at gains 1 and 2, two LGC ε, Fawkes) with table.csv / cmc.csv / metrics.json shaped like the evaluate
stage's, one run named but absent, renders of the three example covers (the first genuine pair of the first folds).
Timing on one face with one iteration per attack.
"""
import json, subprocess, sys
import numpy as np, pandas as pd, pytest
from PIL import Image
from featembed_nb.paths import repo_root
from featembed_nb.images import load_face_image

ROOT = repo_root()
NB = ROOT/'nbs'/'experiments'/'comparison.ipynb'
COLS = ['method', 'recognizer', 'white_box', 'psnr', 'ssim', 'lpips', 'asr', 'rank1', 'rank5']
COVERS = ['Aaron_Peirsol/Aaron_Peirsol_0001', 'Aaron_Sorkin/Aaron_Sorkin_0001', 'Abdel_Nasser_Assidi/Abdel_Nasser_Assidi_0001']
RUNS = {  # run: (key, method string, psnr, asr of sface / dlib)
    'hn_l1': ('hn-00000001', 'hn(checkpoint=x.pt, sha256=ab, e_image=e.jpg)', 33.0, (0.75, 0.6)),
    'hn_g2': ('hn-00000002', 'hn(checkpoint=x.pt, sha256=ab, e_image=e.jpg, gain=2.0)', 29.0, (0.9, 0.8)),
    'hn_y1': ('hn-00000003', 'hn(checkpoint=models/y/best.pt, sha256=cd, e_image=e.jpg)', 34.0, (0.7, 0.5)),   # a second checkpoint: its own line
    'hn_y3': ('hn-00000004', 'hn(checkpoint=models/y/best.pt, sha256=cd, e_image=e.jpg, gain=3.0)', 27.0, (0.95, 0.9)),
    'hn_z': ('hn-00000005', 'hn(checkpoint=z.pt, sha256=ef, e_image=e.jpg)', 35.0, (0.6, 0.4)),                 # one gain only: a point
    'lgc_e2': ('lgc-00000002', 'lgc(en=sface, eps=2, iters=20, mu=1.0, patches=4, seed=0)', 40.0, (0.5, 0.1)),
    'lgc_e4': ('lgc-00000004', 'lgc(en=sface, eps=4, iters=20, mu=1.0, patches=4, seed=0)', 36.0, (0.9, 0.2)),
    'fawkes': ('fawkes-0000000f', 'fawkes(en=sface, budget=0.017, iters=150, lr=15.0, penalty=1000000000.0, seed=0)', 30.0, (0.8, 0.3)),
}

def fake_run(root, renders, run, key, method, psnr, asr, covers):
    d = root/run; d.mkdir(parents=True)
    rows = [dict(method=method, recognizer=rec, white_box=rec == 'sface', psnr=psnr, ssim=psnr / 40, lpips='n/a (weights missing)',
                 asr=a, rank1=1 - a, rank5=1 - a / 2, detector_refind=1.0, detector='mtcnn') for rec, a in zip(('sface', 'dlib'), asr)]
    pd.DataFrame(rows).to_csv(d/'table.csv', index=False)
    ranks = np.arange(1, 11)
    pd.DataFrame({'rank': ranks, 'sface': np.minimum(1, (1 - asr[0]) + ranks / 20), 'dlib': np.minimum(1, (1 - asr[1]) + ranks / 20)}).to_csv(d/'cmc.csv', index=False)
    (d/'metrics.json').write_text(json.dumps({'key': key, 'method': method}))
    if run != 'fawkes':             # the evaluation's real-client row (fawkes: evaluated before the client was)
        pd.DataFrame([dict(method=method, recognizer='face_recognition', psnr=psnr, ssim=psnr / 40, lpips='n/a', n_pairs=9, reference_without_face=1,
                           no_face=0.0, asr_found=asr[1] / 2, asr=asr[1] / 2, clean_genuine_rejection=0.0, tolerance=0.6)]).to_csv(d/'client.csv', index=False)
    for c in covers:
        im = load_face_image(ROOT/'data'/'lfw'/'lfw-deepfunneled'/f'{c}.jpg')
        im = np.clip(im.astype(int) + 3, 0, 255).astype(np.uint8)
        (renders/key/c).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(im).save(renders/key/f'{c}.png')

def test_comparison_fake_runs(lfw_data, tmp_path):
    root, renders, out = tmp_path/'eval', tmp_path/'renders', tmp_path/'comparison'
    for run, (key, method, psnr, asr) in RUNS.items():
        fake_run(root, renders, run, key, method, psnr, asr, COVERS)
    args = [sys.executable, '-m', 'papermill', '--cwd', str(NB.parent), str(NB), str(tmp_path/'comparison.ipynb'),
            '-p', 'runs', ','.join(RUNS) + ',tipim_missing', '-p', 'run_prefix', '', '-p', 'results_root', str(root), '-p', 'renders_dir', str(renders),
            '-p', 'out_dir', str(out), '-p', 'speed_faces', '1', '-p', 'speed_methods', 'hn,lgc,fawkes',
            '-p', 'hn_checkpoint', str(tmp_path/'no_checkpoint.pt'), '-p', 'lgc_iters', '1', '-p', 'fawkes_iters', '1',
            '-p', 'eval_cache', str(tmp_path/'eval_cache')]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    tab = pd.read_csv(out/'table.csv')
    assert tab.columns.tolist() == COLS and len(tab) == 2 * len(RUNS)
    assert tab.method.tolist() == [r for r in RUNS for _ in range(2)] and tab.recognizer.tolist() == ['sface', 'dlib'] * len(RUNS)
    assert np.allclose(tab[tab.recognizer == 'dlib'].asr, [a[1] for *_, a in RUNS.values()])
    md = (out/'table.md').read_text()
    assert '### sface (white-box)' in md and '### dlib' in md and 'tipim_missing' in md and 'lgc-00000004' in md
    for f in ('quality_vs_asr.png', 'cmc.png', 'examples.png', 'differences.png'): assert (out/f).stat().st_size > 1000
    nb = json.loads((tmp_path/'comparison.ipynb').read_text())
    printed = ''.join(''.join(o.get('text', '')) for c in nb['cells'] for o in c.get('outputs', []))
    assert "Fig. 14 lines: ['HN (gain sweep, x)', 'HN (gain sweep, y)', 'LGC (ε sweep)'] | points: ['hn_z', 'fawkes']" in printed
    assert f"examples: {[c + '.jpg' for c in COVERS]}" in printed
    speed = pd.read_csv(out/'speed.csv')
    assert speed.method.tolist() == ['hn', 'lgc', 'fawkes'] and speed.sec_per_face.isna().tolist() == [True, False, False]
    assert (speed.sec_per_face[1:] > 0).all() and speed.ratio_to_hn.isna().all() and 'missing' in speed.setting[0]
    client = pd.read_csv(out/'client.csv')                     # the evaluations' client rows, carried over; fawkes has none
    assert client.method.tolist() == [r for r in RUNS if r != 'fawkes'] and client.asr.tolist() == [a[1] / 2 for r, (*_, a) in RUNS.items() if r != 'fawkes']
    md = (out/'table.md').read_text()
    assert md.index('### dlib') < md.index('### face_recognition') and '(none for: fawkes)' in md
