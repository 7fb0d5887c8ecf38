"""The unit tests import this repository as hyperv.cluster, and the bundled collections from the ansible package."""

import importlib
import os

import ansible

import collection_path


def test_product_is_imported_from_this_repository():
    module = importlib.import_module('ansible_collections.hyperv.cluster.plugins.action.vm_role')
    assert os.path.realpath(module.__file__) == os.path.join(collection_path.REPO_ROOT, 'plugins', 'action',
                                                             'vm_role.py')


def test_runner_script_is_loaded_through_the_collection():
    from ansible_collections.hyperv.cluster.plugins.plugin_utils import _host  # pylint: disable=import-outside-toplevel
    with open(os.path.join(collection_path.REPO_ROOT, 'plugins', 'plugin_utils', 'runner.ps1'), 'rb') as handle:
        assert _host.RUNNER_SCRIPT.encode('utf-8') == handle.read()


def test_bundled_collections_are_the_real_ones_not_the_twins():
    module = importlib.import_module('ansible_collections.ansible.windows.plugins.action.win_updates')
    site_packages = os.path.dirname(os.path.dirname(os.path.realpath(ansible.__file__)))
    assert os.path.realpath(module.__file__).startswith(os.path.join(site_packages, 'ansible_collections') + os.sep)
    assert 'tests/sim' not in module.__file__


def test_install_is_idempotent():
    assert collection_path.install() == collection_path.install()
    assert collection_path.links_to_repo(collection_path.install())


def test_without_build_collections_a_temporary_link_is_made(tmp_path):
    directory = collection_path.collections_dir(str(tmp_path / 'missing'))
    assert directory != str(tmp_path / 'missing')
    assert collection_path.links_to_repo(directory)
    assert os.path.samefile(os.path.join(directory, 'ansible_collections', 'hyperv', 'cluster', 'galaxy.yml'),
                            os.path.join(collection_path.REPO_ROOT, 'galaxy.yml'))
