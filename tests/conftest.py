"""Shared pytest fixtures: skip data-dependent tests with a message naming `dvc pull`."""
import os
import pytest
from featembed_nb.paths import has_data, repo_root

os.environ.setdefault('MPLBACKEND', 'Agg')

@pytest.fixture
def lfw_data():
    if not has_data('lfw', 'pairs.txt'):
        pytest.skip('LFW data missing: run `dvc pull` (or `make data`) first')
    return repo_root()/'data'/'lfw'
