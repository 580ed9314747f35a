"""The `evaluate` stage notebook end to end under papermill on a tiny setting (2 genuine pairs per fold, 10 people).

Reads cache/lfw_landmarks.csv, cache/embeddings and results/recognizers.csv when the pipeline has produced them;
otherwise computes what it needs on the tiny set. Everything it writes goes to a temporary folder.
"""
import json, re, subprocess, sys
import numpy as np, pandas as pd, pytest
from featembed_nb.paths import repo_root

ROOT = repo_root()
NB = ROOT/'nbs'/'experiments'/'evaluate.ipynb'
COLUMNS = ['method', 'recognizer', 'white_box', 'psnr', 'ssim', 'lpips', 'asr', 'rank1', 'rank5', 'detector_refind']
RECS = 'sface,dlib,arcface_r50'          # arcface_r50 has no weights here: it must be listed as missing, not fail

def run_evaluate(tmp_path, deidentifier, deid_params='{}', **params):
    out = tmp_path/deidentifier
    args = [sys.executable, '-m', 'papermill', '--cwd', str(NB.parent), str(NB), str(tmp_path/f'{deidentifier}.ipynb'),
            '-p', 'deidentifier', deidentifier, '-p', 'deid_params', deid_params, '-p', 'recognizers', RECS,
            '-p', 'per_fold', '2', '-p', 'n_people', '10', '-p', 'eval_cache', str(tmp_path/'eval_cache'),
            '-p', 'renders_dir', str(tmp_path/'renders'), '-p', 'out_dir', str(out)]
    for k, v in params.items(): args += ['-p', k, str(v)]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, pd.read_csv(out/'table.csv'), json.loads((out/'metrics.json').read_text())

def test_evaluate_tiny(lfw_data, tmp_path):
    out, tab, metrics = run_evaluate(tmp_path, 'original', white_box='sface')
    assert set(COLUMNS) <= set(tab.columns) and tab.recognizer.tolist() == ['sface', 'dlib']
    assert metrics['missing_weights'] == ['arcface_r50'] and 'arcface_r50' in (out/'table.md').read_text()
    assert (metrics['deidentifier'], metrics['params']) == ('original', {})          # the setting, for rendering on demand later
    assert tab.white_box.tolist() == [True, False]
    # identity: ASR is exactly the clean genuine-rejection rate, quality is perfect, detectors find every face again
    assert (tab.asr == tab.clean_genuine_rejection).all()
    assert np.isinf(tab.psnr).all() and metrics['quality']['psnr'] == 'inf' and np.allclose(tab.ssim, 1)
    assert (tab.lpips.astype(str) == 'n/a (weights missing)').all() or np.allclose(tab.lpips.astype(float), 0, atol=1e-6)
    assert (tab.detector_refind >= 0.8).all() and (tab.rank1 >= 0.6).all()
    cmc = pd.read_csv(out/'cmc.csv')
    assert len(cmc) == 10 and cmc['rank'].tolist() == list(range(1, 11))
    for r in ('sface', 'dlib'): assert (np.diff(cmc[r]) >= 0).all() and cmc[r].iloc[-1] == 1.0
    for f in ('cmc.png', 'grid.png', 'table.md', 'cmc.md'): assert (out/f).read_bytes()
    # the real client, apart from the recognisers: D1 = C here, so its ASR is its own rejection of the clean pairs
    client = pd.read_csv(out/'client.csv')
    assert client.recognizer.tolist() == ['face_recognition'] and 'face_recognition' not in tab.recognizer.tolist()
    assert client.n_pairs[0] + client.reference_without_face[0] == 20 and client.asr[0] == client.clean_genuine_rejection[0] <= 0.1
    assert metrics['client']['n_pairs'] == client.n_pairs[0] and '### face_recognition' in (out/'table.md').read_text()
    assert (tmp_path/'eval_cache'/'client'/'lfw_256_upsample1.npz').exists()
    run_dir = [p for p in (tmp_path/'renders').iterdir()]
    assert len(run_dir) == 1 and re.fullmatch(r'original-[0-9a-f]{8}', run_dir[0].name)

    # masking (reuses the landmarks and clean embeddings cached by the first run): worse for the recognisers
    out_m, tab_m, metrics_m = run_evaluate(tmp_path, 'masking', '{"margin": 0.6}')
    client_m = pd.read_csv(out_m/'client.csv')
    assert client_m.asr[0] >= 0.8 and client_m.no_face[0] >= 0.5 and client_m.clean_genuine_rejection[0] == client.clean_genuine_rejection[0]
    assert metrics_m['client']['asr'] == round(client_m.asr[0], 5)
    assert (tab_m.asr.to_numpy() > tab.asr.to_numpy()).all() and (tab_m.asr >= 0.8).all()
    assert (tab_m.detector_refind < 0.5).all() and (tab_m.rank1 < tab.rank1.to_numpy()).all()
    assert (tab_m.psnr < 25).all() and (tab_m.ssim < tab.ssim.to_numpy()).all()
    assert len(list((tmp_path/'renders').iterdir())) == 2
