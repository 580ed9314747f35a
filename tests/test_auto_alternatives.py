"""benchmarks/auto_alternatives.py: the colour variants of a change D − C."""
import sys
import numpy as np
from featembed_nb.paths import repo_root
sys.path.insert(0, str(repo_root()/'benchmarks'))
from auto_alternatives import colour_variants, LUMA

def test_colour_variants_split_a_change_into_luma_and_chroma():
    change = np.random.default_rng(0).normal(0, 5, (4, 8, 8, 3)).astype(np.float32)
    v = colour_variants(change)
    luma, chroma = v['luma only'], v['chroma only']
    assert np.allclose(luma[..., 0], luma[..., 1]) and np.allclose(luma[..., 1], luma[..., 2])   # grey: no colour
    assert np.allclose(luma + chroma, change, atol=1e-5)                                         # nothing lost
    assert np.allclose((chroma * LUMA).sum(-1), 0, atol=1e-4)                                    # chroma keeps Y
    assert np.allclose(v['luma + half chroma'], luma + chroma / 2) and np.allclose(v['luma only x1.25'], 1.25 * luma)
    assert v['as trained'] is change
