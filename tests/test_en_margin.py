"""benchmarks/en_margin.py: protect's auto rule replayed on rendered D (first gain below the target, else the last)."""
import sys
import numpy as np
from featembed_nb.paths import repo_root
sys.path.insert(0, str(repo_root()/'benchmarks'))
from en_margin import auto_choice, gained

def test_auto_choice_takes_the_first_gain_below_the_target_else_the_last():
    same = np.array([[0.20, 0.10, 0.00],      # already below at gain 1
                     [0.40, 0.30, 0.20],      # below from the second gain
                     [0.50, 0.45, 0.40],      # never below: the largest gain
                     [0.40, 0.20, 0.30]])     # the first below, not the lowest
    assert auto_choice(same, 0.235).tolist() == [0, 2, 2, 1]
    assert auto_choice(same, 0.45).tolist() == [0, 0, 2, 0]      # strictly below: 0.45 is not

def test_gained_scales_the_change_and_clips():
    c = np.full((2, 2, 3), 100, np.uint8); d = c.copy(); d[0, 0] = 110; d[1, 1] = 250
    assert gained(c, d, 1.0).tolist() == d.tolist()
    g = gained(c, d, 2.0)
    assert g[0, 0, 0] == 120 and g[1, 1, 0] == 255 and g[0, 1, 0] == 100 and g.dtype == np.uint8
