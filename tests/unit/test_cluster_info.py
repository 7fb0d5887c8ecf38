"""cluster_info against a simulated lab: the plugin's batch runs through hvsim.runner.run_batch on node hv1."""

import pytest

from ansible.errors import AnsibleActionFail

from harness import SimExecutor, edit_lab, run_action

ALL_CMDLETS = ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterQuorum', 'Get-ClusterSharedVolume',
               'Get-ClusterNetwork', 'Get-ClusterGroup']
SUBSET_CMDLETS = {
    'nodes': 'Get-ClusterNode',
    'quorum': 'Get-ClusterQuorum',
    'csvs': 'Get-ClusterSharedVolume',
    'networks': 'Get-ClusterNetwork',
    'vm_groups': 'Get-ClusterGroup',
}


def info(lab, args=None, check_mode=False):
    executor = SimExecutor(lab.dir)
    result = run_action('cluster_info', args or {}, executor, check_mode=check_mode)
    return result, executor


def test_default_reads_everything_in_one_execution(lab):
    before = lab.raw_state()
    result, executor = info(lab)
    assert 'failed' not in result, result
    assert executor.modes == ['read']
    assert executor.calls[0].cmdlets == ALL_CMDLETS
    assert [entry['mode'] for entry in lab.executions()] == ['read']
    assert lab.raw_state() == before
    assert result['changed'] is False
    assert result['clustered'] is True
    assert set(result) >= {'cluster', 'nodes', 'quorum', 'csvs', 'networks', 'vm_groups'}
    assert [group['name'] for group in result['vm_groups']] == [
        'instance-00000001', 'instance-00000002', 'instance-00000003']


@pytest.mark.parametrize('subset', sorted(SUBSET_CMDLETS))
def test_one_subset_reads_and_reports_only_it(lab, subset):
    result, executor = info(lab, {'gather_subset': [subset]})
    assert executor.calls[0].cmdlets == ['Get-Cluster', SUBSET_CMDLETS[subset]]
    assert subset in result
    assert result[subset]
    assert not (set(SUBSET_CMDLETS) - {subset}) & set(result)
    assert result['cluster']['name'] == 'hvc1'


def test_several_subsets_keep_a_fixed_order(lab):
    result, executor = info(lab, {'gather_subset': ['vm_groups', 'nodes']})
    assert executor.calls[0].cmdlets == ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterGroup']
    assert set(result) & set(SUBSET_CMDLETS) == {'nodes', 'vm_groups'}


def test_all_with_others_is_all(lab):
    _result, executor = info(lab, {'gather_subset': ['nodes', 'all']})
    assert executor.calls[0].cmdlets == ALL_CMDLETS


def test_unknown_subset_fails_before_any_execution(lab):
    # Argument validation raises AnsibleActionFail, which Ansible reports as the task's failure.
    executor = SimExecutor(lab.dir)
    with pytest.raises(AnsibleActionFail, match='gather_subset .*Got no match for: disks'):
        run_action('cluster_info', {'gather_subset': ['disks']}, executor)
    assert executor.calls == []
    assert lab.executions() == []


def test_vm_filters_on_the_live_lab(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    result, _executor = info(lab, {'gather_subset': ['vm_groups'], 'vms': ['INSTANCE-0000000[1-5]'],
                                   'owner_nodes': ['HV2']})
    assert [(group['name'], group['owner_node']) for group in result['vm_groups']] == [
        ('instance-00000002', 'hv2'), ('instance-00000005', 'hv2')]


def test_vm_groups_report_priority_names(make_lab):
    lab = make_lab(nodes=2, vms=4, clustered_vms=4)

    def priorities(data):
        groups = data['clusters']['hvc1']['groups']
        for number, priority in zip(range(1, 5), (3000, 1000, 0, 2000)):
            groups['instance-%08x' % number]['priority'] = priority
    edit_lab(lab.dir, priorities)
    result, _executor = info(lab, {'gather_subset': ['vm_groups']})
    assert [(group['priority'], group['priority_name']) for group in result['vm_groups']] == [
        (3000, 'high'), (1000, 'low'), (0, 'no_auto_start'), (2000, 'medium')]


def test_csv_usage_counts_the_vms_on_it(make_lab):
    lab = make_lab(nodes=2, vms=4)
    result, _executor = info(lab, {'gather_subset': ['csvs']})
    gib = 1024 ** 3
    # 2 GiB of metadata per volume plus 4 GiB per VM; VMs 1-2 on Volume1, 3-4 on Volume2.
    assert [(csv['path'], csv['used_bytes']) for csv in result['csvs']] == [
        ('C:\\ClusterStorage\\Volume1', 10 * gib), ('C:\\ClusterStorage\\Volume2', 10 * gib)]


def test_node_states(make_lab):
    lab = make_lab(nodes=3)

    def pause(data):
        data['clusters']['hvc1']['nodes']['hv2'].update(state='Paused', drain_status='Completed')
    edit_lab(lab.dir, pause)
    result, _executor = info(lab, {'gather_subset': ['nodes']})
    assert [(node['name'], node['state'], node['drain_status']) for node in result['nodes']] == [
        ('hv1', 'Up', 'NotInitiated'), ('hv2', 'Paused', 'Completed'), ('hv3', 'Up', 'NotInitiated')]


def test_not_clustered_node(make_lab):
    lab = make_lab(nodes=2, preset='prepared')
    result, executor = info(lab)
    assert 'failed' not in result
    assert executor.modes == ['read']
    assert result['clustered'] is False
    assert result['cluster'] is None
    assert result['quorum'] is None
    assert [result[key] for key in ('nodes', 'csvs', 'networks', 'vm_groups')] == [[], [], [], []]


def test_check_mode_reads_the_same(lab):
    normal, _executor = info(lab)
    checked, executor = info(lab, check_mode=True)
    assert executor.modes == ['read']
    assert checked == normal


@pytest.mark.parametrize('witness, mode, witness_type', [
    (None, 'node_majority', 'none'),
    ({'kind': 'disk', 'resource': 'Cluster Disk 3'}, 'node_and_disk_majority', 'disk'),
    ({'kind': 'file_share', 'share_path': '\\\\fs01\\w'}, 'node_and_file_share_majority', 'file_share'),
    ({'kind': 'cloud'}, 'node_and_cloud_majority', 'cloud'),
])
def test_quorum_witness_kinds_on_the_live_lab(make_lab, witness, mode, witness_type):
    lab = make_lab(nodes=2)
    edit_lab(lab.dir, lambda data: data['clusters']['hvc1']['quorum'].update(type='Majority', witness=witness))
    result, _executor = info(lab, {'gather_subset': ['quorum']})
    assert (result['quorum']['mode'], result['quorum']['witness_type']) == (mode, witness_type)


class CsvReadFails(SimExecutor):
    """The lab answers, except that Get-ClusterSharedVolume reports an error (a CSV in a bad state)."""

    def respond(self, call):
        response = super().respond(call)
        for step in response['result']['calls']:
            if step['id'] == 'csvs':
                step.update(status='error', output=[], errors=[{
                    'message': 'The cluster resource could not be found.\r\n', 'category': 'ReadError',
                    'fully_qualified_error_id': 'Get-ClusterSharedVolume,Microsoft.FailoverClusters.PowerShell.'
                                                'GetClusterSharedVolumeCommand',
                    'target': None, 'exception_type': 'Microsoft.FailoverClusters.PowerShell.ClusterCmdletException'}])
        return response


def test_a_failed_subset_read_fails_the_task_with_the_windows_error(lab):
    executor = CsvReadFails(lab.dir)
    result = run_action('cluster_info', {}, executor)
    assert result['failed'] is True
    assert result['msg'] == ('cluster hvc1: reading csvs failed: Get-ClusterSharedVolume reported: The cluster '
                             'resource could not be found.')
    assert executor.modes == ['read']


def test_node_without_the_clustering_module_is_not_clustered(lab):
    edit_lab(lab.dir, lambda data: data['nodes']['hv1']['features']['RSAT-Clustering-PowerShell'].update(
        installed=False))
    result, executor = info(lab)
    assert 'failed' not in result, result
    assert executor.modes == ['read']
    assert result['clustered'] is False
    assert result['cluster'] is None
    assert result['quorum'] is None
    assert [result[key] for key in ('nodes', 'csvs', 'networks', 'vm_groups')] == [[], [], [], []]
