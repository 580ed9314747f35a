"""End-to-end checks of the pipeline definition and the foundation stages on a tiny profile."""
import json, re, subprocess, sys
from pathlib import Path
import nbformat, pandas as pd, papermill, pytest, yaml
from featembed_nb.paths import repo_root

ROOT = repo_root()
COLUMNS = ['recognizer', 'lfw_acc_mean', 'lfw_acc_std', 'threshold', 'acc_at_threshold', 'detect_failures', 'ms_per_face']

def notebook_parameters(path):
    "Names papermill itself parses from the notebook's `parameters` cell (a line it cannot parse is left out)."
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if 'parameters' in c.metadata.get('tags', [])]
    assert len(cells) == 1, f'{path} needs exactly one parameters cell'
    return set(papermill.inspect_notebook(str(path)))

def test_every_stage_passes_only_declared_parameters():
    from dvc.repo import Repo
    with Repo(str(ROOT)) as repo: stages = [(s.addressing, s.cmd, [str(d.def_path) for d in s.deps]) for s in repo.index.stages if s.cmd]
    assert {'lfw_landmarks', 'recognizers'} <= {name for name, *_ in stages}
    for name, cmd, deps in stages:
        nb = re.search(r'papermill .*?(nbs/experiments/\S+\.ipynb)', cmd).group(1)
        passed = set(re.findall(r'-p (\w+) ', cmd))
        assert passed, f'{name}: no parameters passed'
        assert passed <= notebook_parameters(ROOT/nb), (name, passed - notebook_parameters(ROOT/nb))
        assert nb in deps, f'{name} must depend on its notebook'

def run_notebook(nb, out, **params):
    args = [sys.executable, '-m', 'papermill', '--cwd', str(ROOT/'nbs'/'experiments'), str(ROOT/nb), str(out)]
    for k, v in params.items(): args += ['-p', k, str(v)]
    subprocess.run(args, check=True, capture_output=True, text=True)

def test_recognizers_stage_tiny(lfw_data, tmp_path):
    "The two foundation stages end to end on 2+2 pairs per fold: the table has the agreed columns and sane values."
    run_notebook('nbs/experiments/lfw_landmarks.ipynb', tmp_path/'l.ipynb', per_fold=2, out_csv=tmp_path/'lm.csv')
    lm = pd.read_csv(tmp_path/'lm.csv')
    assert len(lm) >= 30 and lm.detected.mean() > 0.9
    run_notebook('nbs/experiments/recognizers.ipynb', tmp_path/'r.ipynb', per_fold=2, landmarks_csv=tmp_path/'lm.csv',
                 embeddings_dir=tmp_path/'emb', out_dir=tmp_path/'res', names='sface,dlib,arcface_r50')
    tab = pd.read_csv(tmp_path/'res'/'recognizers.csv')
    assert list(tab.columns) == COLUMNS and tab.recognizer.tolist() == ['sface', 'dlib']   # arcface: no weights here
    assert tab.lfw_acc_mean.between(0.8, 1).all() and (tab.ms_per_face > 0).all()
    assert 'arcface_r50' in (tmp_path/'res'/'recognizers.md').read_text()              # named as missing
    metrics = json.loads((tmp_path/'res'/'recognizers_metrics.json').read_text())
    assert set(metrics) == {'sface', 'dlib'}
    emb = __import__('numpy').load(tmp_path/'emb'/'lfw_sface.npz')
    assert emb['features'].shape == (len(lm), 128)

def test_summary_stage_collects_runs(tmp_path):
    "The summary notebook on two evaluated runs (committed results): one row per run × recogniser, all figures."
    res = ROOT/'results'/'eval'
    if not (res/'original'/'table.csv').exists(): pytest.skip('no evaluated runs in results/eval: run `dvc repro evaluate@original`')
    runs = [r for r in ('original', 'hn_offline') if (res/r/'table.csv').exists()]
    run_notebook('nbs/experiments/summary.ipynb', tmp_path/'s.ipynb', runs=','.join(runs + ['not_a_run']), results=res, out_dir=tmp_path/'out')
    tab = pd.read_csv(tmp_path/'out'/'table.csv')
    expected = sum(len(pd.read_csv(res/r/'table.csv')) for r in runs)
    assert len(tab) == expected and tab.method.unique().tolist() == runs
    assert 'not_a_run' in (tmp_path/'out'/'table.md').read_text()          # named as not evaluated
    for f in ('quality_vs_asr_psnr.png', 'quality_vs_asr_ssim.png', 'quality_vs_asr_lpips.png', 'cmc.png'):
        assert (tmp_path/'out'/f).read_bytes()[:4] == b'\x89PNG'
