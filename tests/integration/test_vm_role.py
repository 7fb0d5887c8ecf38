"""hyperv.cluster.vm_role on simulated labs: real playbooks, asserted on task results, lab state and executions.

Most tests read one step of a playbook run shared by the module (see stepkit): each step knows its own remote
executions and the lab state just before and after it.
"""

import pytest

from hvsim.state import LabState
from stepkit import STANDARD, run_steps

VM4, VM5, VM6 = 'instance-00000004', 'instance-00000005', 'instance-00000006'   # unclustered, on hv1, hv2, hv3


def vm_role(label, check=False, ignore_errors=False, **options):
    """A vm_role task called ``label`` with module options ``options``, always with diff."""
    task = {'name': label, 'hyperv.cluster.vm_role': options, 'diff': True}
    if check:
        task['check_mode'] = True
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def groups(show, cluster='hvc1'):
    return show['clusters'][cluster]['groups']


def without(mapping, *keys):
    return {key: value for key, value in mapping.items() if key not in keys}


# --- one VM through its whole life, from hv1 ------------------------------------------------------------------------

@pytest.fixture(scope='module')
def life(module_lab, tmp_path_factory):
    lab = module_lab('life', **STANDARD)
    return run_steps(lab, tmp_path_factory.mktemp('life-play'), [
        vm_role('check: cluster vm4', check=True, name=VM4, priority='high', preferred_owners=['HV2', 'Hv1']),
        vm_role('cluster vm4', name=VM4, priority='high', preferred_owners=['HV2', 'Hv1']),
        vm_role('rerun vm4', name=VM4, priority='high', preferred_owners=['hv2', 'hv1']),
        vm_role('priority only', name=VM4, priority='low'),
        vm_role('check: preferred owners only', check=True, name=VM4, preferred_owners=['hv3', 'HV2']),
        vm_role('preferred owners only', name=VM4, preferred_owners=['hv3', 'HV2']),
        vm_role('name only', name=VM4),
        vm_role('check: uncluster vm4', check=True, name=VM4, state='absent'),
        vm_role('uncluster vm4', name=VM4, state='absent'),
        vm_role('rerun uncluster vm4', name=VM4, state='absent'),
        vm_role('cluster vm6 from hv1', name=VM6, priority='no_auto_start'),
        vm_role('rerun vm6', name=VM6, priority='no_auto_start'),
        dict(vm_role('cluster vm5 delegated to hv2', name=VM5, preferred_owners=['hv2', 'hv3']), delegate_to='hv2'),
        dict(vm_role('rerun vm5 delegated to hv2', name=VM5, preferred_owners=['hv2', 'hv3']), delegate_to='hv2'),
    ])


def test_the_life_run_succeeds_on_hv1_only(life):
    assert life.run.rc == 0, life.run
    assert set(life.run.stats) == {'hv1'}
    assert life.run.stats['hv1']['failures'] == 0
    assert life.run.changed('hv1') == 9   # the check-mode steps count as changed too


def test_clustering_a_vm_sets_owner_priority_and_preferred_owners(life):
    step = life['cluster vm4']
    result = step.result()
    assert result['changed'] is True
    # Node names given in any case come back as the cluster spells them, in the order given.
    assert result['vm_role'] == {'name': VM4, 'cluster': 'hvc1', 'clustered': True, 'owner_node': 'hv1',
                                 'priority': 3000, 'priority_name': 'high', 'preferred_owners': ['hv2', 'hv1']}
    assert result['diff'] == {
        'before': {'clustered': False, 'owner_node': None, 'priority': None, 'preferred_owners': []},
        'after': {'clustered': True, 'owner_node': 'hv1', 'priority': 3000, 'preferred_owners': ['hv2', 'hv1']},
    }
    after = step.show_after
    assert groups(after)[VM4] == {'owner': 'hv1', 'state': 'Online', 'priority': 3000, 'type': 'VirtualMachine',
                                  'preferred_owners': ['hv2', 'hv1']}
    assert after['vms'][VM4] == dict(step.show_before['vms'][VM4], clustered=True)
    assert after['vms'][VM4]['host'] == 'hv1' and after['vms'][VM4]['state'] == 'Running'
    # Nothing else in the lab moved.
    assert without(groups(after), VM4) == groups(step.show_before)
    assert without(after['vms'], VM4) == without(step.show_before['vms'], VM4)


def test_a_change_costs_one_read_and_one_write(life):
    for name in ('cluster vm4', 'priority only', 'preferred owners only', 'uncluster vm4', 'cluster vm6 from hv1'):
        step = life[name]
        assert step.result()['changed'] is True, step
        assert step.modes == ['read', 'write'], step
        assert step.nodes == ['hv1'], step


def test_a_rerun_changes_nothing_and_costs_exactly_one_read(life):
    for name in ('rerun vm4', 'name only', 'rerun uncluster vm4', 'rerun vm6'):
        step = life[name]
        result = step.result()
        assert result['changed'] is False, step
        assert 'failed' not in result or result['failed'] is False, step
        assert step.modes == ['read'], step
        assert step.state_unchanged, step
        assert result['diff']['before'] == result['diff']['after'], step
    assert life['rerun vm4'].result()['vm_role'] == life['cluster vm4'].result()['vm_role']


def test_changing_only_the_priority_keeps_the_preferred_owners(life):
    step = life['priority only']
    assert step.result()['diff'] == {
        'before': {'clustered': True, 'owner_node': 'hv1', 'priority': 3000, 'preferred_owners': ['hv2', 'hv1']},
        'after': {'clustered': True, 'owner_node': 'hv1', 'priority': 1000, 'preferred_owners': ['hv2', 'hv1']},
    }
    assert step.result()['vm_role']['priority_name'] == 'low'
    assert groups(step.show_after)[VM4] == dict(groups(step.show_before)[VM4], priority=1000)
    assert step.show_after['vms'] == step.show_before['vms']


def test_changing_only_the_preferred_owners_keeps_the_priority(life):
    step = life['preferred owners only']
    assert step.result()['diff'] == {
        'before': {'clustered': True, 'owner_node': 'hv1', 'priority': 1000, 'preferred_owners': ['hv2', 'hv1']},
        'after': {'clustered': True, 'owner_node': 'hv1', 'priority': 1000, 'preferred_owners': ['hv3', 'hv2']},
    }
    assert groups(step.show_after)[VM4] == dict(groups(step.show_before)[VM4], preferred_owners=['hv3', 'hv2'])
    assert step.show_after['vms'] == step.show_before['vms']
    # Omitting both options keeps both.
    assert life['name only'].result()['vm_role'] == step.result()['vm_role']


def test_check_mode_changes_nothing_and_predicts_the_real_run(life):
    for check, real in (('check: cluster vm4', 'cluster vm4'),
                        ('check: preferred owners only', 'preferred owners only'),
                        ('check: uncluster vm4', 'uncluster vm4')):
        predicted, done = life[check], life[real]
        assert predicted.result()['changed'] is True, predicted
        assert predicted.modes == ['read'], predicted
        assert predicted.state_unchanged, predicted
        assert predicted.result()['vm_role'] == done.result()['vm_role'], (predicted, done)
        assert predicted.result()['diff'] == done.result()['diff'], (predicted, done)
        # The real run starts from the state the check run saw.
        assert done.before_text == predicted.before_text


def test_unclustering_removes_the_role_and_keeps_the_vm_running_where_it_is(life):
    step = life['uncluster vm4']
    result = step.result()
    assert result['changed'] is True
    assert result['vm_role'] == {'name': VM4, 'cluster': 'hvc1', 'clustered': False, 'owner_node': None,
                                 'priority': None, 'priority_name': None, 'preferred_owners': []}
    assert result['diff']['before'] == {'clustered': True, 'owner_node': 'hv1', 'priority': 1000,
                                        'preferred_owners': ['hv3', 'hv2']}
    assert result['diff']['after'] == {'clustered': False, 'owner_node': None, 'priority': None,
                                       'preferred_owners': []}
    assert VM4 not in groups(step.show_after)
    assert without(groups(step.show_after), VM4) == without(groups(step.show_before), VM4)
    # The VM itself is untouched: same record (host, state, files), only no longer clustered.
    vm_id = step.show_before['vms'][VM4]['id']
    assert step.raw_after['vms'][vm_id] == step.raw_before['vms'][vm_id]
    assert step.show_after['vms'][VM4]['host'] == 'hv1'
    assert step.show_after['vms'][VM4]['state'] == 'Running'
    assert step.show_after['vms'][VM4]['clustered'] is False
    assert life['rerun uncluster vm4'].result()['vm_role']['clustered'] is False


def test_a_vm_running_on_another_node_is_clustered_from_hv1(life):
    step = life['cluster vm6 from hv1']
    assert step.result()['vm_role']['owner_node'] == 'hv3'
    assert step.result()['vm_role']['priority'] == 0
    assert step.result()['vm_role']['priority_name'] == 'no_auto_start'
    assert step.nodes == ['hv1']
    assert groups(step.show_after)[VM6] == {'owner': 'hv3', 'state': 'Online', 'priority': 0,
                                            'type': 'VirtualMachine', 'preferred_owners': []}
    # Clustering with no_auto_start does not stop a running VM.
    assert step.show_after['vms'][VM6]['host'] == 'hv3'
    assert step.show_after['vms'][VM6]['state'] == 'Running'


def test_delegate_to_runs_on_the_delegated_node(life):
    step = life['cluster vm5 delegated to hv2']
    assert step.result()['changed'] is True
    assert step.result()['vm_role']['owner_node'] == 'hv2'
    assert step.result()['vm_role']['preferred_owners'] == ['hv2', 'hv3']
    assert [entry['node'] for entry in step.executions] == ['hv2', 'hv2']
    assert step.modes == ['read', 'write']
    assert groups(step.show_after)[VM5]['preferred_owners'] == ['hv2', 'hv3']
    rerun = life['rerun vm5 delegated to hv2']
    assert rerun.result()['changed'] is False
    assert [(entry['node'], entry['mode']) for entry in rerun.executions] == [('hv2', 'read')]


# --- the --check --diff command line, with the default callback -----------------------------------------------------

def test_check_and_diff_on_the_command_line_print_before_and_after(make_lab, tmp_path):
    lab = make_lab(**STANDARD)
    playbook = lab.tasks_playbook(tmp_path, [{'name': 'cluster vm5', 'hyperv.cluster.vm_role': {
        'name': VM5, 'priority': 'high', 'preferred_owners': ['hv2']}}])
    before = lab.raw_state()
    run = lab.playbook(playbook, check=True, diff=True, env={'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.default'})
    assert run.rc == 0, run
    assert lab.raw_state() == before
    assert [entry['mode'] for entry in lab.executions()] == ['read']
    out = run.stdout
    assert '--- before' in out and '+++ after' in out, out
    for line in ('-    "clustered": false,', '+    "clustered": true,', '-    "owner_node": null,',
                 '+    "owner_node": "hv2",', '-    "priority": null', '+    "priority": 3000',
                 '-    "preferred_owners": [],', '+        "hv2"', 'changed: [hv1]'):
        assert line in out, (line, out)


# --- refusals: each one changes nothing and writes nothing ---------------------------------------------------------

BAD_INPUTS = [
    # step name, options, expected message parts (the VM or host, the cause, the fix), remote executions
    ('unknown vm', dict(name='instance-0badc0de', priority='high'),
     ['VM instance-0badc0de', 'no virtual machine of that name exists on any node of cluster hvc1',
      'Check the name'], ['read']),
    ('vm on local storage', dict(name='local-0001'),
     ['VM local-0001', 'not on shared storage', 'D:\\Hyper-V\\local-0001', 'Move its storage to a Cluster Shared '
      'Volume (C:\\ClusterStorage\\Volume1, C:\\ClusterStorage\\Volume2) or an SMB share', 'Move-VMStorage'],
     ['read']),
    ('bad priority', dict(name=VM4, priority='urgent'),
     ['priority', 'high, medium, low, no_auto_start', 'urgent'], []),
    ('numeric priority', dict(name=VM4, priority=3000),
     ['priority', 'high, medium, low, no_auto_start', '3000'], []),
    ('bad state', dict(name=VM4, state='stopped'), ['state', 'present, absent', 'stopped'], []),
    ('preferred owner not in the cluster', dict(name=VM4, preferred_owners=['hv1', 'hv9']),
     ['VM instance-00000004', 'hv9', 'not nodes of cluster hvc1', 'hv1, hv2, hv3'], ['read']),
    ('preferred owner not in the cluster, clustered vm',
     dict(name='instance-00000001', priority='high', preferred_owners=['hv4']),
     ['VM instance-00000001', 'hv4', 'not nodes of cluster hvc1', 'hv1, hv2, hv3'], ['read']),
    ('empty preferred owners', dict(name=VM4, preferred_owners=[]),
     ['VM instance-00000004', 'empty list', 'Omit preferred_owners'], []),
    ('priority with state absent', dict(name='instance-00000001', state='absent', priority='low'),
     ['VM instance-00000001', 'only apply with state=present', 'Remove them from the task'], []),
    ('preferred owners with state absent', dict(name='instance-00000001', state='absent', preferred_owners=['hv1']),
     ['VM instance-00000001', 'only apply with state=present', 'Remove them from the task'], []),
    ('unknown option', dict(name=VM4, owner='hv1'), ['Unsupported parameters', 'owner', 'preferred_owners'], []),
    ('missing name', dict(priority='high'), ['missing required arguments: name'], []),
    ('a role that is not a vm', dict(name='Cluster Group', state='absent'),
     ["VM Cluster Group", "already has a role named 'Cluster Group'", 'not a virtual machine',
      'vm_role never changes roles that are not VMs'], ['read']),
]


@pytest.fixture(scope='module')
def refusals(module_lab, tmp_path_factory):
    lab = module_lab('refusals', **STANDARD)
    return run_steps(lab, tmp_path_factory.mktemp('refusals-play'),
                     [vm_role(label, ignore_errors=True, **options) for label, options, _parts, _modes in BAD_INPUTS])


@pytest.mark.parametrize('name, options, parts, modes', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_without_any_change(refusals, name, options, parts, modes):
    step = refusals[name]
    result = step.result()
    assert result['failed'] is True, step
    assert result['changed'] is False, step
    for part in parts:
        assert part in result['msg'], (part, result['msg'])
    assert step.state_unchanged, step
    assert step.writes == [], step
    assert step.modes == modes, step


def test_all_refusals_together_left_the_lab_as_it_was(refusals):
    assert refusals.raw_after == refusals.raw_before
    assert refusals.run.stats['hv1']['ignored'] == len(BAD_INPUTS)
    assert all(entry['mode'] == 'read' for entry in refusals.lab.executions())


def test_a_node_that_is_not_in_a_cluster_is_refused(make_lab, tmp_path):
    lab = make_lab(preset='prepared')
    steps = run_steps(lab, tmp_path, [
        vm_role('present', ignore_errors=True, name='instance-00000001', priority='high'),
        vm_role('absent', ignore_errors=True, name='instance-00000001', state='absent'),
    ])
    for name in ('present', 'absent'):
        step = steps[name]
        result = step.result()
        assert result['failed'] is True, step
        message = result['msg']
        assert message.startswith('VM instance-00000001: host hv1 is not an active member of a failover cluster'), message
        assert 'cannot manage clustered VM roles' in message
        assert 'Run the task on a node of the cluster' in message
        assert step.modes == ['read'], step
        assert step.state_unchanged, step
    assert steps.raw_after == steps.raw_before


def test_smb_storage_is_shared_and_one_local_disk_is_enough_to_refuse(make_lab, tmp_path):
    lab = make_lab(**STANDARD)
    # The presets only build CSV and local VMs: move VM5 to an SMB share, and give VM6 one extra disk on D:.
    with LabState.open(lab.dir) as state:
        for record in state.vms.values():
            if record['name'] == VM5:
                record['path'] = '\\\\fs01.corp.example.com\\vms\\%s' % VM5
                record['vhds'] = ['%s\\Virtual Hard Disks\\%s.vhdx' % (record['path'], VM5)]
            elif record['name'] == VM6:
                record['vhds'].append('D:\\scratch\\%s-data.vhdx' % VM6)
    assert lab.show()['vms'][VM5]['storage'] == 'smb'
    steps = run_steps(lab, tmp_path, [
        vm_role('vm on smb', name=VM5),
        vm_role('vm with one local disk', ignore_errors=True, name=VM6),
    ])
    smb = steps['vm on smb']
    assert smb.result()['changed'] is True and smb.result()['vm_role']['owner_node'] == 'hv2'
    assert groups(smb.show_after)[VM5]['owner'] == 'hv2'
    mixed = steps['vm with one local disk']
    message = mixed.result()['msg']
    assert message.startswith('VM %s: its files are not on shared storage' % VM6), message
    # Only the local file is named; the files on the CSV are fine.
    assert 'D:\\scratch\\%s-data.vhdx' % VM6 in message
    assert 'C:\\ClusterStorage\\Volume2\\%s' % VM6 not in message.split('. Move')[0]
    assert mixed.state_unchanged and mixed.modes == ['read']


# --- a node goes down ------------------------------------------------------------------------------------------------

def test_with_a_node_down(make_lab, tmp_path):
    """hv3 loses power: its clustered role fails over, its own VMs cannot be found, and tasks on it are unreachable."""
    lab = make_lab(**STANDARD)
    lab.fault('node-down', 'hv3')
    shown = lab.show()
    new_owner = groups(shown)['instance-00000003']['owner']
    assert new_owner in ('hv1', 'hv2')
    assert shown['vms']['instance-00000003'] == dict(shown['vms']['instance-00000003'], host=new_owner,
                                                     state='Running')
    assert shown['vms'][VM6]['host'] == 'hv3' and shown['vms'][VM6]['state'] == 'Off'

    steps = run_steps(lab, tmp_path, [
        vm_role('failed-over vm', name='instance-00000003', priority='high'),
        vm_role('rerun failed-over vm', name='instance-00000003', priority='high'),
        vm_role('vm on the down node', ignore_errors=True, name=VM6),
        vm_role('uncluster failed-over vm', name='instance-00000003', state='absent'),
    ], hosts='hv1:hv3')

    # On the powered-off node the task is unreachable, not failed, and nothing ran there.
    first = steps['failed-over vm']
    assert first.result('hv3').get('unreachable') is True, first
    assert not first.result('hv3').get('failed'), first
    assert steps.run.stats['hv3']['unreachable'] == 1 and steps.run.stats['hv3']['failures'] == 0
    assert 'hv3' not in lab.execution_counts()

    # From hv1 the failed-over role is managed where it now runs.
    assert first.result('hv1')['changed'] is True
    assert first.result('hv1')['vm_role']['owner_node'] == new_owner
    assert groups(first.show_after)['instance-00000003'] == dict(
        groups(first.show_before)['instance-00000003'], priority=3000)
    assert first.nodes == ['hv1'] and first.modes == ['read', 'write']
    rerun = steps['rerun failed-over vm']
    assert rerun.result('hv1')['changed'] is False and rerun.modes == ['read']

    # A VM that only exists on the down node cannot be found; the message says which node could not be searched.
    missing = steps['vm on the down node']
    message = missing.result('hv1')['msg']
    assert missing.result('hv1')['failed'] is True
    assert message.startswith('VM instance-00000006: no virtual machine of that name exists'), message
    assert 'could not search: hv3' in message, message
    assert missing.state_unchanged and missing.modes == ['read']

    # Unclustering the failed-over VM leaves it running on the node it failed over to.
    gone = steps['uncluster failed-over vm']
    assert gone.result('hv1')['changed'] is True
    assert 'instance-00000003' not in groups(gone.show_after)
    assert gone.show_after['vms']['instance-00000003']['host'] == new_owner
    assert gone.show_after['vms']['instance-00000003']['state'] == 'Running'


# --- defects found and fixed: regression tests ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def defects(module_lab, tmp_path_factory):
    lab = module_lab('defects', **STANDARD)
    return run_steps(lab, tmp_path_factory.mktemp('defects-play'), [
        vm_role('wildcard name', ignore_errors=True, name='instance-0000000[12]', priority='high'),
        vm_role('duplicate owners', ignore_errors=True, name=VM4, preferred_owners=['hv1', 'HV1', 'hv2']),
        vm_role('duplicate owners again', ignore_errors=True, name=VM4, preferred_owners=['hv1', 'HV1', 'hv2']),
    ])


def test_a_name_with_wildcard_characters_changes_no_other_role(defects):
    step = defects['wildcard name']
    assert step.state_unchanged, (groups(step.show_before), groups(step.show_after))
    assert step.writes == []
    assert step.result()['failed'] is True


def test_duplicate_preferred_owners_converge_or_are_refused(defects):
    first, second = defects['duplicate owners'], defects['duplicate owners again']
    if first.result().get('failed'):
        assert 'hv1' in first.result()['msg'] and first.state_unchanged and first.writes == []
    else:
        assert second.result()['changed'] is False, second
        assert second.modes == ['read'], second
