"""benchmarks/warm_renders.py: workers render whole batches of the notebook's own batching, into the cache the stage reads."""
import importlib.util, sys
import numpy as np
import pytest
from featembed_nb.paths import repo_root

ROOT = repo_root()
spec = importlib.util.spec_from_file_location('warm_renders', ROOT/'benchmarks'/'warm_renders.py')
warm = importlib.util.module_from_spec(spec); sys.modules['warm_renders'] = warm; spec.loader.exec_module(warm)


@pytest.mark.parametrize('n,batch,workers', [(27, 16, 2), (30, 16, 2), (100, 16, 3), (5, 16, 4), (64, 8, 2), (1, 1, 1), (9, 2, 8)])
def test_batch_shares_are_contiguous_whole_batches(n, batch, workers):
    shares = warm.batch_shares(n, batch, workers)
    assert 1 <= len(shares) <= workers
    assert [i for s in shares for i in s] == list(range(n))            # every cover once, in order
    assert all(s.start % batch == 0 for s in shares)                   # a share starts where the notebook's batch does
    sizes = [-(-len(s) // batch) for s in shares]                      # batches per share differ by at most one
    assert max(sizes) - min(sizes) <= 1


def test_workers_render_what_one_process_renders(tmp_path):
    "Two workers fill an empty render cache with the files `methods.rendered` writes in one process, byte for byte."
    from featembed_nb.paths import require_data
    from featembed_nb.images import load_face_image
    from featembed_nb.methods import rendered
    covers, points = warm.covers_and_points(1, 60, eval_cache=str(tmp_path/'eval'))
    covers, points = covers[:5], points[:5]
    lfw = require_data('lfw', 'lfw-deepfunneled')
    one = rendered('eval/compare_blurring', covers, lambda n: load_face_image(lfw/n, 256), points, ROOT/'results',
                   tmp_path/'one', batch_size=2)
    import torch
    threads = torch.get_num_threads()
    try:
        for s in warm.batch_shares(len(covers), 2, 2):          # the workers' job, here in turn (each sets one thread)
            warm._render_share('eval/compare_blurring', [covers[i] for i in s], points[s.start:s.stop], 'results',
                               str(tmp_path/'two'), 2)
    finally: torch.set_num_threads(threads)
    two = [tmp_path/'two'/p.relative_to(tmp_path/'one') for p in one]
    assert all(p.exists() for p in two)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    assert not np.array_equal(np.asarray(load_face_image(lfw/covers[0], 256)), np.asarray(load_face_image(one[0], 256)))
