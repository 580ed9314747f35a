"""benchmarks/training_curves.py: a model's lineage of leases merged epoch by epoch against the faces it has seen."""
import json, sys
import pytest
from featembed_nb.paths import repo_root
sys.path.insert(0, str(repo_root()/'benchmarks'))
import training_curves as tc

def _history(epochs, near):
    return [dict(epoch=e, val_near=near, val_far=1 - e / 10, val_asr=e / 10, val_lpips=0.01, val_psnr=35.0) for e in epochs]

@pytest.fixture
def lineage(tmp_path):
    card = {'leases': [{'epochs': [0, 2], 'samples': 800}, {'epochs': [2, 3], 'samples': 100}, {'epochs': [3, 5], 'samples': 400}]}
    first = {'arms': {'gpu': {'history': _history([1, 2, 3], 0.9)}}}
    resumed = {'arms': {'gpu': {'history': _history([3, 4, 5], 0.8)}}}   # restarts from epoch 3: it wins there
    paths = []
    for name, d in (('card', card), ('a', first), ('b', resumed)):
        (p := tmp_path/f'{name}.json').write_text(json.dumps(d)); paths.append(p)
    return paths

def test_curves_merge_and_count_faces(lineage, tmp_path):
    card, *leases = lineage
    t = tc.curves(card, leases)
    assert t.epoch.tolist() == [1, 2, 3, 4, 5]
    assert t.faces_seen.tolist() == [400, 800, 900, 1100, 1300]
    assert t.val_near.tolist() == [0.9, 0.9, 0.8, 0.8, 0.8]      # the later lease's epoch 3
    tc.plot(t, tmp_path/'c.png', 'test', 0.665, marks=[(800, 'change')])
    assert (tmp_path/'c.png').stat().st_size > 1000

def test_curves_refuse_epochs_the_card_does_not_cover(lineage):
    card, *leases = lineage
    d = json.loads(card.read_text()); d['leases'] = d['leases'][:2]; card.write_text(json.dumps(d))
    with pytest.raises(ValueError, match='not in'): tc.curves(card, leases)
    with pytest.raises(ValueError, match='no history'): tc.lineage_history([], 'gpu')
