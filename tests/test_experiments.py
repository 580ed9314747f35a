"""The experiment stage notebooks (settings tables, individuality, robustness) end to end under papermill on two
tiny evaluation runs (original and masking, 1 genuine pair per fold, 5 people). Everything goes to a tmp folder."""
import json, subprocess, sys
import numpy as np, pandas as pd, pytest
from featembed_nb.paths import repo_root

ROOT = repo_root()
EXP = ROOT/'nbs'/'experiments'
RECS = 'sface,dlib'

def papermill(nb, out, **params):
    args = [sys.executable, '-m', 'papermill', '--cwd', str(EXP), str(EXP/nb), str(out)]
    for k, v in params.items(): args += ['-p', k, str(v)]
    r = subprocess.run(args, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]

@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    "Two evaluation runs laid out as the pipeline lays them out: results/eval/<name>, renders in cache/renders/<key>."
    from featembed_nb.paths import has_data
    if not has_data('lfw', 'pairs.txt'): pytest.skip('LFW data missing: run `dvc pull` (or `make data`) first')
    tmp = tmp_path_factory.mktemp('exp')
    for name, deid, params in (('a', 'original', '{}'), ('b', 'masking', '{"margin": 0.6}')):
        papermill('evaluate.ipynb', tmp/f'eval_{name}.ipynb', deidentifier=deid, deid_params=params, recognizers=RECS,
                  per_fold=1, n_people=5, eval_cache=tmp/'eval_cache', renders_dir=tmp/'renders',
                  out_dir=tmp/'results'/'eval'/name)
    return tmp

def common(tmp):
    return dict(results=tmp/'results', renders=tmp/'renders', eval_cache=tmp/'eval_cache')

def test_settings_table(runs):
    out = runs/'settings'
    (runs/'results'/'train'/'a').mkdir(parents=True, exist_ok=True)                # (a) as if trained: far leaves 0.9 at epoch 3
    pd.DataFrame(dict(epoch=[1, 2, 3, 4], val_total=[.3, .29, .2, .21], val_psnr=[50, 45, 36, 35], val_far=[.99, .95, .6, .5],
                      val_near=[.9, .9, .88, .87], val_asr=[0, 0, .2, .3])).to_csv(runs/'results'/'train'/'a'/'metrics.csv', index=False)
    papermill('settings.ipynb', runs/'s.ipynb', runs='{"(a) none": "eval/a", "(b) masked": "eval/b"}', out_dir=out,
              n_examples=2, title='test', **common(runs))
    tr = pd.read_csv(out/'training.csv')
    assert tr.setting.tolist() == ['(a) none'] and tr.left_identity[0] == 3 and tr.best_epoch[0] == 3 and tr.val_far[0] == .6
    client = pd.read_csv(out/'client.csv').set_index('setting')
    assert client.loc['(a) none', 'asr'] <= .1 and client.loc['(b) masked', 'asr'] >= .8, client     # the real client: C matched, masked not
    assert (client.n_pairs + client.reference_without_face == 10).all()
    assert 'face_recognition' in json.loads((out/'metrics.json').read_text())['(b) masked']
    tab = pd.read_csv(out/'table.csv')
    assert tab.setting.tolist() == ['(a) none'] * 2 + ['(b) masked'] * 2 and tab.recognizer.tolist() == ['sface', 'dlib'] * 2
    for label, run in (('(a) none', 'a'), ('(b) masked', 'b')):
        src = pd.read_csv(runs/'results'/'eval'/run/'table.csv')
        assert np.allclose(tab[tab.setting == label].asr, src.asr)
    assert (tab[tab.setting == '(b) masked'].asr.to_numpy() > tab[tab.setting == '(a) none'].asr.to_numpy()).all()
    metrics = json.loads((out/'metrics.json').read_text())
    assert set(metrics) == {'(a) none', '(b) masked'} and 'eval/b' in (out/'table.md').read_text()
    for f in ('asr.png', 'examples.png'): assert (out/f).read_bytes()[:4] == b'\x89PNG'

def test_robustness(runs):
    out = runs/'robustness'
    papermill('robustness.ipynb', runs/'r.ipynb', runs='{"Original": "eval/a", "Masking": "eval/b"}', recognizers=RECS,
              per_fold=1, out_dir=out, **common(runs))
    tab = pd.read_csv(out/'table.csv')
    assert len(tab) == 2 * 5 * 2 and set(tab['transform']) == {'none', 'median_k5', 'gaussian_k5_s2', 'jpeg_q10', 'bitdepth_3'}
    for method, run in (('Original', 'a'), ('Masking', 'b')):      # `none` reproduces the evaluation's ASR on the same pairs
        src = pd.read_csv(runs/'results'/'eval'/run/'table.csv').set_index('recognizer').asr
        none = tab[(tab.method == method) & (tab['transform'] == 'none')].set_index('recognizer').asr
        assert np.allclose(none[src.index], src), (method, none, src)
    assert (out/'asr.png').read_bytes()[:4] == b'\x89PNG'
    client = pd.read_csv(out/'client.csv').set_index(['method', 'transform'])       # the real client on the processed D
    assert len(client) == 2 * 5 and client.loc[('Original', 'none'), 'asr'] <= .1 and client.loc[('Masking', 'none'), 'asr'] >= .8

def test_robustness_cache(runs):
    "A rerun reads the processed D's features from eval_cache/robustness (per recogniser, transform, render folder), not anew."
    from featembed_nb.methods import renders_of
    if not (runs/'robustness'/'table.csv').exists(): test_robustness(runs)
    cache = runs/'eval_cache'/'robustness'
    key = {m: renders_of(f'eval/{r}', runs/'results', runs/'renders').name for m, r in (('Original', 'a'), ('Masking', 'b'))}
    for rec in RECS.split(','):
        for t in ('none', 'jpeg_q10'):
            for k in key.values(): assert len(np.load(cache/rec/t/f'{k}.npz')['images']) == 10, (rec, t, k)
    for k in key.values(): assert (cache/'client_upsample1'/'none'/f'{k}.npz').exists()
    (cache/'sface'/'jpeg_q10'/f"{key['Masking']}.npz").write_bytes((cache/'sface'/'jpeg_q10'/f"{key['Original']}.npz").read_bytes())
    out = runs/'robustness_cached'                  # Masking's JPEG features replaced by Original's: its row must follow them
    papermill('robustness.ipynb', runs/'r2.ipynb', runs='{"Original": "eval/a", "Masking": "eval/b"}', recognizers=RECS,
              per_fold=1, out_dir=out, **common(runs))
    first, again = (pd.read_csv(o/'table.csv').set_index(['method', 'transform', 'recognizer']).asr for o in (runs/'robustness', out))
    faked = ('Masking', 'jpeg_q10', 'sface')
    assert again[faked] == first[('Original', 'jpeg_q10', 'sface')] != first[faked]
    assert again.drop(faked).equals(first.drop(faked))

def test_individuality(runs):
    "With the identity de-identifier as the run, D1 = G1: both rows agree, and E's person is nobody in the pairs."
    out = runs/'individuality'
    papermill('individuality.ipynb', runs/'i.ipynb', run='eval/a', recognizers=RECS, per_fold=1, out_dir=out, **common(runs))
    tab = pd.read_csv(out/'table.csv').set_index(['recognizer', 'setting'])
    for r in ('sface', 'dlib'):
        assert np.isclose(tab.loc[(r, '(G1, E2)'), 'cos_mean'], tab.loc[(r, '(D1, E2)'), 'cos_mean'], atol=1e-3)
        assert tab.loc[(r, '(G1, E2)'), 'asr'] >= 0.9
        assert tab.loc[(r, '(G1, E2)'), 'e1_e2_cos'] > tab.loc[(r, '(G1, E2)'), 'threshold']   # E1, E2: the same person
        assert tab.loc[(r, '(G1, E2)'), 'lfw_matched_to_e'] <= 0.1 and tab.loc[(r, '(G1, E2)'), 'impostor_far'] <= 0.1
    for f in ('cosines.png', 'examples.png'): assert (out/f).read_bytes()[:4] == b'\x89PNG'
    client = pd.read_csv(out/'client.csv').set_index('setting')                      # the real client: D1 = G1 here too
    assert client.loc['(G1, E2)', 'asr'] == client.loc['(D1, E2)', 'asr'] >= .9 and (client.e_faces == 1).all()

def test_report_writes_claims_from_the_tables(tmp_path):
    "The report stage on a copy of the committed result tables: six claims with verdicts, spliced into a README copy."
    import shutil
    res = tmp_path/'results'
    for k in ('comparison', 'robustness_compare', 'ablation', 'embed_type', 'real_vs_fake', 'individuality', 'summary'):
        if not (ROOT/'results'/k/'table.csv').exists(): pytest.skip(f'results/{k} not produced: run its stage')
        shutil.copytree(ROOT/'results'/k, res/k)
    readme = tmp_path/'README.md'; readme.write_text('intro\n<!-- results:claims -->\nSTALE TEXT\n<!-- /results:claims -->\nend\n')
    papermill('report.ipynb', tmp_path/'report.ipynb', results=res, out_md=tmp_path/'out.md', readme=readme)
    claims = pd.read_csv(res/'claims'/'table.csv')
    assert claims.claim.tolist() == [f'C{i}' for i in range(1, 7)]
    assert set(claims.verdict) <= {'reproduced', 'reversed', 'not reproduced', 'not measured'}
    text = readme.read_text()
    assert text.startswith('intro') and text.rstrip().endswith('end') and 'STALE TEXT' not in text and "### The paper's claims" in text and 'out.md' in text

def test_linkability_stage_tiny(tmp_path):
    "The linkability stage on 1 genuine pair per fold with two recognisers: every policy measured against the clean baseline."
    from featembed_nb.paths import has_data
    if not has_data('lfw', 'pairs.txt'): pytest.skip('LFW data missing: run `dvc pull` (or `make data`) first')
    rec_csv = ROOT/'results'/'recognizers.csv'
    if not rec_csv.exists(): pytest.skip('results/recognizers.csv missing: run `dvc repro recognizers`')
    papermill('linkability.ipynb', tmp_path/'l.ipynb', per_fold=1, recognizers=RECS, eval_cache=tmp_path/'cache',
              embeddings_dir=tmp_path/'none', out_dir=tmp_path/'out', recognizers_csv=rec_csv)
    tab = pd.read_csv(tmp_path/'out'/'table.csv')
    assert tab.policy.tolist() == ['none (clean photos)', 'per_photo', 'per_person', 'global'] * 2
    assert tab.recognizer.tolist() == ['sface'] * 4 + ['dlib'] * 4 and tab.white_box.tolist() == [True] * 4 + [False] * 4
    clean, prot = tab[tab.policy.str.startswith('none')], tab[~tab.policy.str.startswith('none')]
    assert (clean.linked_clean >= 0.9).all() and clean.linked_protected.isna().all()        # 10 clean pairs: all or all but one match
    assert (prot.linked_cross < prot.linked_clean).all()                                    # protection breaks the paper's pair
    assert tab.n_pairs.eq(10).all() and (tmp_path/'out'/'linkability.png').read_bytes()[:4] == b'\x89PNG'
    client = pd.read_csv(tmp_path/'out'/'client.csv')                                       # the real client, same photos and pairs
    assert client.policy.tolist() == ['none (clean photos)', 'per_photo', 'per_person', 'global'] and (client.recognizer == 'face_recognition').all()
    assert client.linked_clean[0] >= 0.9 and client.linked_protected[0] != client.linked_protected[0]          # clean: linked; no D there (NaN)
    assert (client.linked_cross[1:] <= client.linked_clean[1:]).all() and client.impostor_far[0] <= 0.2
    assert '### face_recognition' in (tmp_path/'out'/'table.md').read_text()
    assert 'per_photo/face_recognition' in json.loads((tmp_path/'out'/'metrics.json').read_text())

def test_client_stage(runs):
    "face_recognition on the two tiny runs: the identity is matched as clean photos are, masking leaves no face to find."
    out = runs/'client'
    papermill('client.ipynb', runs/'c.ipynb', runs='{"Original": "eval/a", "Masking": "eval/b"}', out_dir=out, results=runs/'results')
    tab = pd.read_csv(out/'table.csv').set_index('method')
    assert tab.n_pairs.min() >= 8 and (tab.reference_without_face <= 2).all()
    assert tab.loc['Original', 'no_face'] <= 0.2 and tab.loc['Original', 'asr'] <= 0.2           # clean pairs: matched
    assert tab.loc['Masking', 'no_face'] >= 0.8 and tab.loc['Masking', 'asr'] >= tab.loc['Masking', 'no_face']
    assert np.isclose(tab.loc['Masking', 'asr'], tab.loc['Masking', 'no_face'] + (1 - tab.loc['Masking', 'no_face']) * np.nan_to_num(tab.loc['Masking', 'asr_found']))
    assert (out/'asr.png').read_bytes()[:4] == b'\x89PNG' and set(json.loads((out/'metrics.json').read_text())) == {'Original', 'Masking'}
    src = pd.read_csv(runs/'results'/'eval'/'b'/'client.csv')                          # the evaluation's own client row, carried over
    assert tab.loc['Masking', 'asr'] == src.asr[0] and tab.loc['Masking', 'run'] == 'eval/b'
