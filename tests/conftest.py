"""Shared pytest fixtures: simulated labs (see tests/labkit.py)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def make_lab(tmp_path):
    """make_lab(nodes=3, clusters=1, preset='clustered', vms=0, clustered_vms=0, local_vms=0) -> Lab."""
    counter = [0]

    def factory(**options):
        counter[0] += 1
        options.setdefault('nodes', 3)
        return Lab.create(str(tmp_path / ('lab%d' % counter[0])), **options)

    return factory


@pytest.fixture
def lab(make_lab):
    """A 3-node cluster hvc1 with 6 running VMs on CSVs, the first 3 clustered, and 1 VM on local disk."""
    return make_lab(nodes=3, vms=6, clustered_vms=3, local_vms=1)
