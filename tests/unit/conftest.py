"""Make the repository importable as ``ansible_collections.hyperv.cluster`` for the unit tests.

The repository root is the collection root, so Python cannot import it under its collection name directly. Like
ansible.windows' ``tests/unit/conftest.py`` we install ansible-core's collection finder; its first path is a
directory holding ``ansible_collections/hyperv/cluster`` -> repository root: ``build/collections`` when
``make collection-link`` made it, otherwise a temporary directory made here. The finder also scans ``sys.path``,
so the collections installed with ansible (ansible.windows, community.windows...) stay importable; the simulated
twins in ``tests/sim/collections`` are deliberately not on that path (unit tests never run a real module).
"""

import atexit
import os
import shutil
import sys
import tempfile

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

UNIT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(UNIT_DIR))
SIM_ROOT = os.path.join(REPO_ROOT, 'tests', 'sim')
BUILD_COLLECTIONS = os.path.join(REPO_ROOT, 'build', 'collections')


def _link_points_to_repo(collections_dir):
    link = os.path.join(collections_dir, 'ansible_collections', 'hyperv', 'cluster')
    return os.path.isdir(link) and os.path.samefile(link, REPO_ROOT)


def collections_dir():
    """A directory whose ansible_collections/hyperv/cluster is this repository."""
    if _link_points_to_repo(BUILD_COLLECTIONS):
        return BUILD_COLLECTIONS
    temp = tempfile.mkdtemp(prefix='hyperv-cluster-unit-')
    atexit.register(shutil.rmtree, temp, True)
    namespace = os.path.join(temp, 'ansible_collections', 'hyperv')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'cluster'))
    return temp


def _install_finder():
    if getattr(_install_finder, 'done', False):
        return
    _install_finder.done = True
    for path in (UNIT_DIR, SIM_ROOT):
        if path not in sys.path:
            sys.path.insert(0, path)
    # pylint: disable=protected-access
    _AnsibleCollectionFinder(paths=[collections_dir()])._install()


_install_finder()
