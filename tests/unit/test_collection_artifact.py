"""Release readiness: the artifact `ansible-galaxy collection build` makes holds what a user of the collection needs
and none of what a checkout accumulates (simulated labs, build output, caches, tests, tooling); the version is the
same wherever it is written; the changelog fragments make a release."""

import json
import os
import shutil
import subprocess
import tarfile

import pytest
import yaml

from artifact import build_collection, galaxy_metadata, tool
from collection_path import REPO_ROOT

# Top-level entries of the artifact. Anything else is a stray: keep it out with galaxy.yml's build_ignore, or, if
# users need it, add it here.
ALLOWED_TOP_LEVEL = {'MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'requirements.txt',
                     'changelogs', 'docs', 'meta', 'playbooks', 'plugins', 'roles'}
# Files without which the installed collection does not work (or cannot be put into an execution environment).
REQUIRED = {'MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'requirements.txt', 'meta/runtime.yml',
            'meta/execution-environment.yml', 'meta/ee-requirements.txt', 'meta/ee-bindep.txt',
            'plugins/plugin_utils/runner.ps1', 'plugins/plugin_utils/_batch.py', 'changelogs/changelog.yaml',
            'docs/awx.md', 'docs/real-lab.md', 'playbooks/cluster_leaders.yml'}
# Files the simulated lab writes into a lab directory (scripts/lab): never part of a release, wherever they are.
LAB_STATE_FILES = {'state.json', 'state.lock', 'executions.log'}
# What a working checkout accumulates (make lab, make test, editors, benchmarks, earlier builds), planted into a
# copy of the checkout: none of it may reach the artifact.
STRAYS = [
    'lab/state.json', 'lab/inventory.yml', 'lab-day2/state.lock', 'lab-day2/executions.log', 'lab-day2/bin/lab',
    'lab-cluster/ansible.cfg', 'build/collections/ansible_collections/README', 'build/sanity/log.txt',
    '.venv/bin/python', '.ansible/collections/x.yml', '.pytest_cache/v/cache/lastfailed', '.hypothesis/examples/x',
    'plugins/action/__pycache__/vm_role.cpython-311.pyc', 'plugins/plugin_utils/_batch.pyc',
    'roles/csv/__pycache__/x.cpython-311.pyc', 'tests/sim/hvsim/__pycache__/state.cpython-311.pyc',
    'tests/output/junit/x.xml', 'benchmarks/results.json', 'hyperv-cluster-0.9.0.tar.gz',
    'changelogs/.plugin-cache.yaml', 'awx/configure.retry',
]


def member_names(path):
    with tarfile.open(path) as archive:
        members = archive.getmembers()
    links = [member.name for member in members if member.issym() or member.islnk()]
    assert not links, 'links in the artifact: %s' % links
    return {member.name for member in members}


def strays(names):
    """Every name in the artifact that does not belong in a release, with the reason."""
    found = []
    for name in sorted(names):
        parts = name.split('/')
        if parts[0] not in ALLOWED_TOP_LEVEL:
            found.append('%s: not an allowed top-level entry' % name)
        elif '__pycache__' in parts or name.endswith(('.pyc', '.pyo')):
            found.append('%s: Python cache' % name)
        elif name.endswith(('.tar.gz', '.retry')) or parts[-1] in LAB_STATE_FILES:
            found.append('%s: build output or lab state' % name)
    return found


def checkout_files():
    """The files of the checkout as git sees them: tracked, and untracked but not ignored."""
    process = subprocess.run(['git', '-C', REPO_ROOT, 'ls-files', '-z', '-co', '--exclude-standard'],
                             capture_output=True, check=True)
    names = [name for name in process.stdout.decode('utf-8').split('\0') if name]
    return [name for name in names if os.path.isfile(os.path.join(REPO_ROOT, name))]


def copy_checkout(destination):
    for name in checkout_files():
        target = os.path.join(destination, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(REPO_ROOT, name), target)


@pytest.fixture(scope='module')
def checkout_artifact(tmp_path_factory):
    return build_collection(tmp_path_factory.mktemp('artifact'))


def test_the_artifact_of_the_checkout_holds_the_collection_and_nothing_else(checkout_artifact):
    names = member_names(checkout_artifact)
    assert strays(names) == []
    assert REQUIRED - names == set()
    assert {name.split('/')[1] for name in names if name.startswith('plugins/') and name.count('/') > 1} >= {
        'action', 'modules', 'plugin_utils', 'filter'}


def test_the_artifact_manifest_carries_the_galaxy_version_and_dependencies(checkout_artifact):
    with tarfile.open(checkout_artifact) as archive:
        manifest = json.load(archive.extractfile('MANIFEST.json'))['collection_info']
    meta = galaxy_metadata()
    assert (manifest['namespace'], manifest['name'], manifest['version']) == ('hyperv', 'cluster', meta['version'])
    assert manifest['dependencies'] == meta['dependencies']


def test_build_ignore_keeps_what_a_working_checkout_accumulates_out_of_the_artifact(tmp_path):
    source = tmp_path / 'checkout'
    copy_checkout(str(source))
    for name in STRAYS:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text('stray\n', encoding='utf-8')
    names = member_names(build_collection(tmp_path / 'out', str(source)))
    assert strays(names) == []
    assert set(STRAYS) & names == set()
    assert REQUIRED - names == set()


def test_the_strays_check_catches_each_kind_of_stray():
    expected = {
        'lab-day2/inventory.yml': 'not an allowed top-level entry',
        'tests/unit/test_x.py': 'not an allowed top-level entry',
        'plugins/action/__pycache__/x.pyc': 'Python cache',
        'plugins/filter/x.pyc': 'Python cache',
        'roles/csv/state.json': 'build output or lab state',
        'docs/hyperv-cluster-0.1.0.tar.gz': 'build output or lab state',
    }
    found = dict(reason.split(': ', 1) for reason in strays(list(expected) + ['plugins/action/x.py']))
    assert found == expected


def test_the_version_is_1_0_0_and_the_readme_states_it():
    version = galaxy_metadata()['version']
    assert version == '1.0.0'
    with open(os.path.join(REPO_ROOT, 'README.md'), encoding='utf-8') as handle:
        status = [line for line in handle if line.startswith('Status:')]
    assert status and '**%s**' % version in status[0], status


def test_the_changelog_has_no_release_newer_than_galaxy_version():
    with open(os.path.join(REPO_ROOT, 'changelogs', 'changelog.yaml'), encoding='utf-8') as handle:
        releases = yaml.safe_load(handle).get('releases') or {}
    version = tuple(int(part) for part in galaxy_metadata()['version'].split('.'))
    assert all(tuple(int(part) for part in release.split('.')) <= version for release in releases), releases


def test_the_changelog_fragments_are_valid():
    process = subprocess.run([tool('antsibull-changelog'), 'lint'], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=False)
    assert (process.returncode, process.stdout.strip()) == (0, ''), process.stdout + process.stderr


def test_the_fragments_make_a_release_of_the_galaxy_version(tmp_path):
    """`antsibull-changelog release` on a copy (it consumes the fragments): the notes have the version's section."""
    source = tmp_path / 'ansible_collections' / 'hyperv' / 'cluster'
    copy_checkout(str(source))
    env = dict(os.environ, PATH=os.path.dirname(tool('ansible-doc')) + os.pathsep + os.environ.get('PATH', ''),
               ANSIBLE_COLLECTIONS_PATH=str(tmp_path))
    process = subprocess.run([tool('antsibull-changelog'), 'release', '--date', '2026-01-01'], cwd=str(source),
                             env=env, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    notes = (source / 'CHANGELOG.rst').read_text(encoding='utf-8')
    version = galaxy_metadata()['version']
    assert 'v%s\n' % version in notes
    assert 'Release Summary' in notes
    assert 'Minor Changes' in notes
