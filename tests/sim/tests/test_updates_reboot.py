"""The twins of ansible.windows.win_updates and ansible.windows.win_reboot, and hvsim.updates / hvsim.power under them.

The twins run as playbooks do: ``ansible-playbook`` on simulated labs (tests/labkit.py). Each module-scoped fixture
runs one playbook (several plays) on its own lab and the tests read the task results and the lab afterwards:

- ``updates_run``: the win_updates flow on hv1 (check mode, search, install by category, rerun, a pending reboot,
  reboot: true), filters on hv3, win_reboot in check mode on hv2;
- ``reboot_run``: restarts of a paused node, of an undrained Up node (win_updates reboot: true), a reboot that times
  out, and the rolling-maintenance sequence (cluster_node drain, win_updates with reboot, resume) on hv4;
- ``faults_run``: a powered-off node (unreachable), the update-fail fault with and without reboot, and argument
  validation; its messages are compared with those of the real ansible.windows plugins (``real_messages``).

hvsim.updates and hvsim.power are also called directly for the cases a playbook would only make slower.
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from labkit import Lab
from hvsim import power, updates
from hvsim.state import LabState

CU = updates.update_id('KB5040437')          # Security Updates, needs a reboot
MSRT = updates.update_id('KB890830')         # Update Rollups
DEFENDER = updates.update_id('KB2267602')    # Definition Updates (odd-numbered nodes only)
INSTALL_FAILED = 'Failed to install all updates - see updates for more information'
INSTALLER_FAILURE_MSG = ('The installer failed to install (uninstall) one or more updates '
                         '(WU_E_UH_INSTALLERFAILURE 0x8024200B)')


def task(name, module, args=None, **keywords):
    return dict({'name': name, module: dict(args or {})}, **keywords)


def win_updates(name, args=None, **keywords):
    return task(name, 'ansible.windows.win_updates', args, ignore_errors=True, **keywords)


def win_reboot(name, args=None, **keywords):
    return task(name, 'ansible.windows.win_reboot', args, ignore_errors=True, **keywords)


def run_plays(lab, directory, plays):
    path = os.path.join(str(directory), 'plays.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump([dict({'gather_facts': False}, **play) for play in plays], handle, sort_keys=False)
    run = lab.playbook(path)
    assert run.results, run
    return run


def plain(result):
    """A task result without the keys Ansible adds (action, _ansible_no_log...)."""
    return {key: value for key, value in result.items() if key != 'action' and not key.startswith('_ansible')}


def same_message(left, right):
    """Equal messages; a list of valid booleans (a set, printed in hash order) is compared as a set."""
    marker = 'Valid booleans include: '
    if marker in left and marker in right:
        (left, left_items), (right, right_items) = left.split(marker, 1), right.split(marker, 1)
        return left == right and set(left_items.rstrip('.').split(', ')) == set(right_items.rstrip('.').split(', '))
    return left == right


def edit(lab):
    return LabState.open(lab.dir)


# --- the win_updates flow, filters, win_reboot check mode -----------------------------------------------------------

@pytest.fixture(scope='module')
def updates_run(tmp_path_factory):
    base = tmp_path_factory.mktemp('updates')
    lab = Lab.create(str(base / 'lab'), nodes=3, vms=6, clustered_vms=3, local_vms=1)
    before = lab.show()
    run = run_plays(lab, base, [
        {'name': 'install on hv1', 'hosts': 'hv1', 'tasks': [
            win_updates('check mode', check_mode=True),
            win_updates('search', {'state': 'searched'}),
            win_updates('search case-insensitive', {'state': 'SEARCHED'}),
            win_updates('security only', {'category_names': 'SecurityUpdates'}),
            win_updates('security only again', {'category_names': ['SecurityUpdates']}),
            win_updates('rollups while a reboot is pending'),
            win_updates('rollups with reboot', {'reboot': True}),
            win_updates('rerun'),
        ]},
        {'name': 'filters on hv3', 'hosts': 'hv3', 'tasks': [
            win_updates('all categories', {'category_names': '*', 'state': 'searched'}),
            win_updates('definition updates', {'category_names': ['DefinitionUpdates'], 'state': 'searched'}),
            win_updates('spelled as Windows does', {'category_names': ['security updates'], 'state': 'searched'}),
            win_updates('reject a title', {'reject_list': ['malicious software'], 'state': 'searched'}),
            win_updates('accept by title regex', {'accept_list': [r'Cumulative Update .* \(KB\d+\)'],
                                                  'state': 'searched'}),
            win_updates('reject a KB', {'reject_list': ['KB5040437']}),
        ]},
        {'name': 'win_reboot check mode on hv2', 'hosts': 'hv2', 'tasks': [
            win_reboot('reboot check mode', check_mode=True),
            win_updates('download', {'state': 'downloaded'}),
            win_updates('download again', {'state': 'downloaded'}),
        ]},
    ])
    return lab, run, before, lab.show()


def test_check_mode_reports_what_would_be_installed(updates_run):
    _lab, run, _before, _after = updates_run
    res = run.result('check mode', 'hv1')
    assert res['changed'] is True and not res.get('failed')
    assert res['found_update_count'] == 2 and res['installed_update_count'] == 0
    assert sorted(res['updates']) == sorted([CU, MSRT])
    assert all(info['installed'] is False and info['downloaded'] is False for info in res['updates'].values())
    # ... and installed nothing: the search after it still finds both.
    assert run.result('search', 'hv1')['found_update_count'] == 2


def test_search_returns_the_real_keys(updates_run):
    _lab, run, _before, _after = updates_run
    res = run.result('search', 'hv1')
    assert res['changed'] is False and res['rebooted'] is False and res['reboot_required'] is False
    assert (res['found_update_count'], res['installed_update_count'], res['failed_update_count']) == (2, 0, 0)
    assert res['updates'][CU] == {
        'id': CU, 'kb': ['5040437'], 'installed': False, 'downloaded': False,
        'categories': ['Security Updates', 'Microsoft Server operating system-21H2'],
        'title': '2024-07 Cumulative Update for Microsoft server operating system version 21H2 for x64-based '
                 'Systems (KB5040437)'}
    assert res['filtered_updates'][DEFENDER]['filtered_reasons'] == ['category_names']
    assert res['filtered_updates'][DEFENDER]['kb'] == ['2267602']
    assert run.result('search case-insensitive', 'hv1')['found_update_count'] == 2


def test_install_by_category_then_rerun_changes_nothing(updates_run):
    _lab, run, _before, _after = updates_run
    res = run.result('security only', 'hv1')
    assert res['changed'] is True and not res.get('failed')
    assert (res['found_update_count'], res['installed_update_count']) == (1, 1)
    assert res['updates'][CU]['installed'] is True and res['updates'][CU]['downloaded'] is True
    assert res['reboot_required'] is True and res['rebooted'] is False
    assert res['filtered_updates'][MSRT]['filtered_reasons'] == ['category_names']
    again = run.result('security only again', 'hv1')
    assert again['changed'] is False and not again.get('failed')
    assert again['found_update_count'] == 0 and again['updates'] == {}
    assert again['reboot_required'] is True


def test_a_pending_reboot_blocks_more_installs_until_reboot_true(updates_run):
    _lab, run, _before, after = updates_run
    blocked = run.result('rollups while a reboot is pending', 'hv1')
    assert blocked['failed'] is True
    assert blocked['msg'] == 'A reboot is required before more updates can be installed'
    assert (blocked['found_update_count'], blocked['installed_update_count']) == (1, 0)
    # reboot: true reboots after a failure once and tries again, as the real action plugin does.
    res = run.result('rollups with reboot', 'hv1')
    assert not res.get('failed') and res['changed'] is True and res['rebooted'] is True
    assert res['installed_update_count'] == 1 and res['updates'][MSRT]['installed'] is True
    assert res['reboot_required'] is False
    rerun = run.result('rerun', 'hv1')
    assert rerun['changed'] is False and rerun['found_update_count'] == 0 and rerun['rebooted'] is False
    node = after['nodes']['hv1']
    assert (node['updates_available'], node['pending_reboot'], node['state']) == (1, False, 'Up')


def test_category_names_accept_and_reject_lists(updates_run):
    lab, run, _before, after = updates_run

    def found(name):
        return sorted(run.result(name, 'hv3')['updates'])

    assert found('all categories') == sorted([CU, MSRT, DEFENDER])
    assert found('definition updates') == [DEFENDER]
    assert found('spelled as Windows does') == [CU]
    assert found('reject a title') == [CU]
    rejected = run.result('reject a title', 'hv3')['filtered_updates']
    assert rejected[MSRT]['filtered_reasons'] == ['reject_list']
    assert found('accept by title regex') == [CU]
    accepted = run.result('accept by title regex', 'hv3')['filtered_updates']
    assert accepted[DEFENDER]['filtered_reasons'] == ['accept_list', 'category_names']
    res = run.result('reject a KB', 'hv3')
    assert res['changed'] is True and res['installed_update_count'] == 1 and list(res['updates']) == [MSRT]
    assert res['filtered_updates'][CU]['filtered_reasons'] == ['reject_list']
    assert res['reboot_required'] is False
    assert after['nodes']['hv3']['updates_available'] == 2 and after['nodes']['hv3']['pending_reboot'] is False
    available = [update['kb'] for update in lab.raw_state()['nodes']['hv3']['updates']['available']]
    assert available == ['KB5040437', 'KB2267602']


def test_win_reboot_check_mode_changes_nothing(updates_run):
    _lab, run, before, after = updates_run
    assert plain(run.result('reboot check mode', 'hv2')) == {'changed': True, 'elapsed': 0, 'rebooted': True}
    node = after['nodes']['hv2']
    assert (node['state'], node['power'], node['pending_reboot']) == ('Up', 'on', False)
    for vm in ('instance-00000002', 'instance-00000005'):    # clustered and not: both still running on hv2
        assert after['vms'][vm] == before['vms'][vm] and after['vms'][vm]['state'] == 'Running'
    assert after['clusters']['hvc1']['groups']['instance-00000002']['owner'] == 'hv2'


def test_state_downloaded_downloads_once(updates_run):
    lab, run, _before, after = updates_run
    res = run.result('download', 'hv2')
    assert res['changed'] is True and res['installed_update_count'] == 0
    assert all(info['downloaded'] is True and info['installed'] is False for info in res['updates'].values())
    again = run.result('download again', 'hv2')
    assert again['changed'] is False and again['found_update_count'] == 2
    assert after['nodes']['hv2']['updates_available'] == 2
    assert all(update['downloaded'] for update in lab.raw_state()['nodes']['hv2']['updates']['available'])


# --- reboots --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def reboot_run(tmp_path_factory):
    base = tmp_path_factory.mktemp('reboots')
    # hv1..hv4 own instance-1..4 (clustered) and instance-5..8 (not clustered); local-0001 is on hv1.
    lab = Lab.create(str(base / 'lab'), nodes=4, vms=8, clustered_vms=4, local_vms=1)
    with edit(lab) as state:
        # hv2 paused without a drain: it still owns instance-00000002.
        state.cluster('hvc1')['nodes']['hv2']['state'] = 'Paused'
        state.node('hv2')['pending_reboot'] = True
    before = lab.show()
    run = run_plays(lab, base, [
        {'name': 'rolling maintenance of hv4', 'hosts': 'hv4', 'tasks': [
            task('drain', 'hyperv.cluster.cluster_node', {'state': 'paused'}),
            win_updates('updates with reboot', {'reboot': True}),
            task('resume', 'hyperv.cluster.cluster_node', {'state': 'resumed'}),
        ]},
        {'name': 'paused hv2', 'hosts': 'hv2', 'tasks': [
            win_reboot('reboot paused', {'msg': 'Patching', 'test_command': 'whoami', 'post_reboot_delay': 5}),
        ]},
        {'name': 'undrained hv1', 'hosts': 'hv1', 'tasks': [
            win_updates('updates with reboot', {'reboot': True}),
        ]},
        {'name': 'slow hv3', 'hosts': 'hv3', 'tasks': [
            win_reboot('reboot too short', {'reboot_timeout_sec': 30}),
        ]},
    ])
    return lab, run, before, lab.show()


def test_paused_node_stays_paused_and_its_roles_fail_over(reboot_run):
    _lab, run, before, after = reboot_run
    res = run.result('reboot paused', 'hv2')
    assert not res.get('failed') and res['changed'] is True and res['rebooted'] is True
    assert res['elapsed'] == power.BOOT_SECONDS
    assert ['instance-00000002', res['sim_failed_over'][0][1]] in res['sim_failed_over']
    assert before['clusters']['hvc1']['nodes']['hv2']['state'] == 'Paused'
    assert after['clusters']['hvc1']['nodes']['hv2'] == {'state': 'Paused', 'drain_status': 'NotInitiated'}
    assert after['nodes']['hv2']['power'] == 'on' and after['nodes']['hv2']['pending_reboot'] is False
    role = after['clusters']['hvc1']['groups']['instance-00000002']
    assert role['owner'] != 'hv2' and role['state'] == 'Online'
    # Not a clustered role: it stopped with the node and stays off (automatic start action not modelled).
    assert after['vms']['instance-00000006'] == dict(before['vms']['instance-00000006'], state='Off')


def test_win_updates_reboot_fails_an_undrained_nodes_roles_over(reboot_run):
    _lab, run, before, after = reboot_run
    res = run.result('updates with reboot', 'hv1')
    assert not res.get('failed') and res['changed'] is True and res['rebooted'] is True
    assert res['installed_update_count'] == 2 and res['reboot_required'] is False
    assert before['clusters']['hvc1']['groups']['instance-00000001']['owner'] == 'hv1'
    role = after['clusters']['hvc1']['groups']['instance-00000001']
    assert role['state'] == 'Online' and after['vms']['instance-00000001']['state'] == 'Running'
    assert after['clusters']['hvc1']['nodes']['hv1']['state'] == 'Up'
    node = after['nodes']['hv1']
    assert (node['power'], node['pending_reboot'], node['updates_available']) == ('on', False, 1)
    assert after['vms']['local-0001']['state'] == 'Off' and after['vms']['instance-00000005']['state'] == 'Off'


def test_rolling_maintenance_of_a_drained_node(reboot_run):
    _lab, run, before, after = reboot_run
    assert not run.result('drain', 'hv4').get('failed'), run.result('drain', 'hv4')
    res = run.result('updates with reboot', 'hv4')
    assert not res.get('failed') and res['rebooted'] is True and res['installed_update_count'] == 2
    assert not run.result('resume', 'hv4').get('failed'), run.result('resume', 'hv4')
    assert before['clusters']['hvc1']['groups']['instance-00000004']['owner'] == 'hv4'
    # The drain moved the role away live; the reboot found nothing to fail over; no failback by default.
    role = after['clusters']['hvc1']['groups']['instance-00000004']
    assert role['owner'] != 'hv4' and role['state'] == 'Online'
    assert after['clusters']['hvc1']['nodes']['hv4']['state'] == 'Up'
    assert after['nodes']['hv4']['updates_available'] == 0 and after['nodes']['hv4']['pending_reboot'] is False


def test_reboot_timeout_fails_the_task_but_the_node_comes_back(reboot_run):
    _lab, run, _before, after = reboot_run
    res = run.result('reboot too short', 'hv3')
    assert res['failed'] is True and res['rebooted'] is True and res['changed'] is True
    assert res['msg'] == 'Timed out waiting for last boot time check (timeout=30.0)'
    assert after['nodes']['hv3']['power'] == 'on' and after['clusters']['hvc1']['nodes']['hv3']['state'] == 'Up'


# --- unreachable nodes, the update-fail fault, argument validation --------------------------------------------------

VALIDATION_TASKS = [
    ('updates unknown option', 'ansible.windows.win_updates', {'bogus': 1}),
    ('updates internal option', 'ansible.windows.win_updates', {'_operation': 'poll'}),
    ('updates bad reboot', 'ansible.windows.win_updates', {'reboot': 'maybe'}),
    ('updates bad reboot_timeout', 'ansible.windows.win_updates', {'reboot_timeout': 'soon'}),
    ('reboot unknown option', 'ansible.windows.win_reboot', {'bogus': 1}),
    ('reboot bad reboot_timeout', 'ansible.windows.win_reboot', {'reboot_timeout': 'soon'}),
]


@pytest.fixture(scope='module')
def faults_run(tmp_path_factory):
    base = tmp_path_factory.mktemp('faults')
    lab = Lab.create(str(base / 'lab'), nodes=4, vms=4, clustered_vms=4)
    lab.fault('node-down', 'hv4')
    lab.fault('update-fail', 'hv1')
    lab.fault('update-fail', 'hv2')
    armed = lab.raw_state().get('faults')
    run = run_plays(lab, base, [
        {'name': 'powered off', 'hosts': 'hv4', 'ignore_unreachable': True, 'tasks': [
            # No ignore_errors: a failure would count as one; ignore_unreachable lets the play go on.
            task('updates on a powered-off node', 'ansible.windows.win_updates'),
            task('reboot a powered-off node', 'ansible.windows.win_reboot'),
            task('reboot a powered-off node in check mode', 'ansible.windows.win_reboot', check_mode=True),
        ]},
        {'name': 'update-fail', 'hosts': 'hv1', 'tasks': [
            win_updates('failing update'),
            win_updates('after the failure'),
        ]},
        {'name': 'update-fail with reboot', 'hosts': 'hv2', 'tasks': [
            win_updates('failing update with reboot', {'reboot': True}),
        ]},
        {'name': 'validation', 'hosts': 'hv3', 'tasks': [
            task(name, module, args, ignore_errors=True) for name, module, args in VALIDATION_TASKS
        ] + [win_updates('updates bad state', {'state': 'bogus'}),
             win_updates('updates bad category type', {'category_names': {'a': 1}})]},
    ])
    return lab, run, armed, lab.show()


@pytest.fixture(scope='module')
def real_messages(tmp_path_factory):
    """The messages of the REAL ansible.windows plugins for the validation tasks (they fail before connecting)."""
    base = tmp_path_factory.mktemp('real')
    (base / 'collections').mkdir()
    (base / 'ansible.cfg').write_text('')
    (base / 'inventory.yml').write_text(yaml.safe_dump(
        {'all': {'hosts': {'target': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}))
    plays = [{'hosts': 'target', 'gather_facts': False, 'tasks': [
        task(name, module, args, ignore_errors=True) for name, module, args in VALIDATION_TASKS]}]
    (base / 'plays.yml').write_text(yaml.safe_dump(plays, sort_keys=False))
    env = {key: value for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'HVSIM_'))}
    env.update(ANSIBLE_CONFIG=str(base / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(base / 'collections'),
               ANSIBLE_HOME=str(base / '.ansible'), ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
               ANSIBLE_DEPRECATION_WARNINGS='0')
    process = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i',
                              'inventory.yml', 'plays.yml'], cwd=base, env=env, capture_output=True, text=True,
                             check=False)
    output = json.loads(process.stdout[process.stdout.index('{'):])
    results = {}
    for play in output['plays']:
        for entry in play['tasks']:
            results[entry['task']['name']] = entry['hosts']['target']
    return results


def test_powered_off_node_is_unreachable(faults_run):
    _lab, run, _armed, _after = faults_run
    message = 'psrp connection failure during runspace pool open: hv4 is powered off'
    res = run.result('updates on a powered-off node', 'hv4')
    assert res['unreachable'] is True and res['msg'] == message
    assert res['found_update_count'] == 0 and res['updates'] == {}
    res = run.result('reboot a powered-off node', 'hv4')
    assert res['unreachable'] is True and res['rebooted'] is False and res['msg'] == message
    # The real win_reboot returns before it connects in check mode.
    assert plain(run.result('reboot a powered-off node in check mode', 'hv4')) == {
        'changed': True, 'elapsed': 0, 'rebooted': True}
    # Ansible counts an unreachable result it was told to ignore as ignored, never as a failure.
    assert (run.stats['hv4']['failures'], run.stats['hv4']['ignored']) == (0, 2)


def test_update_fail_fault_fails_the_first_update(faults_run):
    lab, run, armed, after = faults_run
    assert armed == [{'kind': 'update-fail', 'node': 'hv1'}, {'kind': 'update-fail', 'node': 'hv2'}]
    res = run.result('failing update', 'hv1')
    assert res['failed'] is True and res['msg'] == INSTALL_FAILED
    assert res['changed'] is True and res['reboot_required'] is False
    assert (res['found_update_count'], res['installed_update_count'], res['failed_update_count']) == (2, 1, 1)
    failed = res['updates'][CU]
    assert failed['installed'] is False and failed['downloaded'] is True
    assert failed['failure_hresult_code'] == 0x8024200B and failed['failure_msg'] == INSTALLER_FAILURE_MSG
    assert res['updates'][MSRT]['installed'] is True
    # The fault was consumed: the next run installs what failed.
    res = run.result('after the failure', 'hv1')
    assert not res.get('failed') and res['installed_update_count'] == 1 and list(res['updates']) == [CU]
    assert after['nodes']['hv1']['updates_available'] == 1 and after['nodes']['hv1']['pending_reboot'] is True
    assert not lab.raw_state().get('faults')


def test_update_fail_with_reboot_retries_once_then_reports_the_loop(faults_run):
    _lab, run, _armed, after = faults_run
    res = run.result('failing update with reboot', 'hv2')
    # The real plugin reboots after a failed pass and tries again; the same update failing again is an update loop.
    assert res['failed'] is True and res['rebooted'] is True
    assert res['msg'].startswith('An update loop was detected') and res['msg'].endswith(CU)
    assert res['failed_update_count'] == 1 and res['installed_update_count'] == 1
    assert res['updates'][CU]['failure_hresult_code'] == -1
    assert after['nodes']['hv2']['updates_available'] == 1


@pytest.mark.parametrize('name', [name for name, _module, _args in VALIDATION_TASKS])
def test_validation_messages_are_the_real_plugins(faults_run, real_messages, name):
    _lab, run, _armed, _after = faults_run
    twin_result = run.result(name, 'hv3')
    assert twin_result['failed'] is True
    assert same_message(twin_result['msg'], real_messages[name]['msg']), (twin_result['msg'], real_messages[name])


def test_validation_messages(faults_run):
    _lab, run, _armed, after = faults_run

    def msg(name):
        return run.result(name, 'hv3')['msg']

    assert msg('updates unknown option') == 'Invalid options for ansible.windows.win_updates: bogus'
    assert msg('updates internal option') == 'Invalid options for ansible.windows.win_updates: _operation'
    assert msg('reboot unknown option') == 'Invalid options for ansible.windows.win_reboot: bogus'
    assert "Invalid value given for 'reboot_timeout': " in msg('reboot bad reboot_timeout')
    # The module's own validation (Ansible.Basic in the real one), with the real spec's choices.
    res = run.result('updates bad state', 'hv3')
    assert res['msg'] == 'value of state must be one of: installed, searched, downloaded. Got no match for: bogus'
    assert res['found_update_count'] == 0 and res['updates'] == {} and 'rebooted' not in res
    assert 'category_names' in msg('updates bad category type')
    assert after['nodes']['hv3']['updates_available'] == 3    # nothing ran


# --- hvsim.updates and hvsim.power directly -------------------------------------------------------------------------

@pytest.mark.parametrize('preset', ['bare', 'prepared', 'clustered'])
def test_every_preset_node_has_two_or_three_updates(make_lab, preset):
    lab = make_lab(nodes=4, preset=preset)
    nodes = lab.raw_state()['nodes']
    assert [len(nodes[name]['updates']['available']) for name in ('hv1', 'hv2', 'hv3', 'hv4')] == [3, 2, 3, 2]
    assert all(node['updates']['installed'] == [] for node in nodes.values())
    assert nodes['hv1']['updates']['available'][:2] == nodes['hv2']['updates']['available']   # same ids everywhere
    assert {name: node['updates_available'] for name, node in lab.show()['nodes'].items()} == {
        'hv1': 3, 'hv2': 2, 'hv3': 3, 'hv4': 2}
    assert make_lab(nodes=4, preset=preset).raw_state()['nodes'] == nodes   # deterministic


def test_lab_without_updates_loads(make_lab):
    lab = make_lab(nodes=1)
    with edit(lab) as state:
        del state.node('hv1')['updates']
    assert lab.show()['nodes']['hv1']['updates_available'] == 0
    with edit(lab) as state:
        outcome = updates.run_pass(state, 'hv1', {'state': 'installed'})
    assert outcome['changed'] is False and outcome['updates'] == []


def test_reboot_restores_paused_and_drain_status(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    with edit(lab) as state:
        member = state.cluster('hvc1')['nodes']['hv1']
        member.update(state='Paused', drain_status='Completed')
        for group in state.cluster('hvc1')['groups'].values():   # as a drain leaves it: hv1 owns nothing
            if group['owner'] == 'hv1':
                group['owner'] = 'hv2'
        for vm in state.vms_on('hv1'):
            vm['host'] = 'hv2'
        outcome = power.reboot(state, 'HV1')
        assert outcome == {'moved': [], 'boot_seconds': power.BOOT_SECONDS}
        assert member == {'id': 1, 'state': 'Paused', 'drain_status': 'Completed'}
        state.node('hv1')['boot_seconds'] = 90
    result = power.reboot_host(lab.dir, 'hv1', reboot_timeout=600, post_reboot_delay=120)
    assert (result['failed'], result['elapsed'], result['sim_failed_over']) == (False, 120, [])
    result = power.reboot_host(lab.dir, 'hv1', reboot_timeout=60, post_reboot_delay=10)
    assert result['failed'] is True and result['elapsed'] == 70
    lab.fault('node-down', 'hv3')
    with edit(lab) as state:
        with pytest.raises(ValueError, match='powered off'):
            power.reboot(state, 'hv3')
    assert power.reboot_host(lab.dir, 'hv3')['unreachable'] is True


def test_invalid_regex_fails_the_pass_like_powershell(make_lab):
    lab = make_lab(nodes=1)
    with edit(lab) as state:
        outcome = updates.run_pass(state, 'hv1', {'state': 'searched', 'accept_list': ['KB[']})
    assert outcome['failed'] is True and outcome['msg'] == 'The regular expression pattern KB[ is not valid.'
    assert outcome['updates'] == []


def test_skip_optional_and_hidden_updates(make_lab):
    lab = make_lab(nodes=1)
    with edit(lab) as state:
        available = state.node('hv1')['updates']['available']
        available[0]['browse_only'] = True
        available[1]['hidden'] = True
        options = {'state': 'searched', 'skip_optional': True, 'category_names': ['*']}
        outcome = updates.run_pass(state, 'hv1', options)
    assert outcome['filtered'] == {CU: ['skip_optional'], MSRT: ['hidden']}
    assert outcome['selected'] == [DEFENDER]
