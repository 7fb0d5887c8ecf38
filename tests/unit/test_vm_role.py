"""vm_role against a simulated lab: the plugin's batches run through hvsim.runner.run_batch on node hv1.

The ``lab`` fixture is a 3-node cluster hvc1 with instance-00000001..6 on CSVs (1-3 clustered; VM n runs on
hv((n-1) % 3 + 1)) and local-0001 on a local disk of hv1.
"""

import pytest

from ansible.errors import AnsibleActionFail

from harness import SimExecutor, edit_lab, run_action

GROUP_SELECT = ['Name', 'OwnerNode', 'State', 'Priority', 'GroupType', 'Id']


def vm_role(lab, args, check_mode=False, diff=False, before_write=None, node='hv1'):
    executor = SimExecutor(lab.dir, node, before_write=before_write)
    result = run_action('vm_role', args, executor, check_mode=check_mode, diff=diff, host=node)
    return result, executor


def group(lab, name):
    return lab.raw_state()['clusters']['hvc1']['groups'].get(name)


def vm(lab, name):
    return next(v for v in lab.raw_state()['vms'].values() if v['name'] == name)


def lab_modes(lab):
    return [entry['mode'] for entry in lab.executions()]


# --- present --------------------------------------------------------------------------------------------------

def test_present_clusters_an_unclustered_vm(lab):
    vm_before = vm(lab, 'instance-00000005')
    result, executor = vm_role(lab, {'name': 'instance-00000005', 'priority': 'high',
                                     'preferred_owners': ['HV3', 'hv2']})
    assert 'failed' not in result, result
    assert result['changed'] is True
    assert result['vm_role'] == {'name': 'instance-00000005', 'cluster': 'hvc1', 'clustered': True,
                                 'owner_node': 'hv2', 'priority': 3000, 'priority_name': 'high',
                                 'preferred_owners': ['hv3', 'hv2']}
    assert executor.modes == ['read', 'write']
    assert lab_modes(lab) == ['read', 'write']

    write = executor.calls[1]
    assert write.steps[0] == {'op': 'call', 'id': 'add', 'cmdlet': 'Add-ClusterVirtualMachineRole',
                              'parameters': {'VMId': vm_before['id']}, 'select': GROUP_SELECT}
    # Priority is set on the object Add-ClusterVirtualMachineRole returned, in the same batch.
    assert write.steps[1] == {'op': 'set', 'id': 'priority', 'target': 'add', 'properties': {'Priority': 3000},
                              'select': None}
    assert write.steps[2] == {'op': 'call', 'id': 'owners', 'cmdlet': 'Set-ClusterOwnerNode',
                              'parameters': {'Group': 'instance-00000005', 'Owners': ['hv3', 'hv2']},
                              'select': None}
    assert [(step['id'], step['cmdlet']) for step in write.steps[3:]] == [
        ('final_group', 'Get-ClusterGroup'), ('final_owners', 'Get-ClusterOwnerNode')]

    made = group(lab, 'instance-00000005')
    assert (made['type'], made['vm_id'], made['owner'], made['priority'], made['preferred_owners']) == (
        'VirtualMachine', vm_before['id'], 'hv2', 3000, ['hv3', 'hv2'])
    # The VM itself is untouched.
    assert vm(lab, 'instance-00000005') == vm_before


def test_present_without_options_only_adds_the_role(lab):
    result, executor = vm_role(lab, {'name': 'instance-00000004'})
    assert result['changed'] is True
    assert executor.writes[0].cmdlets == ['Add-ClusterVirtualMachineRole', 'Get-ClusterGroup', 'Get-ClusterOwnerNode']
    assert [step['op'] for step in executor.writes[0].steps] == ['call'] * 3
    assert result['vm_role']['priority'] == 2000
    assert result['vm_role']['priority_name'] == 'medium'
    assert result['vm_role']['preferred_owners'] == []
    assert group(lab, 'instance-00000004')['priority'] == 2000


def test_present_with_the_default_priority_sets_nothing(lab):
    _result, executor = vm_role(lab, {'name': 'instance-00000004', 'priority': 'medium'})
    assert [step['op'] for step in executor.writes[0].steps] == ['call'] * 3


def test_present_changes_the_priority_of_an_existing_role(lab):
    result, executor = vm_role(lab, {'name': 'instance-00000001', 'priority': 'no_auto_start'})
    assert result['changed'] is True
    write = executor.writes[0]
    assert write.steps[:2] == [
        {'op': 'call', 'id': 'group', 'cmdlet': 'Get-ClusterGroup', 'parameters': {'Name': 'instance-00000001'},
         'select': None},
        {'op': 'set', 'id': 'priority', 'target': 'group', 'properties': {'Priority': 0}, 'select': None}]
    assert 'Add-ClusterVirtualMachineRole' not in write.cmdlets
    assert 'Set-ClusterOwnerNode' not in write.cmdlets
    assert group(lab, 'instance-00000001')['priority'] == 0
    assert result['vm_role']['priority_name'] == 'no_auto_start'


def test_present_changes_the_owners_of_an_existing_role(lab):
    result, executor = vm_role(lab, {'name': 'instance-00000002', 'preferred_owners': ['hv1']})
    assert result['changed'] is True
    assert executor.writes[0].cmdlets == ['Set-ClusterOwnerNode', 'Get-ClusterGroup', 'Get-ClusterOwnerNode']
    assert group(lab, 'instance-00000002')['preferred_owners'] == ['hv1']
    assert result['vm_role']['preferred_owners'] == ['hv1']


def test_owner_order_is_a_change(lab):
    edit_lab(lab.dir, lambda data: data['clusters']['hvc1']['groups']['instance-00000001'].update(
        preferred_owners=['hv1', 'hv2']))
    result, _executor = vm_role(lab, {'name': 'instance-00000001', 'preferred_owners': ['hv2', 'hv1']})
    assert result['changed'] is True
    assert group(lab, 'instance-00000001')['preferred_owners'] == ['hv2', 'hv1']


def test_no_change_is_exactly_one_read(lab):
    edit_lab(lab.dir, lambda data: data['clusters']['hvc1']['groups']['instance-00000001'].update(
        preferred_owners=['hv1', 'hv3'], priority=3000))
    before = lab.raw_state()
    # Node names differ only in case: no change.
    result, executor = vm_role(lab, {'name': 'INSTANCE-00000001', 'priority': 'high',
                                     'preferred_owners': ['HV1', 'Hv3']}, diff=True)
    assert 'failed' not in result, result
    assert result['changed'] is False
    assert executor.modes == ['read']
    assert lab_modes(lab) == ['read']
    assert lab.raw_state() == before
    assert result['diff']['before'] == result['diff']['after'] == {
        'clustered': True, 'owner_node': 'hv1', 'priority': 3000, 'preferred_owners': ['hv1', 'hv3']}


def test_second_run_is_no_change(lab):
    args = {'name': 'instance-00000006', 'priority': 'low', 'preferred_owners': ['hv3']}
    first, _executor = vm_role(lab, args)
    second, executor = vm_role(lab, args)
    assert first['changed'] is True
    assert second['changed'] is False
    assert executor.modes == ['read']
    assert second['vm_role'] == first['vm_role']


def test_vm_on_an_smb_share_can_be_clustered(lab):
    def to_smb(data):
        machine = next(v for v in data['vms'].values() if v['name'] == 'instance-00000004')
        machine['path'] = '\\\\fs01.corp.example.com\\vms\\instance-00000004'
        machine['vhds'] = [machine['path'] + '\\disk.vhdx']
    edit_lab(lab.dir, to_smb)
    result, _executor = vm_role(lab, {'name': 'instance-00000004'})
    assert 'failed' not in result, result
    assert result['vm_role']['clustered'] is True


# --- absent ---------------------------------------------------------------------------------------------------

def test_absent_removes_the_role_and_keeps_the_vm(lab):
    vm_before = vm(lab, 'instance-00000002')
    result, executor = vm_role(lab, {'name': 'instance-00000002', 'state': 'absent'}, diff=True)
    assert result['changed'] is True
    assert executor.modes == ['read', 'write']
    assert executor.writes[0].steps == [{'op': 'call', 'id': 'remove', 'cmdlet': 'Remove-ClusterGroup',
                                         'parameters': {'Name': 'instance-00000002', 'RemoveResources': True,
                                                        'Force': True}, 'select': None}]
    assert group(lab, 'instance-00000002') is None
    assert vm(lab, 'instance-00000002') == vm_before
    assert vm_before['state'] == 'Running'
    assert result['vm_role'] == {'name': 'instance-00000002', 'cluster': 'hvc1', 'clustered': False,
                                 'owner_node': None, 'priority': None, 'priority_name': None,
                                 'preferred_owners': []}
    assert result['diff'] == {
        'before': {'clustered': True, 'owner_node': 'hv2', 'priority': 2000, 'preferred_owners': []},
        'after': {'clustered': False, 'owner_node': None, 'priority': None, 'preferred_owners': []}}


def test_absent_on_an_unclustered_vm_is_no_change(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004', 'state': 'absent'})
    assert result['changed'] is False
    assert executor.modes == ['read']
    assert lab.raw_state() == before
    assert result['vm_role']['clustered'] is False


def test_absent_on_a_vm_that_does_not_exist_is_no_change(lab):
    result, executor = vm_role(lab, {'name': 'no-such-vm', 'state': 'absent'})
    assert 'failed' not in result
    assert result['changed'] is False
    assert executor.modes == ['read']


# --- check mode and diff ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('args', [
    {'name': 'instance-00000005', 'priority': 'high', 'preferred_owners': ['HV3', 'hv2']},
    {'name': 'instance-00000004'},
    {'name': 'instance-00000004', 'priority': 'no_auto_start'},
    {'name': 'instance-00000001', 'priority': 'low'},
    {'name': 'instance-00000002', 'preferred_owners': ['hv3', 'HV1']},
    {'name': 'instance-00000003', 'state': 'absent'},
    {'name': 'instance-00000003'},
])
def test_check_mode_predicts_the_real_run(make_lab, args):
    lab = make_lab(nodes=3, vms=6, clustered_vms=3, local_vms=1)
    before = lab.raw_state()
    predicted, executor = vm_role(lab, args, check_mode=True, diff=True)
    assert executor.modes == ['read']
    assert executor.writes == []
    assert lab_modes(lab) == ['read']
    assert lab.raw_state() == before

    real, _executor = vm_role(lab, args, diff=True)
    assert predicted['changed'] == real['changed']
    assert predicted['vm_role'] == real['vm_role']
    assert predicted['diff'] == real['diff']


def test_diff_only_when_asked(lab):
    result, _executor = vm_role(lab, {'name': 'instance-00000001', 'priority': 'high'})
    assert 'diff' not in result
    result, _executor = vm_role(lab, {'name': 'instance-00000001', 'priority': 'low'}, diff=True)
    assert result['diff'] == {
        'before': {'clustered': True, 'owner_node': 'hv1', 'priority': 3000, 'preferred_owners': []},
        'after': {'clustered': True, 'owner_node': 'hv1', 'priority': 1000, 'preferred_owners': []}}


# --- errors: each names the object, the cause and a fix, and nothing is written ---------------------------------

def assert_refused(lab, result, executor, before, *fragments):
    assert result['failed'] is True, result
    for fragment in fragments:
        assert fragment in result['msg'], (fragment, result['msg'])
    assert executor.writes == []
    assert 'write' not in lab_modes(lab)
    assert lab.raw_state() == before
    assert 'changed' not in result or result['changed'] is False


def test_unknown_vm(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'no-such-vm'})
    assert_refused(lab, result, executor, before)
    assert result['msg'] == ('VM no-such-vm: no virtual machine of that name exists on any node of cluster hvc1. '
                             'Check the name (Get-VM on the nodes), or create the VM first.')
    assert executor.modes == ['read']


def test_unknown_vm_names_the_nodes_that_could_not_be_searched(make_lab):
    lab = make_lab(nodes=3)
    edit_lab(lab.dir, lambda data: data['nodes']['hv3']['features']['Hyper-V'].update(installed=False))
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'no-such-vm'})
    assert_refused(lab, result, executor, before, 'VM no-such-vm: no virtual machine of that name exists on any node '
                   'of cluster hvc1 that could be searched (could not search: hv3)', 'Check the name')


def test_vm_with_local_storage(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'local-0001', 'priority': 'high'})
    assert_refused(lab, result, executor, before,
                   'VM local-0001: ',
                   'its files are not on shared storage',
                   'D:\\Hyper-V\\local-0001, D:\\Hyper-V\\local-0001\\Virtual Hard Disks\\local-0001.vhdx',
                   'Move its storage to a Cluster Shared Volume (C:\\ClusterStorage\\Volume1, '
                   'C:\\ClusterStorage\\Volume2) or an SMB share first', 'Move-VMStorage')


def test_vm_with_one_local_disk(lab):
    def add_local_disk(data):
        machine = next(v for v in data['vms'].values() if v['name'] == 'instance-00000004')
        machine['vhds'].append('E:\\scratch\\instance-00000004-data.vhdx')
    edit_lab(lab.dir, add_local_disk)
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004'})
    assert_refused(lab, result, executor, before, 'VM instance-00000004: ',
                   'not on shared storage, so no other node could run it: E:\\scratch\\instance-00000004-data.vhdx.',
                   'Move-VMStorage')
    assert 'Volume1\\instance-00000004' not in result['msg'].split('. Move')[0]


def test_node_not_in_a_cluster(make_lab):
    lab = make_lab(nodes=2, preset='prepared')
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000001'})
    assert_refused(lab, result, executor, before,
                   'VM instance-00000001: host hv1 is not an active member of a failover cluster, so it cannot manage '
                   'clustered VM roles (The cluster service is not running.',
                   'Run the task on a node of the cluster', 'hyperv.cluster.failover_cluster')
    assert executor.modes == ['read']


def test_node_without_the_clustering_module(lab):
    edit_lab(lab.dir, lambda data: data['nodes']['hv1']['features']['RSAT-Clustering-PowerShell'].update(
        installed=False))
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004'})
    assert_refused(lab, result, executor, before, 'host hv1: ', "the cmdlet 'Get-Cluster' is not available",
                   'Install the Failover-Clustering feature with RSAT-Clustering-PowerShell on the host')


def test_preferred_owner_not_a_node(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004', 'preferred_owners': ['hv1', 'hv7', 'dc01']})
    assert_refused(lab, result, executor, before)
    assert result['msg'] == ('VM instance-00000004: preferred owner(s) hv7, dc01 are not nodes of cluster hvc1. '
                             'Use node names from: hv1, hv2, hv3.')


def test_empty_preferred_owners(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004', 'preferred_owners': []})
    assert_refused(lab, result, executor, before,
                   'VM instance-00000004: preferred_owners is an empty list, and Set-ClusterOwnerNode cannot set an '
                   'empty owner list.', 'Omit preferred_owners')
    # Refused from the arguments alone: not even a read.
    assert executor.calls == []


@pytest.mark.parametrize('extra', [{'priority': 'high'}, {'preferred_owners': ['hv1']},
                                   {'priority': 'low', 'preferred_owners': ['hv1']}])
def test_present_only_options_with_state_absent(lab, extra):
    before = lab.raw_state()
    result, executor = vm_role(lab, dict({'name': 'instance-00000001', 'state': 'absent'}, **extra))
    assert_refused(lab, result, executor, before,
                   'VM instance-00000001: priority and preferred_owners only apply with state=present.',
                   'Remove them from the task, or set state=present.')
    assert executor.calls == []


def test_role_with_the_same_name_that_is_not_a_vm(lab):
    def add_file_server(data):
        data['clusters']['hvc1']['groups']['instance-00000004'] = {
            'name': 'instance-00000004', 'id': '11111111-2222-3333-4444-555555555555', 'type': 'FileServer',
            'owner': 'hv2', 'priority': 2000, 'preferred_owners': [], 'resources': ['File Server']}
    edit_lab(lab.dir, add_file_server)
    before = lab.raw_state()
    for state in ('present', 'absent'):
        result, executor = vm_role(lab, {'name': 'instance-00000004', 'state': state})
        assert_refused(lab, result, executor, before,
                       "VM instance-00000004: cluster hvc1 already has a role named 'instance-00000004', and it is a "
                       "FileServer role, not a virtual machine.", 'Rename the VM or the existing role')


def test_core_group_name_is_not_a_vm(lab):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'cluster group', 'state': 'absent'})
    assert_refused(lab, result, executor, before, "role named 'Cluster Group', and it is a Cluster role")


def test_two_vms_with_the_same_name(lab):
    def duplicate(data):
        machine = next(v for v in data['vms'].values() if v['name'] == 'instance-00000004')
        twin = dict(machine, id='99999999-0000-0000-0000-000000000004', host='hv3')
        data['vms'][twin['id']] = twin
    edit_lab(lab.dir, duplicate)
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': 'instance-00000004'})
    assert_refused(lab, result, executor, before, 'VM instance-00000004: several virtual machines have that name '
                   '(on HV1, HV3)', 'Rename all but one')


def test_invalid_priority_fails_validation(lab):
    executor = SimExecutor(lab.dir)
    with pytest.raises(AnsibleActionFail, match='priority must be one of'):
        run_action('vm_role', {'name': 'instance-00000001', 'priority': 'urgent'}, executor)
    assert executor.calls == []


def test_write_failure_mid_batch_names_what_was_done(lab):
    def evict_hv3(lab_dir):
        # Between the module's read and its write someone evicts hv3 from the cluster.
        edit_lab(lab_dir, lambda data: data['clusters']['hvc1']['nodes'].pop('hv3'))

    result, executor = vm_role(lab, {'name': 'instance-00000005', 'priority': 'high',
                                     'preferred_owners': ['hv3', 'hv2']}, before_write=evict_hv3)
    assert executor.modes == ['read', 'write']
    assert result['failed'] is True
    message = result['msg']
    assert message.startswith('VM instance-00000005: clustering the VM failed at Set-ClusterOwnerNode: '
                              "An error occurred opening cluster node 'hv3'")
    assert '(already done: Add-ClusterVirtualMachineRole, set priority)' in message
    assert message.endswith('Fix the cause and rerun the task; it continues from the current state.')
    # The role was made: the task changed the cluster even though it failed.
    assert result['changed'] is True
    # What was done stays done; the rest of the batch was skipped.
    made = group(lab, 'instance-00000005')
    assert (made['priority'], made['preferred_owners']) == (3000, [])
    response = executor.responses[1]['result']['calls']
    assert [step['status'] for step in response] == ['ok', 'ok', 'error', 'skipped', 'skipped']


def test_write_failure_before_any_change_is_not_a_change(lab):
    def remove_role(lab_dir):
        # Between the module's read and its write someone removes the role.
        edit_lab(lab_dir, lambda data: data['clusters']['hvc1']['groups'].pop('instance-00000001'))

    result, executor = vm_role(lab, {'name': 'instance-00000001', 'priority': 'high'}, before_write=remove_role)
    assert executor.modes == ['read', 'write']
    assert result['failed'] is True
    assert result['msg'].startswith('VM instance-00000001: clustering the VM failed at Get-ClusterGroup: An error '
                                    "occurred opening cluster group 'instance-00000001'")
    # Only a Get- step ran before the failure: nothing was done, and the message does not claim otherwise.
    assert 'already done' not in result['msg']
    assert result['changed'] is False


def test_duplicate_preferred_owners_are_idempotent(lab):
    args = {'name': 'instance-00000001', 'preferred_owners': ['hv2', 'HV2', 'hv3', 'hv2']}
    predicted, _executor = vm_role(lab, args, check_mode=True)
    first, executor = vm_role(lab, args)
    assert executor.writes[0].step('owners')['parameters']['Owners'] == ['hv2', 'hv3']
    second, executor = vm_role(lab, args)
    assert predicted['vm_role'] == first['vm_role']
    assert first['vm_role']['preferred_owners'] == ['hv2', 'hv3']
    assert second['changed'] is False
    assert executor.modes == ['read']


# vm_role passes the name as -Name to Get-ClusterGroup and Get-VM, which treat * ? [ ] as wildcards: such names are
# refused before anything runs (they used to select other roles and VMs, or crash on an empty answer).

@pytest.mark.parametrize('name', ['instance-0000000[4]', 'instance-0000000?', '*', 'vm]', 'a[', 'instance-*'])
@pytest.mark.parametrize('state', ['present', 'absent'])
def test_wildcard_names_are_refused_before_anything_runs(lab, name, state):
    before = lab.raw_state()
    result, executor = vm_role(lab, {'name': name, 'state': state})
    assert_refused(lab, result, executor, before)
    assert result['msg'] == ('VM %s: the name contains a wildcard character (* ? [ ]), and Get-VM and the cluster '
                             'cmdlets would match other VMs with it. Rename the VM so that its name has none of these '
                             'characters.' % name)
    assert executor.calls == []


# --- product bugs found by these tests, fixed: regression tests --------------------------------

def test_vm_stored_at_the_root_of_a_csv_can_be_clustered(lab):
    def to_volume_root(data):
        machine = next(v for v in data['vms'].values() if v['name'] == 'instance-00000004')
        machine['path'] = 'C:\\ClusterStorage\\Volume2'
        machine['vhds'] = ['C:\\ClusterStorage\\Volume2\\Virtual Hard Disks\\instance-00000004.vhdx']
    edit_lab(lab.dir, to_volume_root)
    result, _executor = vm_role(lab, {'name': 'instance-00000004'})
    assert 'failed' not in result, result['msg']
    assert result['vm_role']['clustered'] is True
