"""A GPU lease rehearsed on the CPU as the device machine runs it: the tree as the device tool sends it, a (toy) bundle,
and only the GPU image's packages. Fails if the lease code imports anything the image lacks or reads a parked file."""
from __future__ import annotations
import sys
import pytest
import yaml
from featembed_nb.paths import has_data, repo_root

pytestmark = pytest.mark.skipif(not (has_data('celeba', 'images') and has_data('synthetic', 'stylegan2_tpdne')),
                                reason='data/ is missing: run `dvc pull` in the repository root')


def test_a_lease_runs_with_only_the_gpu_images_packages(tmp_path):
    sys.path.insert(0, str(repo_root()/'benchmarks'))
    from gpu_rehearse import rehearse
    from featembed_nb.gpu_lease import build_bundle
    build_bundle(tmp_path/'bundle', n_val=4, max_covers=8, max_synthetic=4, landmarks_csv=tmp_path/'lm.csv', known_landmarks=None)
    lease = rehearse(tmp_path/'bundle', minutes=1.0, work=tmp_path/'work')
    arms = yaml.safe_load((repo_root()/'params.yaml').read_text())['gpu_lease']['arms']
    assert sorted(lease['arms']) == sorted(arms) and lease['lease']['complete'] and lease['lease']['rounds'] >= 1
    assert not (tmp_path/'work'/'tree'/'results').exists() and not (tmp_path/'work'/'tree'/'models').exists()   # parked: not sent
    import subprocess       # the rehearsal's packages lack what the image lacks (facenet-pytorch is installed here)
    r = subprocess.run([sys.executable, '-S', '-c', 'import facenet_pytorch'], env={'PYTHONPATH': str(tmp_path/'work'/'site')},
                       capture_output=True, text=True)
    assert r.returncode != 0 and "No module named 'facenet_pytorch'" in r.stderr, r.stderr
