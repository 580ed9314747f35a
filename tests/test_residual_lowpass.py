"""benchmarks/residual_lowpass.py: only the change D - C is low-passed; the cover stays as it is."""
import sys
import numpy as np
from featembed_nb.paths import repo_root
sys.path.insert(0, str(repo_root()/'benchmarks'))
from residual_lowpass import lowpass_change

def test_lowpass_change_keeps_the_cover_and_smooths_the_change():
    rng = np.random.default_rng(0)
    c = rng.integers(20, 230, (64, 64, 3)).astype(np.uint8)             # a sharp cover (no clipping below): its detail must survive
    stripes = np.where(np.arange(64) % 2, 6, -6)[None, :, None]          # a 1-px texture as the change
    d = np.clip(c.astype(int) + stripes, 0, 255).astype(np.uint8)
    assert lowpass_change(c, d, 0) is d
    out = lowpass_change(c, d, 1.5)
    assert out.dtype == np.uint8 and out.shape == c.shape
    change = out.astype(int) - c
    assert np.abs(change).mean() < 0.2 * np.abs(d.astype(int) - c).mean()    # the alternating texture averages out
    assert np.array_equal(lowpass_change(c, c, 1.5), c)                      # no change, nothing added: C's detail untouched
    smooth = (c.astype(int) + 10).astype(np.uint8)                            # a flat change passes as it is
    assert np.abs(lowpass_change(c, smooth, 1.5).astype(int) - smooth).max() <= 1
