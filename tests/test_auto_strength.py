"""benchmarks/auto_strength.py: how often protect's `auto` strength raises the strength, summarised per model."""
import sys
import pandas as pd, pytest
from featembed_nb.paths import repo_root
sys.path.insert(0, str(repo_root()/'benchmarks'))
import auto_strength as aus

def test_strength_summary_counts_each_model_apart():
    faces = pd.DataFrame(dict(
        model=['a', 'a', 'a', 'a', 'b', 'b'],
        strength=[1.0, 1.0, 1.5, 3.0, 1.0, 1.1],
        status=['protected', 'protected', 'protected', 'weakly protected', 'protected', 'protected'],
        check_matched=[False, True, False, True, False, False],
        quality=[0.01, 0.02, 0.03, 0.05, 0.01, 0.03]))
    s = aus.strength_summary(faces).set_index('model')
    assert s.loc['a', 'faces'] == 4 and s.loc['b', 'faces'] == 2
    assert s.loc['a', 'at_1'] == 0.5 and s.loc['a', 'to_1.5'] == 0.25 and s.loc['a', 'to_3'] == 0.25 and s.loc['a', 'to_2'] == 0
    assert s.loc['b', 'to_1.5'] == 0.5 and s.loc['b', 'to_2'] == s.loc['b', 'to_3'] == 0    # 1.1: a step of auto's fine grid
    assert s.loc['a', 'raised'] == 0.5 and s.loc['b', 'raised'] == 0.5
    assert s.loc['a', 'mean_strength'] == pytest.approx(1.625)
    assert s.loc['a', 'weakly_protected'] == 0.25 and s.loc['b', 'weakly_protected'] == 0
    assert s.loc['a', 'check_matched'] == 0.5 and s.loc['b', 'check_matched'] == 0
    assert s.loc['a', 'median_lpips'] == pytest.approx(0.025)
    assert s[['at_1', 'to_1.5', 'to_2', 'to_3']].sum(axis=1).tolist() == [1.0, 1.0]

def test_lfw_covers_are_the_experiments_distinct_first_images():
    covers = aus.lfw_covers(30)
    assert len(covers) == len(set(covers)) == 253                       # 300 genuine pairs, 253 distinct first images
    assert all(p.suffix == '.jpg' and p.exists() for p in covers[:5])
