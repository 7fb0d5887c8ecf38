"""Every ecosystem module the collection uses has a twin in the shadow collections and a spec snapshot.

A shadow collection under tests/sim/collections replaces the whole real collection, so a module used by a role,
playbook, molecule scenario or plugin without a twin makes the simulated runs fail at parse time
("couldn't resolve module/action"). This test finds the uses and checks the twins before that happens.
"""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
SHADOW = REPO / 'tests' / 'sim' / 'collections'
SPECS_FILE = REPO / 'tests' / 'sim' / 'hvsim' / 'data' / 'module_specs.json'
SNAPSHOT_SCRIPT = REPO / 'scripts' / 'snapshot-module-specs'
TWINNED_COLLECTIONS = ('ansible.windows', 'microsoft.ad', 'community.windows', 'openstack.cloud')
FQCN_RE = re.compile(r'^(%s)\.([a-z_][a-z0-9_]*)$' % '|'.join(re.escape(name) for name in TWINNED_COLLECTIONS))
YAML_DIRS = ('roles', 'playbooks', 'extensions/molecule')
# Runs only against a real Windows lab with the real collections (its molecule.yml), never on the simulator.
REAL_LAB_ONLY = ('extensions/molecule/windows',)
PYTHON_DIRS = ('plugins',)


class _AnyTagLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
    """SafeLoader that reads !vault, !unsafe and other tags as plain values."""


def _any_tag(loader, _suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_AnyTagLoader.add_multi_constructor('!', _any_tag)


def _walk_yaml(data, found):
    """Mapping keys (task keys, module_defaults keys) and string values (action:, ansible_facts_modules) that are
    FQCNs of a twinned collection."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and FQCN_RE.match(key):
                found.add(key)
            _walk_yaml(value, found)
    elif isinstance(data, list):
        for item in data:
            _walk_yaml(item, found)
    elif isinstance(data, str) and FQCN_RE.match(data.strip()):
        found.add(data.strip())


def yaml_uses(path):
    found = set()
    text = path.read_text(encoding='utf-8')
    try:
        documents = list(yaml.load_all(text, Loader=_AnyTagLoader))  # nosec - SafeLoader subclass
    except yaml.YAMLError:
        # Not plain YAML (e.g. a Jinja-templated file): fall back to task-key-shaped lines.
        for match in re.finditer(r'^\s*(?:-\s+)?([a-z_]+\.[a-z_]+\.[a-z0-9_]+)\s*:', text, re.M):
            if FQCN_RE.match(match.group(1)):
                found.add(match.group(1))
        return found
    for document in documents:
        _walk_yaml(document, found)
    return found


def python_uses(path):
    """String constants that are exactly an FQCN: RUNNER_MODULE = '...', _execute_module(module_name='...'),
    action_loader.get('...')."""
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and FQCN_RE.match(node.value)}


def collect_uses(root=REPO):
    uses = {}
    for directory in YAML_DIRS:
        for path in sorted((root / directory).rglob('*')):
            if any(path.is_relative_to(root / real) for real in REAL_LAB_ONLY):
                continue
            if path.suffix in ('.yml', '.yaml') and path.is_file() and '.ansible' not in path.parts:
                for fqcn in yaml_uses(path):
                    uses.setdefault(fqcn, []).append(str(path.relative_to(root)))
    for directory in PYTHON_DIRS:
        for path in sorted((root / directory).rglob('*.py')):
            for fqcn in python_uses(path):
                uses.setdefault(fqcn, []).append(str(path.relative_to(root)))
    return uses


def twin_files(fqcn):
    namespace, name, module = fqcn.split('.')
    plugins = SHADOW / 'ansible_collections' / namespace / name / 'plugins'
    return plugins / 'modules' / ('%s.py' % module), plugins / 'action' / ('%s.py' % module)


def _implements(module_file):
    """A module file that runs (has main()), as opposed to a documentation stub."""
    tree = ast.parse(module_file.read_text(encoding='utf-8'))
    return any(isinstance(node, ast.FunctionDef) and node.name == 'main' for node in tree.body)


@pytest.fixture(scope='module')
def uses():
    return collect_uses()


@pytest.fixture(scope='module')
def specs():
    return json.loads(SPECS_FILE.read_text(encoding='utf-8'))


# --- the scanner itself --------------------------------------------------------------------------------------------

def test_scanner_finds_task_keys_values_and_python_constants(tmp_path):
    (tmp_path / 'roles' / 'r' / 'tasks').mkdir(parents=True)
    (tmp_path / 'roles' / 'r' / 'tasks' / 'main.yml').write_text(
        '- name: Feature\n'
        '  ansible.windows.win_feature:\n'
        '    name: Hyper-V\n'
        '- name: Secret\n'
        '  microsoft.ad.membership: !unsafe {dns_domain_name: x}\n'
        '- name: old style\n'
        '  action: community.windows.win_net_adapter_feature\n'
        '- name: Builtin is not twinned\n'
        '  ansible.builtin.debug: {msg: see ansible.windows.win_ping in text}\n'
        '- name: group defaults are not modules\n'
        '  module_defaults: {group/ansible.windows.something: {}}\n'
        '  ansible.builtin.ping:\n')
    (tmp_path / 'extensions' / 'molecule' / 's').mkdir(parents=True)
    (tmp_path / 'extensions' / 'molecule' / 's' / 'molecule.yml').write_text(
        'provisioner:\n  inventory:\n    group_vars:\n      all:\n        ansible_facts_modules: [ansible.windows.setup]\n')
    (tmp_path / 'playbooks').mkdir()
    (tmp_path / 'playbooks' / 'templated.yml').write_text(
        '- hosts: all\n  tasks:\n    - openstack.cloud.host_aggregate:\n        name: {{ x }}\n      {% if y %}\n')
    (tmp_path / 'plugins' / 'action').mkdir(parents=True)
    (tmp_path / 'plugins' / 'action' / 'a.py').write_text(
        '"""Uses M(ansible.windows.win_reboot) in prose only."""\n'
        'RUNNER_MODULE = "ansible.windows.win_powershell"\n'
        'def run(self):\n'
        '    self._execute_module(module_name="ansible.windows.win_service")\n')
    found = collect_uses(tmp_path)
    assert sorted(found) == [
        'ansible.windows.setup', 'ansible.windows.win_feature', 'ansible.windows.win_powershell',
        'ansible.windows.win_service', 'community.windows.win_net_adapter_feature', 'microsoft.ad.membership',
        'openstack.cloud.host_aggregate',
    ]
    assert found['ansible.windows.win_powershell'] == ['plugins/action/a.py']


def test_the_collection_uses_the_runner_module(uses):
    # Guards against a scanner that silently finds nothing: the execution layer always calls win_powershell.
    assert 'ansible.windows.win_powershell' in uses
    assert 'plugins/plugin_utils/_host.py' in uses['ansible.windows.win_powershell']


# --- coverage ------------------------------------------------------------------------------------------------------

def missing_twins(uses):
    missing = {}
    for fqcn, where in sorted(uses.items()):
        module_file, action_file = twin_files(fqcn)
        if action_file.exists():
            continue
        if module_file.exists() and _implements(module_file):
            continue
        missing[fqcn] = where
    return missing


def test_missing_twins_are_reported():
    uses = {'ansible.windows.win_powershell': ['a.py'], 'ansible.windows.win_no_such_twin': ['roles/x/tasks/main.yml'],
            'microsoft.ad.no_such_module': ['b.yml']}
    assert missing_twins(uses) == {'ansible.windows.win_no_such_twin': ['roles/x/tasks/main.yml'],
                                   'microsoft.ad.no_such_module': ['b.yml']}


def test_every_used_module_has_a_twin(uses):
    missing = missing_twins(uses)
    assert not missing, ('modules used without a twin under %s (add plugins/modules/<name>.py or '
                         'plugins/action/<name>.py, see tests/sim/README.md): %s' % (SHADOW, missing))


def test_every_used_module_has_a_spec_snapshot(uses, specs):
    missing = sorted(fqcn for fqcn in uses if fqcn not in specs)
    assert not missing, 'add these to MODULES in scripts/snapshot-module-specs and rerun it: %s' % missing


def test_every_twin_module_has_a_spec_snapshot(specs):
    twins = sorted(SHADOW.glob('ansible_collections/*/*/plugins/modules/*.py'))
    assert twins, 'no twin modules found under %s' % SHADOW
    for module_file in twins:
        namespace, name = module_file.parts[-5], module_file.parts[-4]
        fqcn = '%s.%s.%s' % (namespace, name, module_file.stem)
        assert fqcn in specs, '%s has no entry in %s' % (fqcn, SPECS_FILE)
        source = module_file.read_text(encoding='utf-8')
        assert not source.startswith('#!'), '%s: twins carry no shebang (ansible-test sanity)' % module_file
        action_file = module_file.parents[1] / 'action' / module_file.name
        if action_file.exists():
            # An action twin (e.g. win_ping, which must be able to make a host unreachable): the module file is its
            # doc stub and the action validates against the spec.
            source = action_file.read_text(encoding='utf-8')
            assert "twin.load_spec('%s')" % fqcn in source, '%s must validate against its own spec' % action_file
        else:
            assert "FQCN = '%s'" % fqcn in source, '%s must validate against its own spec' % module_file


def test_shadow_collections_are_marked_as_simulated():
    for collection in TWINNED_COLLECTIONS:
        namespace, name = collection.split('.')
        root = SHADOW / 'ansible_collections' / namespace / name
        info = json.loads((root / 'MANIFEST.json').read_text())['collection_info']
        assert (info['namespace'], info['name'], info['version']) == (namespace, name, '99.0.0-sim')
        runtime = yaml.safe_load((root / 'meta' / 'runtime.yml').read_text())
        assert runtime['requires_ansible'] == '>=2.16.0'


def _ansible_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_')}
    env['PATH'] = '%s%s%s' % (os.path.dirname(sys.executable), os.pathsep, env.get('PATH', ''))
    env.update(extra)
    return env


def test_twin_modules_resolve_through_the_shadow_path(tmp_path, specs):
    """ansible-doc, with the shadow path, finds the twins (and their docs are valid) for every twinned module."""
    twins = ['%s.%s.%s' % (p.parts[-5], p.parts[-4], p.stem)
             for p in sorted(SHADOW.glob('ansible_collections/*/*/plugins/modules/*.py'))]
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'module', '-j', *twins],
                          cwd=tmp_path, env=_ansible_env(ANSIBLE_COLLECTIONS_PATH=str(SHADOW),
                                                         ANSIBLE_HOME=str(tmp_path)),
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    assert sorted(docs) == sorted(twins), proc.stderr
    for fqcn, doc in docs.items():
        assert Path(doc['doc']['filename']).resolve().is_relative_to(SHADOW.resolve()), fqcn
        assert specs[fqcn]['kind'] in ('module', 'action')


def test_spec_snapshot_is_current(tmp_path):
    """The committed snapshot is what the script generates from the installed (real) collections."""
    proc = subprocess.run([sys.executable, str(SNAPSHOT_SCRIPT), '--check'], cwd=tmp_path,
                          env=_ansible_env(ANSIBLE_COLLECTIONS_PATH=str(SHADOW)),  # must be ignored by the script
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'is up to date' in proc.stdout


def test_spec_snapshot_content(specs):
    powershell = specs['ansible.windows.win_powershell']
    assert powershell['kind'] == 'module' and powershell['has_action'] is True
    assert powershell['argument_spec']['error_action'] == {
        'type': 'str', 'choices': ['silently_continue', 'continue', 'stop'], 'default': 'continue'}
    assert powershell['argument_spec']['sensitive_parameters']['options']['value']['no_log'] is True
    assert not powershell['version'].endswith('-sim')
    # Action-only modules (doc stub + action plugin) are told apart from modules.
    assert specs['ansible.windows.win_reboot']['kind'] == 'action'
    assert specs['ansible.windows.win_template']['kind'] == 'action'
    # Options from documentation fragments and YAML sidecar docs are included.
    assert {'reboot', 'reboot_timeout'} <= set(specs['microsoft.ad.membership']['argument_spec'])
    assert specs['microsoft.ad.membership']['argument_spec']['domain_admin_password']['no_log'] is True
    assert 'url_password' in specs['ansible.windows.win_package']['argument_spec']
    # update_password is a choice (always/on_create), not a secret.
    assert 'no_log' not in specs['ansible.windows.win_service']['argument_spec']['update_password']
    assert specs['ansible.windows.win_service']['argument_spec']['password']['no_log'] is True
