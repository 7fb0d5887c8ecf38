"""The twins of ansible.windows.win_powershell and ansible.windows.setup, and hvsim.twin underneath them.

Argument validation and the win_powershell rules are checked by running the twins as real Ansible modules
(``ansible-playbook`` with the shadow collections path and a lab interpreter wrapper); the twins' contract with
``hvsim.runner`` and ``hvsim.state`` is checked by calling their handlers with stand-ins for those modules. A last
group runs the twins against a real simulated lab when hvsim.runner, hvsim.state and hvsim.presets are present.
"""

import datetime
import importlib.util
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args

from hvsim import facts as hvfacts
from hvsim import twin

REPO = Path(__file__).resolve().parents[3]
SIM = REPO / 'tests' / 'sim'
SHADOW = SIM / 'collections'
MODULES = SHADOW / 'ansible_collections' / 'ansible' / 'windows' / 'plugins' / 'modules'
RUNNER = (REPO / 'plugins' / 'plugin_utils' / 'runner.ps1').read_text(encoding='utf-8')
EMPTY_BATCH = json.dumps({'protocol': 1, 'mode': 'read', 'calls': []})
FOREIGN = 'the simulated host only runs the hyperv.cluster runner script'
POWERSHELL_OPTIONS = ('arguments, chdir, creates, depth, error_action, executable, parameters, path, remote_src, '
                      'removes, script, sensitive_parameters')


def load_twin(name):
    spec = importlib.util.spec_from_file_location('twin_%s' % name, MODULES / ('%s.py' % name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- running twins as Ansible modules ------------------------------------------------------------------------------

def write_wrapper(bin_dir, host, lab_dir=None):
    """Like the lab's LAB/bin/python-<node>: exports HVSIM_LAB/HVSIM_NODE (unless lab_dir is None) and PYTHONPATH."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    wrapper = bin_dir / ('python-%s' % host)
    exports = "HVSIM_LAB='%s' HVSIM_NODE='%s' " % (lab_dir, host) if lab_dir else ''
    wrapper.write_text("#!/bin/sh\n%sPYTHONPATH='%s' exec '%s' \"$@\"\n" % (exports, SIM, sys.executable))
    wrapper.chmod(0o755)
    return str(wrapper)


def run_playbook(workdir, plays, hosts, extra_vars, check=False):
    """Run plays on local hosts {name: interpreter}; return {task name: {host: result}} from the json callback."""
    workdir.mkdir(parents=True, exist_ok=True)
    inventory = {'all': {'vars': {'ansible_connection': 'local'},
                         'hosts': {name: {'ansible_python_interpreter': interpreter}
                                   for name, interpreter in hosts.items()}}}
    (workdir / 'inventory.yml').write_text(yaml.safe_dump(inventory))
    (workdir / 'playbook.yml').write_text(yaml.safe_dump(plays, sort_keys=False))
    # Extra vars are data, never templates: the runner script arrives byte for byte.
    (workdir / 'vars.json').write_text(json.dumps(extra_vars))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('ANSIBLE_', 'HVSIM_')) and k != 'PYTHONPATH'}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(SHADOW), ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
               ANSIBLE_HOME=str(workdir / '.ansible'), ANSIBLE_LOCAL_TEMP=str(workdir / '.tmp'),
               ANSIBLE_GATHERING='explicit', ANSIBLE_CONFIG=str(workdir / 'ansible.cfg'))
    (workdir / 'ansible.cfg').write_text('')
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'inventory.yml',
               '-e', '@vars.json', 'playbook.yml']
    if check:
        command.append('--check')
    proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    try:
        output = json.loads(proc.stdout)
    except ValueError:
        pytest.fail('ansible-playbook rc=%d, no JSON output:\n%s\n%s' % (proc.returncode, proc.stdout, proc.stderr))
    results = {}
    for play in output['plays']:
        for task in play['tasks']:
            results.setdefault(task['task']['name'], {}).update(task['hosts'])
    return results


def powershell_task(name, **args):
    return {'name': name, 'ansible.windows.win_powershell': args, 'ignore_errors': True}


@pytest.fixture(scope='module')
def twin_run(tmp_path_factory):
    """One playbook run covering argument validation and the script/check-mode rules (no lab state needed)."""
    base = tmp_path_factory.mktemp('twins')
    lab = base / 'lab'
    lab.mkdir()
    hosts = {'hv1': write_wrapper(base / 'bin', 'hv1', lab), 'nolab': write_wrapper(base / 'bin', 'nolab')}
    runner_args = {'script': '{{ runner }}', 'parameters': {'BatchJson': '{{ batch }}'}, 'depth': 8,
                   'error_action': 'stop'}
    plays = [
        {'hosts': 'hv1', 'gather_facts': False, 'tasks': [
            powershell_task('unknown option', bogus_option=1, **runner_args),
            powershell_task('bad choice', **{**runner_args, 'error_action': 'explode'}),
            powershell_task('path and script', path='C:\\run.ps1', **runner_args),
            powershell_task('neither path nor script', depth=2),
            powershell_task('foreign script', script='$Ansible.Changed = $false'),
            powershell_task('runner without its last byte', script='{{ runner[:-1] }}',
                            parameters={'BatchJson': '{{ batch }}'}),
            powershell_task('option the twin does not simulate', chdir='C:\\', **runner_args),
            dict(powershell_task('check mode skips a plain script', script='Remove-Item -Path C:\\important'),
                 check_mode=True),
            dict(powershell_task('check mode runs a ShouldProcess script', script='{{ should_process }}'),
                 check_mode=True),
            {'name': 'setup unknown option', 'ansible.windows.setup': {'gather_subset': ['all'], 'bogus': 1},
             'ignore_errors': True},
        ]},
        {'hosts': 'nolab', 'gather_facts': False, 'tasks': [
            powershell_task('no lab', **runner_args),
        ]},
    ]
    extra_vars = {'runner': RUNNER, 'batch': EMPTY_BATCH,
                  'should_process': '[CmdletBinding(SupportsShouldProcess)]\nparam()\n$Ansible.Changed = $false\n'}
    results = run_playbook(base / 'play', plays, hosts, extra_vars)
    return {'results': results, 'lab': lab}


def result(twin_run, task, host='hv1'):
    return twin_run['results'][task][host]


def test_unknown_option_gets_ansibles_message(twin_run):
    res = result(twin_run, 'unknown option')
    assert res['failed'] is True
    assert res['msg'] == ('Unsupported parameters for (ansible.windows.win_powershell) module: bogus_option. '
                          'Supported parameters include: %s.' % POWERSHELL_OPTIONS)


def test_bad_choice_gets_ansibles_message(twin_run):
    res = result(twin_run, 'bad choice')
    assert res['failed'] is True
    assert res['msg'] == 'value of error_action must be one of: silently_continue, continue, stop, got: explode'


def test_spec_rules_of_the_real_ps1_are_applied(twin_run):
    assert result(twin_run, 'path and script')['msg'] == 'parameters are mutually exclusive: path|script'
    assert result(twin_run, 'neither path nor script')['msg'] == 'one of the following is required: path, script'


def test_setup_twin_validates_too(twin_run):
    res = result(twin_run, 'setup unknown option')
    assert res['failed'] is True
    assert res['msg'].startswith('Unsupported parameters for (ansible.windows.setup) module: bogus. '
                                 'Supported parameters include: ')


def test_foreign_script_is_refused(twin_run):
    res = result(twin_run, 'foreign script')
    assert res['failed'] is True
    assert res['msg'].startswith(FOREIGN)
    assert res['sim_node'] == 'hv1'


def test_runner_comparison_is_byte_exact(twin_run):
    res = result(twin_run, 'runner without its last byte')
    assert res['failed'] is True and res['msg'].startswith(FOREIGN)
    assert 'differs from it at byte %d' % (len(RUNNER.encode('utf-8')) - 1) in res['msg']


def test_unsimulated_options_are_refused_not_ignored(twin_run):
    res = result(twin_run, 'option the twin does not simulate')
    assert res['failed'] is True
    assert 'does not simulate: chdir' in res['msg']


def test_check_mode_skips_a_script_without_should_process(twin_run):
    res = result(twin_run, 'check mode skips a plain script')
    # win_powershell.ps1: changed = true, msg "skipped, running in check mode", the initial (empty) result keys.
    assert res.get('failed', False) is False
    assert res['changed'] is True
    assert res['msg'] == 'skipped, running in check mode'
    assert res['result'] == {} and res['output'] == [] and res['error'] == []
    assert res['host_out'] == '' and res['information'] == []
    assert res['sim_node'] == 'hv1'
    assert list(twin_run['lab'].iterdir()) == []   # nothing ran against the lab


def test_check_mode_runs_should_process_scripts_so_only_the_runner_passes(twin_run):
    res = result(twin_run, 'check mode runs a ShouldProcess script')
    assert res['failed'] is True
    assert res['msg'].startswith(FOREIGN)


def test_missing_lab_environment_is_explained(twin_run):
    res = result(twin_run, 'no lab', host='nolab')
    assert res['failed'] is True
    assert res['msg'] == ('ansible.windows.win_powershell (simulated): HVSIM_LAB and HVSIM_NODE not set: this twin '
                          'runs only through a simulated lab host, whose interpreter wrapper (LAB/bin/python-<node>, '
                          'set as ansible_python_interpreter) exports HVSIM_LAB and HVSIM_NODE')


# --- hvsim.twin ----------------------------------------------------------------------------------------------------

def test_load_spec_returns_a_fresh_copy():
    spec = twin.load_spec('ansible.windows.win_powershell')
    spec['script']['required'] = True
    assert 'required' not in twin.load_spec('ansible.windows.win_powershell')['script']
    with pytest.raises(KeyError, match='scripts/snapshot-module-specs'):
        twin.load_spec('ansible.windows.win_no_such_module')


def test_lab_and_node(tmp_path):
    assert twin.lab_and_node({'HVSIM_LAB': str(tmp_path), 'HVSIM_NODE': 'hv2'}) == (str(tmp_path), 'hv2')
    with pytest.raises(twin.TwinError, match='^HVSIM_NODE not set'):
        twin.lab_and_node({'HVSIM_LAB': str(tmp_path)})
    with pytest.raises(twin.TwinError, match='is not a directory'):
        twin.lab_and_node({'HVSIM_LAB': str(tmp_path / 'nope'), 'HVSIM_NODE': 'hv1'})


def test_runner_script_is_the_products():
    assert twin.RUNNER_SCRIPT == REPO / 'plugins' / 'plugin_utils' / 'runner.ps1'
    assert twin.runner_script_bytes() == RUNNER.encode('utf-8')


@pytest.mark.parametrize('script, expected', [
    ('[CmdletBinding(SupportsShouldProcess)]\nparam()', True),
    ('[CmdletBinding(SupportsShouldProcess=$true)]\nparam()', True),
    ('[cmdletbinding(supportsshouldprocess)]\nparam()', True),   # PowerShell -match ignores case
    ('[CmdletBinding(DefaultParameterSetName=1, SupportsShouldProcess)]\nparam()', True),
    ('[CmdletBinding(SupportsShouldProcess=$false)]\nparam()', False),
    ('[CmdletBinding()]\nparam()', False),
    ('# [CmdletBinding(SupportsShouldProcess)]\nparam()', False),
    ('<#\n[CmdletBinding(SupportsShouldProcess)]\n#>\nparam()', False),
    ('Remove-Item C:\\x', False),
])
def test_supports_should_process(script, expected):
    assert load_twin('win_powershell').supports_should_process(script) is expected


def test_the_runner_declares_should_process():
    assert load_twin('win_powershell').supports_should_process(RUNNER) is True


# --- win_powershell twin against a stand-in hvsim.runner ------------------------------------------------------------

def run_module(twin_module, args, env, monkeypatch, capsys):
    """Run a twin module's main() in-process; return (exit code, result dict)."""
    for name in (twin.LAB_ENV, twin.NODE_ENV):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            twin_module.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


@pytest.fixture
def fake_runner(monkeypatch):
    calls = []
    outcome = {'result': {'protocol': 1, 'computer_name': 'HV1', 'calls': []}, 'changed': False, 'output': [],
               'error': [], 'failed': False, 'unreachable': False, 'msg': ''}

    def run_batch(lab_dir, node, parameters, check_mode):
        calls.append((lab_dir, node, parameters, check_mode))
        return dict(outcome)

    module = types.ModuleType('hvsim.runner')
    module.run_batch = run_batch
    monkeypatch.setitem(sys.modules, 'hvsim.runner', module)
    return types.SimpleNamespace(calls=calls, outcome=outcome)


@pytest.mark.parametrize('check_mode', [False, True])
def test_runner_batches_reach_run_batch(tmp_path, monkeypatch, capsys, fake_runner, check_mode):
    args = {'script': RUNNER, 'parameters': {'BatchJson': EMPTY_BATCH}, 'depth': 8, 'error_action': 'stop',
            '_ansible_check_mode': check_mode}
    rc, res = run_module(load_twin('win_powershell'), args,
                         {'HVSIM_LAB': str(tmp_path), 'HVSIM_NODE': 'hv1'}, monkeypatch, capsys)
    assert rc == 0
    # The runner declares SupportsShouldProcess, so check mode runs it (with -WhatIf) instead of skipping it.
    assert fake_runner.calls == [(str(tmp_path), 'hv1', {'BatchJson': EMPTY_BATCH}, check_mode)]
    assert res['result'] == fake_runner.outcome['result']
    assert res['changed'] is False
    assert res['sim_node'] == 'hv1'
    for key, empty in (('host_out', ''), ('host_err', ''), ('output', []), ('error', []), ('debug', []),
                       ('verbose', []), ('warning', []), ('information', [])):
        assert res[key] == empty, key


def test_unreachable_node_is_reported_unreachable(tmp_path, monkeypatch, capsys, fake_runner):
    fake_runner.outcome.update(failed=True, unreachable=True, msg='psrp connection failure', result={})
    rc, res = run_module(load_twin('win_powershell'), {'script': RUNNER, 'parameters': {'BatchJson': EMPTY_BATCH}},
                         {'HVSIM_LAB': str(tmp_path), 'HVSIM_NODE': 'hv3'}, monkeypatch, capsys)
    assert rc == 1
    assert res['failed'] is True and res['unreachable'] is True
    assert res['msg'] == 'psrp connection failure'
    assert res['sim_node'] == 'hv3'


def test_runner_failure_is_a_module_failure_with_its_error_records(tmp_path, monkeypatch, capsys, fake_runner):
    record = {'message': 'Invalid JSON primitive', 'fully_qualified_error_id': 'RuntimeException'}
    fake_runner.outcome.update(failed=True, msg='Invalid JSON primitive', error=[record], result={})
    rc, res = run_module(load_twin('win_powershell'), {'script': RUNNER, 'parameters': {'BatchJson': '{'}},
                         {'HVSIM_LAB': str(tmp_path), 'HVSIM_NODE': 'hv1'}, monkeypatch, capsys)
    assert rc == 1
    assert res['failed'] is True and res['msg'] == 'Invalid JSON primitive'
    assert res['error'] == [record]
    assert not res.get('unreachable')


def test_foreign_script_never_reaches_run_batch(tmp_path, monkeypatch, capsys, fake_runner):
    rc, res = run_module(load_twin('win_powershell'), {'script': RUNNER.replace('Stop', 'Continue')},
                         {'HVSIM_LAB': str(tmp_path), 'HVSIM_NODE': 'hv1'}, monkeypatch, capsys)
    assert rc == 1 and res['msg'].startswith(FOREIGN)
    assert fake_runner.calls == []


# --- setup twin and hvsim.facts against a stand-in hvsim.state -----------------------------------------------------

NODE = {
    'name': 'hv1', 'fqdn': 'hv1.corp.example.com', 'domain': 'corp.example.com', 'power': 'on',
    'os': {'caption': 'Microsoft Windows Server 2022 Datacenter', 'version': '10.0.20348', 'build': 20348},
    'hardware': {'manufacturer': 'Contoso', 'model': 'HV-2U', 'memory_mb': 393216, 'logical_processors': 64,
                 'cpu_vendor': 'GenuineIntel',
                 'processors': [{'name': 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz'}] * 2},
    'pending_reboot': True,
    'nics': [
        {'name': 'Management', 'mac': '00-15-5D-00-01-01', 'description': 'Intel(R) Ethernet #1', 'status': 'Up',
         'link_speed': '10 Gbps', 'bindings': {'ms_tcpip': True}, 'ipv4': '10.10.0.11'},
        {'name': 'Vm', 'mac': '00-15-5D-00-01-04', 'description': 'Intel(R) Ethernet #4', 'status': 'Up',
         'link_speed': '10 Gbps', 'bindings': {'ms_tcpip': False}, 'ipv4': None},
    ],
}


@pytest.fixture
def fake_state(tmp_path, monkeypatch):
    """hvsim.state as the contract describes it: LabState.open(lab_dir) -> context manager with .data."""
    lab = tmp_path / 'lab'
    lab.mkdir()
    data = {'domain': {'name': 'corp.example.com', 'netbios': 'CORP'},
            'nodes': {'hv1': json.loads(json.dumps(NODE)),
                      'HV2': dict(json.loads(json.dumps(NODE)), name='HV2', fqdn='HV2', domain=None, power='off'),
                      'hv3': dict(json.loads(json.dumps(NODE)), name='hv3', fqdn='hv3', domain=None)}}
    (lab / 'fake-state.json').write_text(json.dumps(data))

    class LabState:
        def __init__(self, state_data):
            self.data = state_data

        @classmethod
        def open(cls, lab_dir, write=True):
            assert write is False, 'facts are a read: the state must not be rewritten'
            import contextlib  # pylint: disable=import-outside-toplevel

            @contextlib.contextmanager
            def opened():
                with open(os.path.join(lab_dir, 'fake-state.json'), encoding='utf-8') as handle:
                    yield cls(json.load(handle))
            return opened()

    module = types.ModuleType('hvsim.state')
    module.LabState = LabState
    monkeypatch.setitem(sys.modules, 'hvsim.state', module)
    return lab


def test_windows_facts_of_a_domain_member(fake_state):
    now = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
    facts = hvfacts.windows_facts(str(fake_state), 'HV1', now=now)   # node names are case-insensitive
    assert facts['ansible_os_family'] == 'Windows'
    assert facts['ansible_distribution'] == 'Microsoft Windows Server 2022 Datacenter'
    assert facts['ansible_distribution_version'] == '10.0.20348.0'
    assert facts['ansible_distribution_major_version'] == '10'
    assert facts['ansible_hostname'] == 'hv1'
    assert facts['ansible_fqdn'] == 'hv1.corp.example.com'
    assert facts['ansible_domain'] == 'corp.example.com'
    assert facts['ansible_windows_domain'] == 'corp.example.com'
    assert facts['ansible_windows_domain_member'] is True
    assert facts['ansible_windows_domain_role'] == 'Member server'
    assert facts['ansible_memtotal_mb'] == 393216
    assert facts['ansible_processor_count'] == 2
    assert facts['ansible_processor_vcpus'] == 64
    assert facts['ansible_processor_cores'] == 16 and facts['ansible_processor_threads_per_core'] == 2
    assert facts['ansible_reboot_pending'] is True
    assert facts['ansible_env']['USERDOMAIN'] == 'CORP'
    # Only interfaces bound to TCP/IP with an address, shaped like setup.ps1's.
    assert facts['ansible_interfaces'] == [{
        'connection_name': 'Management', 'default_gateway': None, 'dns_domain': 'corp.example.com',
        'interface_index': 1, 'interface_name': 'Intel(R) Ethernet #1',
        'ipv4': [{'address': '10.10.0.11', 'prefix': '24'}], 'ipv6': [], 'macaddress': '00:15:5D:00:01:01',
        'mtu': 1500, 'speed': 10000}]
    assert facts['ansible_ip_addresses'] == ['10.10.0.11']
    assert facts['ansible_date_time']['iso8601'] == '2026-03-04T05:06:07Z'
    assert facts['ansible_date_time']['epoch_int'] == int(now.timestamp())


def test_windows_facts_of_a_workgroup_server(fake_state):
    facts = hvfacts.windows_facts(str(fake_state), 'hv3')
    assert facts['ansible_windows_domain'] == 'WORKGROUP'
    assert facts['ansible_windows_domain_member'] is False
    assert facts['ansible_windows_domain_role'] == 'Stand-alone server'
    assert facts['ansible_domain'] == '' and facts['ansible_fqdn'] == 'hv3'
    assert 'USERDNSDOMAIN' not in facts['ansible_env']


def test_windows_facts_of_unknown_and_powered_off_nodes(fake_state):
    with pytest.raises(LookupError, match='no node hv9'):
        hvfacts.windows_facts(str(fake_state), 'hv9')
    with pytest.raises(hvfacts.NodeUnreachable, match='HV2'):
        hvfacts.windows_facts(str(fake_state), 'hv2')


def test_setup_twin_returns_the_nodes_facts(fake_state, monkeypatch, capsys):
    rc, res = run_module(load_twin('setup'), {'gather_subset': ['all']},
                         {'HVSIM_LAB': str(fake_state), 'HVSIM_NODE': 'hv1'}, monkeypatch, capsys)
    assert rc == 0
    assert res['changed'] is False and res['sim_node'] == 'hv1'
    assert res['ansible_facts']['ansible_hostname'] == 'hv1'
    assert res['ansible_facts']['gather_subset'] == ['all'] and res['ansible_facts']['module_setup'] is True


def test_setup_twin_unknown_node_fails_and_powered_off_node_is_unreachable(fake_state, monkeypatch, capsys):
    rc, res = run_module(load_twin('setup'), {}, {'HVSIM_LAB': str(fake_state), 'HVSIM_NODE': 'hv9'},
                         monkeypatch, capsys)
    assert rc == 1 and res['msg'] == 'ansible.windows.setup (simulated): hvsim: no node hv9 in the lab at %s' % (
        fake_state)
    rc, res = run_module(load_twin('setup'), {}, {'HVSIM_LAB': str(fake_state), 'HVSIM_NODE': 'HV2'},
                         monkeypatch, capsys)
    assert rc == 1 and res['unreachable'] is True and res['sim_node'] == 'HV2'


# --- against a real simulated lab (needs the rest of hvsim) --------------------------------------------------------

def test_twins_against_a_real_lab(tmp_path):
    pytest.importorskip('hvsim.runner', reason='hvsim.runner (run_batch) is not available yet')
    state = pytest.importorskip('hvsim.state', reason='hvsim.state is not available yet')
    presets = pytest.importorskip('hvsim.presets', reason='hvsim.presets is not available yet')
    lab = tmp_path / 'lab'
    data = presets.build(nodes=2, preset='prepared')
    data['nodes']['hv2']['power'] = 'off'
    state.LabState.create(str(lab), data)
    hosts = {name: write_wrapper(tmp_path / 'bin', name, lab) for name in ('hv1', 'hv2')}
    runner_args = {'script': '{{ runner }}', 'parameters': {'BatchJson': '{{ batch }}'}, 'depth': 8,
                   'error_action': 'stop'}
    plays = [{'hosts': 'all', 'gather_facts': False, 'tasks': [
        dict(powershell_task('read', **runner_args), ignore_unreachable=True),
        dict(powershell_task('read in check mode', **runner_args), check_mode=True, ignore_unreachable=True),
        {'name': 'facts', 'ansible.windows.setup': {}, 'ignore_unreachable': True},
    ]}]
    results = run_playbook(tmp_path / 'play', plays, hosts, {'runner': RUNNER, 'batch': EMPTY_BATCH})

    for task in ('read', 'read in check mode'):
        res = results[task]['hv1']
        assert res.get('failed', False) is False, res
        assert res['result']['protocol'] == 1 and res['result']['calls'] == []
        assert res['sim_node'] == 'hv1' and res['changed'] is False
        off = results[task]['hv2']
        assert off['unreachable'] is True, off
    assert [entry['mode'] for entry in state.read_executions(str(lab))] == ['read', 'read']

    facts = results['facts']['hv1']['ansible_facts']
    assert facts['ansible_hostname'] == 'hv1'
    assert facts['ansible_fqdn'] == data['nodes']['hv1']['fqdn']
    assert facts['ansible_windows_domain_member'] is True
    assert facts['ansible_memtotal_mb'] == data['nodes']['hv1']['hardware']['memory_mb']
    assert results['facts']['hv2']['unreachable'] is True
