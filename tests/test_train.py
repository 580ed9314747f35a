"""The `train` stage notebook on a tiny setting: runs under papermill into a tmp dir, resumes from `last.pt`,
and the checkpoint loads and de-identifies. Needs data/ (CelebA subset): `dvc pull`."""
from __future__ import annotations
import json
from pathlib import Path
import pandas as pd
import pytest
import torch
import yaml

from featembed_nb.paths import has_data, repo_root

pytestmark = pytest.mark.skipif(not (has_data('celeba', 'identity_CelebA.txt') and has_data('celeba', 'images')),
                                reason='data/celeba is missing: run `dvc pull` in the repository root')

TINY = dict(en='sface', image_size=64, width=8, depth=2, max_width=16, lambda_rec=5.0, lambda_lpips=1.0, lpips_net='alex', lambda_near=0.125,
            lambda_far=0.125, lr=1e-4, batch_size=4, steps_per_epoch=1, n_train_images=8, n_val_images=4,
            e_source='celeba', e_mode='per_sample', asr_threshold=0.3)


def _run(tmp: Path, epochs: int, out_name: str, record: str = ''):
    import papermill as pm
    params = tmp/'params.yaml'
    params.write_text(yaml.safe_dump({'train': {'tiny': {**TINY, 'epochs': epochs}}}))
    nb = repo_root()/'nbs'/'experiments'/'train.ipynb'
    pm.execute_notebook(str(nb), str(tmp/out_name), cwd=str(nb.parent), progress_bar=False, log_output=False,
                        parameters=dict(profile='tiny', params_file=str(params), model_dir=str(tmp/'models'),
                                        out_dir=str(tmp/'results'), cache_dir=str(tmp/'cache'), resume=True, record=record))
    return json.loads((tmp/out_name).read_text())


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('train')
    _run(tmp, 1, 'first.ipynb')
    first_hist = pd.read_csv(tmp/'results'/'metrics.csv')
    first_last = torch.load(tmp/'models'/'last.pt', weights_only=True)
    return tmp, first_hist, first_last


def test_first_run_writes_checkpoints_and_metrics(tiny_run):
    tmp, hist, last = tiny_run
    assert (tmp/'models'/'best.pt').exists() and (tmp/'models'/'last.pt').exists()
    assert list(hist.epoch) == [1] and {'train_rec', 'train_lpips', 'train_near', 'train_far', 'val_total', 'val_psnr'} <= set(hist)
    assert 'train_perc' not in hist and hist.train_lpips.notna().all()   # D = C at the zero-initialised start: lpips 0
    assert (tmp/'results'/'loss_curve.png').read_bytes()[:4] == b'\x89PNG'
    assert last['epoch'] == 1 and {'hn', 'optimizer', 'scheduler', 'rng', 'params'} <= set(last)


def test_resume_from_last_and_deidentify(tiny_run):
    from featembed_nb.inference import load_hiding_network, deidentify
    tmp, first_hist, first_last = tiny_run
    out = _run(tmp, 2, 'second.ipynb', record=str(tmp/'record'/'exp.pt'))
    text = ''.join(''.join(o.get('text', '')) for c in out['cells'] for o in c.get('outputs', []))
    assert 'resumed from' in text and 'after epoch 1' in text
    hist = pd.read_csv(tmp/'results'/'metrics.csv')
    assert list(hist.epoch) == [1, 2]
    pd.testing.assert_series_equal(hist.iloc[0], first_hist.iloc[0], check_names=False)   # epoch 1 kept, not redone
    hn = load_hiding_network(tmp/'models'/'last.pt')
    assert hn.image_size == 64 and hn.en_name == 'sface'
    covers = torch.rand(3, 3, 64, 64)
    d = deidentify(hn, covers, torch.nn.functional.normalize(torch.randn(1, 128), dim=1))
    assert d.shape == covers.shape and 0 <= float(d.min()) and float(d.max()) <= 1
    assert float((d - covers).abs().max()) <= hn.net.scale + 1e-6
    summary = json.loads((tmp/'results'/'summary.json').read_text())
    assert summary['epochs'] == 2 and summary['disabled_terms'] == ['perc']
    assert summary['appearance_trunks'] == {'lpips': 'LPIPS v0.1 alex'}
    assert summary['step_seconds_all_epochs'] > 0 and 'train_seconds_this_run' not in summary   # stable when a finished run is resumed
    # the slim record: best epoch's weights (fp16 unless that moves D by > 1 grey level), no optimiser, loads like a checkpoint
    rec = torch.load(tmp/'record'/'exp.pt', weights_only=True)
    assert set(rec) == {'hn_config', 'hn', 'image_size', 'en', 'params'}
    assert 'fp16 weights move D by at most' in text
    best, slim = load_hiding_network(tmp/'models'/'best.pt'), load_hiding_network(tmp/'record'/'exp.pt')
    f = torch.nn.functional.normalize(torch.randn(1, 128), dim=1)
    assert float((deidentify(best, covers, f) - deidentify(slim, covers, f)).abs().max()) <= 1 / 255 + 1e-6
    assert (tmp/'record'/'exp.pt').stat().st_size < 0.5 * (tmp/'models'/'best.pt').stat().st_size
    first_bytes = (tmp/'record'/'exp.pt').read_bytes()                # a finished run resumed: no step, the same record bytes
    _run(tmp, 2, 'third.ipynb', record=str(tmp/'record'/'exp.pt'))
    assert (tmp/'record'/'exp.pt').read_bytes() == first_bytes and list(pd.read_csv(tmp/'results'/'metrics.csv').epoch) == [1, 2]


def test_trained_checkpoint_runs_through_evaluation(tiny_run, lfw_data):
    "The `hn` de-identifier (the evaluate_hn stage) on the tiny checkpoint: white-box flag from the checkpoint's EN."
    import subprocess, sys
    tmp = tiny_run[0]
    nb = repo_root()/'nbs'/'experiments'/'evaluate.ipynb'
    deid = json.dumps({'checkpoint': str(tmp/'models'/'best.pt'), 'e_image': 'noise:0'})
    args = [sys.executable, '-m', 'papermill', '--cwd', str(nb.parent), str(nb), str(tmp/'eval_hn.ipynb'),
            '-p', 'deidentifier', 'hn', '-p', 'deid_params', deid, '-p', 'recognizers', 'sface,dlib', '-p', 'white_box', 'auto',
            '-p', 'per_fold', '1', '-p', 'n_people', '5', '-p', 'eval_cache', str(tmp/'eval_cache'),
            '-p', 'renders_dir', str(tmp/'renders'), '-p', 'out_dir', str(tmp/'eval')]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    tab = pd.read_csv(tmp/'eval'/'table.csv')
    assert tab.recognizer.tolist() == ['sface', 'dlib'] and tab.white_box.tolist() == [True, False]
    assert (tab.psnr > 20).all()                                       # |D - C| <= HN's residual bound
    assert (tab.asr <= 0.5).all(), tab.asr                             # a 2-step HN barely changes faces: most pairs still match
    assert len(list((tmp/'renders').glob('hn-*/*/*.png'))) >= 10


def _package(tmp_path, checkpoint: Path, summary_json: Path, out: Path, client: dict | None = None) -> dict:
    "Run package_model on `checkpoint` (3 synthetic faces, a stand-in metrics.json naming its sha256); its output files' bytes."
    import shutil, papermill as pm
    from featembed_nb.files import sha256sum
    syn = tmp_path/'synthetic'
    if not syn.exists():
        syn.mkdir()
        for p in sorted((repo_root()/'data'/'synthetic'/'stylegan2_tpdne').iterdir())[:3]: shutil.copy(p, syn/p.name)
    metrics = tmp_path/f'metrics_{checkpoint.stem}.json'     # one per checkpoint: the card names it
    metrics.write_text(json.dumps(dict(
        method=f'hn(checkpoint={checkpoint.name}, sha256={sha256sum(checkpoint)[:16]})', n_pairs=20, n_people=5, white_box='sface',
        quality={'psnr': 40.0}, recognizers={'sface': {'asr': 0.5, 'threshold': 0.3}}, **({'client': client} if client else {}))))
    nb = repo_root()/'nbs'/'experiments'/'package_model.ipynb'
    pm.execute_notebook(str(nb), str(tmp_path/f'package_{out.name}.ipynb'), cwd=str(nb.parent), progress_bar=False, log_output=False,
                        parameters=dict(profile='tiny', checkpoint=str(checkpoint), synthetic_dir=str(syn), metrics_json=str(metrics),
                                        summary_json=str(summary_json), out_dir=str(out)))
    return {f: (out/f).read_bytes() for f in ('hn_default.pt', 'identities.npy', 'hn_default.json')}


def test_package_model_is_deterministic_and_carries_the_client(tiny_run, tmp_path):
    "package_model on the tiny checkpoint, twice: the same bytes each time, and the card carries the real client's numbers."
    tmp = tiny_run[0]
    client = dict(asr=0.25, no_face=0.0, asr_found=0.25, clean_genuine_rejection=0.0, n_pairs=20, reference_without_face=0)
    files = [_package(tmp_path, tmp/'models'/'best.pt', tmp/'results'/'summary.json', tmp_path/f'assets{i}', client) for i in range(2)]
    assert files[0] == files[1], 'a rerun of package_model must reproduce its files byte for byte'
    card = json.loads(files[0]['hn_default.json'])
    assert {k: card['lfw_benchmark']['real_client'][k] for k in client} == client and card['files']['identities.npy']['count'] == 3


def test_a_gpu_lease_model_ships_through_package_model(tmp_path):
    "A lease (tiny, on the CPU), adopted, then packaged as protect's default: what params.yaml's package_model allows after a real lease."
    from featembed_nb.gpu_lease import build_bundle, lease_train, adopt_lease
    from featembed_nb.inference import load_hiding_network
    build_bundle(tmp_path/'bundle', n_val=4, max_covers=8, max_synthetic=4, landmarks_csv=tmp_path/'lm.csv', known_landmarks=None)
    tiny = dict(image_size=64, width=8, depth=2, max_width=16, batch_size=4, steps_per_epoch=2)
    lease_train(tmp_path/'bundle', tmp_path/'out', minutes=10, overrides=tiny, device='cpu', max_epochs=1, arms={'gpu_lpips4': {'lambda_lpips': 4.0}})
    prov = adopt_lease(tmp_path/'out', tmp_path/'models', tmp_path/'results', tmp_path/'runs', tmp_path/'throughput.csv')['gpu_lpips4']
    files = _package(tmp_path, tmp_path/'models'/'hn_gpu_lpips4.pt', tmp_path/'models'/'hn_gpu_lpips4.json', tmp_path/'assets')
    card = json.loads(files['hn_default.json'])
    assert card['training'] == prov and card['training']['faces_seen'] == 8 and card['training']['lambdas']['lambda_lpips'] == 4.0
    assert card['source_checkpoint']['epoch'] == 1 and card['image_size'] == 64 and card['fp16_check']['max_diff_grey_levels'] == 0
    assert card['files']['hn_default.pt']['dtype'] == 'float16'          # fp16 'auto': D moved by 0 grey levels
    shipped = load_hiding_network(tmp_path/'assets'/'hn_default.pt')
    assert shipped.params['arm'] == 'gpu_lpips4' and shipped.image_size == 64
    # what the repository's stage reads: params.yaml's package_model names a checkpoint, its evaluation run and provenance
    pk = yaml.safe_load((repo_root()/'params.yaml').read_text())['package_model']
    runs = yaml.safe_load((repo_root()/'params.yaml').read_text())['evaluate']['runs']
    assert pk['run'] in runs and json.loads(runs[pk['run']]['params'])['checkpoint'] == pk['checkpoint']
