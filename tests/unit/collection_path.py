"""Make the repository importable as ``ansible_collections.hyperv.cluster`` (used by conftest.py and record.py).

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

UNIT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(UNIT_DIR))
SIM_ROOT = os.path.join(REPO_ROOT, 'tests', 'sim')
BUILD_COLLECTIONS = os.path.join(REPO_ROOT, 'build', 'collections')


def links_to_repo(collections_dir):
    link = os.path.join(collections_dir, 'ansible_collections', 'hyperv', 'cluster')
    return os.path.isdir(link) and os.path.samefile(link, REPO_ROOT)


def collections_dir(build_collections=BUILD_COLLECTIONS):
    """A directory whose ansible_collections/hyperv/cluster is this repository."""
    if links_to_repo(build_collections):
        return build_collections
    temp = tempfile.mkdtemp(prefix='hyperv-cluster-unit-')
    atexit.register(shutil.rmtree, temp, True)
    namespace = os.path.join(temp, 'ansible_collections', 'hyperv')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'cluster'))
    return temp


def install():
    """Install the collection finder once per process; return the directory it resolves hyperv.cluster from."""
    # pylint: disable=import-outside-toplevel,protected-access
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    for path in (UNIT_DIR, SIM_ROOT):
        if path not in sys.path:
            sys.path.insert(0, path)
    finder = AnsibleCollectionConfig.collection_finder
    if finder is not None and getattr(finder, 'hyperv_cluster_dir', None):
        return finder.hyperv_cluster_dir
    directory = collections_dir()
    finder = _AnsibleCollectionFinder(paths=[directory])
    finder.hyperv_cluster_dir = directory
    finder._install()
    return directory
