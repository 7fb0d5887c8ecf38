"""The execution environment: collections/requirements.yml, meta/execution-environment.yml and the ansible-builder v3
definition execution-environment.yml. `ansible-builder create` makes the build context (what `make ee` does), and
ansible-builder's own introspection, run on the built artifact, finds the collection's Python and system needs."""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import ansible
import pytest
import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

from artifact import artifact_name, build_collection, galaxy_metadata, tool
from collection_path import REPO_ROOT

# The collections of the `ansible` package installed with the test toolchain: the versions the tests run against.
SHIPPED_COLLECTIONS = os.path.join(os.path.dirname(os.path.dirname(ansible.__file__)), 'ansible_collections')
# A task's module, as the key of a task: `  - ansible.windows.win_feature:` or `    hyperv.cluster.vm_role:`.
TASK_MODULE = re.compile(r'^\s*(?:-\s+)?([a-z0-9_]+)\.([a-z0-9_]+)\.[a-z0-9_]+:', re.MULTILINE)


def load_yaml(*parts):
    with open(os.path.join(REPO_ROOT, *parts), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def requirement_lines(*parts):
    with open(os.path.join(REPO_ROOT, *parts), encoding='utf-8') as handle:
        lines = [line.split('#', 1)[0].strip() for line in handle]
    return [line for line in lines if line]


def pip_name(requirement):
    return re.split(r'[\[<>=!~ ;]', requirement, maxsplit=1)[0].lower()


def shipped_version(collection):
    namespace, name = collection.split('.')
    with open(os.path.join(SHIPPED_COLLECTIONS, namespace, name, 'MANIFEST.json'), encoding='utf-8') as handle:
        return json.load(handle)['collection_info']['version']


def next_major(version):
    return '%d.0.0' % (int(version.split('.')[0]) + 1)


def collections_called():
    """The collections whose modules the roles and playbooks call, other than ansible.builtin and this one."""
    called = set()
    for path in glob.glob(os.path.join(REPO_ROOT, 'roles', '**', '*.yml'), recursive=True) + glob.glob(
            os.path.join(REPO_ROOT, 'playbooks', '**', '*.yml'), recursive=True):
        with open(path, encoding='utf-8') as handle:
            called.update('%s.%s' % match for match in TASK_MODULE.findall(handle.read()))
    return called - {'ansible.builtin', 'hyperv.cluster'}


REQUIREMENTS = {item['name']: item['version'] for item in load_yaml('collections', 'requirements.yml')['collections']}


def test_requirements_list_the_galaxy_dependencies_and_every_collection_the_content_calls():
    assert set(REQUIREMENTS) == set(galaxy_metadata()['dependencies'])
    assert collections_called() - set(REQUIREMENTS) == set()
    assert {'ansible.windows', 'microsoft.ad', 'openstack.cloud'} <= collections_called()


@pytest.mark.parametrize('collection', sorted(REQUIREMENTS))
def test_requirement_ranges_admit_the_shipped_version_up_to_its_next_major(collection):
    version = shipped_version(collection)
    assert meets_requirements(version, REQUIREMENTS[collection])
    assert not meets_requirements(next_major(version), REQUIREMENTS[collection])
    assert meets_requirements(version, galaxy_metadata()['dependencies'][collection])


def test_ee_python_requirements_are_requirements_txt_with_kerberos():
    development = {pip_name(line): line for line in requirement_lines('requirements.txt')}
    ee = {pip_name(line): line for line in requirement_lines('meta', 'ee-requirements.txt')}
    for name, line in development.items():
        assert ee[name] == line.replace(name, name + '[kerberos]', 1), 'meta/ee-requirements.txt: %s' % name
    assert 'openstacksdk' in ee


def test_the_collection_declares_its_ee_dependencies_by_paths_from_its_root():
    meta = load_yaml('meta', 'execution-environment.yml')
    assert meta['version'] == 1
    assert meta['dependencies'] == {'python': 'meta/ee-requirements.txt', 'system': 'meta/ee-bindep.txt'}
    bindep = requirement_lines('meta', 'ee-bindep.txt')
    assert {'krb5-libs [platform:rpm]', 'krb5-workstation [platform:rpm]', 'krb5-devel [platform:rpm compile]',
            'krb5-user [platform:dpkg]', 'libkrb5-dev [platform:dpkg compile]'} <= set(bindep)


def test_the_ee_runs_the_ansible_core_the_tests_run_on_and_headers_of_its_python():
    definition = load_yaml('execution-environment.yml')
    assert definition['version'] == 3
    dependencies = definition['dependencies']
    tested = [line for line in requirement_lines('requirements-test.txt') if pip_name(line) == 'ansible-core']
    assert [dependencies['ansible_core']['package_pip']] == tested
    python = os.path.basename(dependencies['python_interpreter']['python_path'])
    assert dependencies['python_interpreter']['package_system'].split()[0] == python
    assert '%s-devel [platform:rpm compile]' % python in dependencies['system']
    assert dependencies['galaxy'] == 'collections/requirements.yml'


@pytest.fixture(scope='module')
def build_context(tmp_path_factory):
    """`ansible-builder create` as `make ee` runs it, on a copy of the definition with a freshly built artifact."""
    work = tmp_path_factory.mktemp('ee')
    shutil.copy(os.path.join(REPO_ROOT, 'execution-environment.yml'), str(work))
    shutil.copytree(os.path.join(REPO_ROOT, 'collections'), str(work / 'collections'))
    build_collection(work / 'build' / 'ee')
    process = subprocess.run([tool('ansible-builder'), 'create', '--file', str(work / 'execution-environment.yml'),
                              '--context', str(work / 'context'), '--output-filename', 'Containerfile'],
                             capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    assert 'No matches' not in process.stdout + process.stderr, process.stdout + process.stderr
    return work / 'context'


def containerfile_stages(context):
    """The Containerfile's lines per build stage (base, galaxy, builder, final)."""
    stages, current = {}, None
    for line in (context / 'Containerfile').read_text(encoding='utf-8').splitlines():
        match = re.match(r'FROM \S+ AS (\w+)$', line)
        if match:
            current = match.group(1)
        stages.setdefault(current, []).append(line)
    return stages


def test_the_build_context_holds_the_requirements_and_the_artifact(build_context):
    assert yaml.safe_load((build_context / '_build' / 'requirements.yml').read_text(encoding='utf-8')) == load_yaml(
        'collections', 'requirements.yml')
    assert [line.split('#')[0].strip() for line in (build_context / '_build' / 'bindep.txt').read_text(
        encoding='utf-8').splitlines() if line.strip()] == load_yaml('execution-environment.yml')[
            'dependencies']['system']
    assert os.listdir(str(build_context / '_build' / 'hyperv-cluster')) == [artifact_name()]


def test_the_containerfile_installs_the_collection_after_its_dependencies_before_introspection(build_context):
    stages = containerfile_stages(build_context)
    assert list(stages) == [None, 'base', 'galaxy', 'builder', 'final']
    assert 'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"' in stages[None]
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.19.14,<2.20 ansible-runner"' in stages[None]
    galaxy = stages['galaxy']
    requirements = [index for index, line in enumerate(galaxy) if 'collection install' in line and '-r requirements.yml' in line]
    collection = [index for index, line in enumerate(galaxy)
                  if 'collection install --offline' in line and '/build/hyperv-cluster/hyperv-cluster-*.tar.gz' in line]
    assert len(requirements) == 1 and len(collection) == 1 and requirements[0] < collection[0], galaxy
    builder = stages['builder']
    assert 'COPY --from=galaxy /usr/share/ansible /usr/share/ansible' in builder
    assert any(line.startswith('RUN $PYCMD /output/scripts/introspect.py introspect') for line in builder)


def test_introspection_of_the_installed_artifact_finds_kerberos_openstacksdk_and_krb5(build_context, tmp_path):
    """ansible-builder's introspect.py, as the builder stage runs it, over the artifact and its dependencies."""
    root = tmp_path / 'ansible_collections'
    with tarfile.open(str(build_context / '_build' / 'hyperv-cluster' / artifact_name())) as archive:
        archive.extractall(str(root / 'hyperv' / 'cluster'), filter='data')
    for collection in REQUIREMENTS:
        namespace, name = collection.split('.')
        (root / namespace).mkdir(exist_ok=True)
        os.symlink(os.path.join(SHIPPED_COLLECTIONS, namespace, name), str(root / namespace / name))
    pip_out, bindep_out = tmp_path / 'requirements.txt', tmp_path / 'bindep.txt'
    process = subprocess.run([sys.executable, str(build_context / '_build' / 'scripts' / 'introspect.py'), 'introspect',
                              str(tmp_path), '--user-bindep', str(build_context / '_build' / 'bindep.txt'),
                              '--write-pip', str(pip_out), '--write-bindep', str(bindep_out)],
                             capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    python = pip_out.read_text(encoding='utf-8').splitlines()
    system = bindep_out.read_text(encoding='utf-8').splitlines()
    ours = '  # from collection hyperv.cluster'
    for line in requirement_lines('meta', 'ee-requirements.txt'):
        assert line + ours in python, python
    for line in requirement_lines('meta', 'ee-bindep.txt'):
        assert line + ours in system, system
    assert 'python3.11-devel [platform:rpm compile]  # from collection user' in system
    assert any(line.startswith('openstacksdk') and line.endswith('openstack.cloud') for line in python), python
