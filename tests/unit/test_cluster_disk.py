"""cluster_disk against a prepared lab clustered by the cluster module: add, name, CSV, rerun, every refusal."""

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.hyperv.cluster.plugins.action import cluster as cluster_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_disk as disk_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_quorum as quorum_action

from harness import SimExecutor, edit_lab, run_action


def run(lab, args, check_mode=False, node='hv1', plugin=disk_action):
    executor = SimExecutor(lab.dir, node=node)
    return run_action(plugin.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node), executor


@pytest.fixture
def hvc1(make_lab):
    lab = make_lab(nodes=3, preset='prepared')
    assert 'failed' not in run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3']}, plugin=cluster_action)[0]
    return lab


def test_add_name_and_csv_in_one_write_then_rerun(hvc1):
    result, executor = run(hvc1, {'name': 'CSV-A', 'number': 2})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets == ['Get-Disk', 'Add-ClusterDisk', 'Add-ClusterSharedVolume',
                                         'Get-ClusterResource', 'Get-ClusterSharedVolume']
    assert result['disk'] == {'name': 'CSV-A', 'exists': True, 'csv': True, 'state': 'Online',
                              'path': 'C:\\ClusterStorage\\Volume1', 'number': 2, 'size_bytes': 2 * 1024 ** 4}
    assert result['diff']['before']['exists'] is False
    assert hvc1.show()['clusters']['hvc1']['csvs']['CSV-A']['path'] == 'C:\\ClusterStorage\\Volume1'
    again, executor = run(hvc1, {'name': 'CSV-A', 'number': 2}, node='hv3')
    assert again['changed'] is False and executor.modes == ['read']
    # Another CSV gets the next folder.
    second, _executor = run(hvc1, {'name': 'CSV-B', 'size_gb': 2048})
    assert second['disk']['path'] == 'C:\\ClusterStorage\\Volume2' and second['disk']['number'] == 3


def test_a_disk_for_the_witness_then_made_a_csv_later(hvc1):
    witness, _executor = run(hvc1, {'name': 'Witness', 'size_gb': 1, 'csv': False})
    assert witness['disk'] == {'name': 'Witness', 'exists': True, 'csv': False, 'state': 'Online', 'path': None,
                               'number': 1, 'size_bytes': 1024 ** 3}
    assert 'Witness' in hvc1.show()['clusters']['hvc1']['disks']
    again, executor = run(hvc1, {'name': 'Witness', 'csv': False})
    assert again['changed'] is False and executor.modes == ['read']
    csv, _executor = run(hvc1, {'name': 'Witness', 'min_size_gb': 1})
    assert csv['changed'] is True and csv['disk']['csv'] is True


def test_the_disk_witness_cannot_become_a_csv(hvc1):
    run(hvc1, {'name': 'Witness', 'number': 1, 'csv': False})
    edit_lab(hvc1.dir, lambda data: data['clusters']['hvc1']['quorum'].update(
        witness={'kind': 'disk', 'resource': 'Witness'}))
    result, _executor = run(hvc1, {'name': 'Witness'})
    assert result['failed'] is True and 'the disk is in group Cluster Group' in result['msg'], result


def test_check_mode(hvc1):
    before = hvc1.raw_state()
    result, executor = run(hvc1, {'name': 'CSV-A', 'number': 2}, check_mode=True)
    assert result['changed'] is True and executor.modes == ['read'] and hvc1.raw_state() == before
    assert result['disk']['number'] == 2 and result['disk']['csv'] is True


@pytest.mark.parametrize('args, fragment', [
    ({'name': 'CSV-X'}, 'neither number, label nor size_gb says which disk to add'),
    ({'name': 'CSV-X', 'number': 9}, 'the node sees no disk 9'),
    ({'name': 'CSV-X', 'number': 4}, 'disk 4 is MBR, not GPT'),
    ({'name': 'CSV-X', 'number': 5}, 'disk 5 has 0.5 GB, less than the 10 GB asked for a Cluster Shared Volume'),
    ({'name': 'CSV-X', 'number': 0}, 'disk 0 is not available to cluster hvc1'),
    ({'name': 'CSV-X', 'size_gb': 2048}, '2 available disks of 2048 GB'),
    ({'name': 'CSV-X', 'size_gb': 77}, 'no available disks of 77 GB'),
    ({'name': 'CSV-X', 'label': 'MSFT Virtual HD Legacy'}, 'disk 4 is MBR, not GPT'),
])
def test_refusals_change_nothing(hvc1, args, fragment):
    before = hvc1.raw_state()
    result, executor = run(hvc1, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == ['read'] and hvc1.raw_state() == before


def test_a_disk_found_by_its_friendly_name_any_case(hvc1):
    result, executor = run(hvc1, {'name': 'CSV-B', 'label': 'msft virtual hd csv-b'})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert result['disk']['number'] == 3 and result['disk']['csv'] is True
    assert hvc1.show()['clusters']['hvc1']['csvs']['CSV-B']['path'] == 'C:\\ClusterStorage\\Volume1'
    again, executor = run(hvc1, {'name': 'CSV-B', 'label': 'MSFT Virtual HD CSV-B'})
    assert again['changed'] is False and executor.modes == ['read']


def test_label_with_number_is_refused_before_any_read(hvc1):
    before = hvc1.raw_state()
    with pytest.raises(AnsibleActionFail, match=r'mutually exclusive: number\|size_gb\|label'):
        run(hvc1, {'name': 'CSV-X', 'number': 2, 'label': 'MSFT Virtual HD CSV-A'})
    assert hvc1.raw_state() == before


def test_a_label_that_is_only_the_end_of_a_friendly_name_finds_nothing(hvc1):
    before = hvc1.raw_state()
    result, executor = run(hvc1, {'name': 'CSV-A', 'label': 'CSV-A'})
    assert result['failed'] is True, result
    assert "the node sees no disk with the FriendlyName 'CSV-A'" in result['msg']
    assert "did you mean 'MSFT Virtual HD CSV-A'?" in result['msg']
    # Every disk the node sees, to pick from: number, name and size.
    assert "0 'Dell BOSS-S1' (" in result['msg'] and "3 'MSFT Virtual HD CSV-B' (2048 GB)" in result['msg']
    assert executor.modes == ['read'] and hvc1.raw_state() == before


def test_a_label_two_disks_share_is_refused(hvc1):
    edit_lab(hvc1.dir, lambda data: data['shared_disks'][2].update(friendly_name='MSFT Virtual HD CSV-A'))
    before = hvc1.raw_state()
    result, executor = run(hvc1, {'name': 'CSV-A', 'label': 'MSFT Virtual HD CSV-A'})
    assert result['failed'] is True, result
    assert "disks 2, 3 all have the FriendlyName 'MSFT Virtual HD CSV-A'" in result['msg']
    assert 'Give number instead' in result['msg'] and "1 'MSFT Virtual HD Witness' (1 GB)" in result['msg']
    assert executor.modes == ['read'] and hvc1.raw_state() == before


def test_a_disk_already_clustered_under_another_name(hvc1):
    run(hvc1, {'name': 'CSV-A', 'number': 2})
    result, _executor = run(hvc1, {'name': 'Volume-2', 'number': 2})
    assert result['failed'] is True
    assert 'disk 2 is already clustered, under another name' in result['msg']
    assert 'CSVs: CSV-A' in result['msg']


def test_a_disk_not_every_node_sees(hvc1):
    edit_lab(hvc1.dir, lambda data: data['shared_disks'][2].update(nodes=['hv1', 'hv2']))
    result, _executor = run(hvc1, {'name': 'CSV-B', 'number': 3})
    assert result['failed'] is True and 'not every node sees it' in result['msg']


def test_a_csv_with_csv_false_is_refused(hvc1):
    run(hvc1, {'name': 'CSV-A', 'number': 2})
    result, _executor = run(hvc1, {'name': 'CSV-A', 'csv': False})
    assert result['failed'] is True and 'does not turn CSVs back into disks' in result['msg']


def test_quorum_module_reports_a_disk_witness(hvc1):
    run(hvc1, {'name': 'Witness', 'number': 1, 'csv': False})
    edit_lab(hvc1.dir, lambda data: data['clusters']['hvc1']['quorum'].update(
        witness={'kind': 'disk', 'resource': 'Witness'}))
    result, _executor = run(hvc1, {'witness': 'none'}, plugin=quorum_action, check_mode=True)
    assert result['diff']['before']['mode'] == 'node_and_disk_majority'
    assert result['changed'] is True


def test_a_disk_witness_from_cluster_disk_then_unchanged(hvc1):
    run(hvc1, {'name': 'Witness', 'number': 1, 'csv': False})
    result, _executor = run(hvc1, {'disk_resource': 'Witness'}, plugin=quorum_action)
    assert result['changed'] is True
    assert result['quorum']['mode'] == 'node_and_disk_majority' and result['quorum']['witness_resource'] == 'Witness'
    assert hvc1.show()['clusters']['hvc1']['quorum']['witness'] == {'kind': 'disk', 'resource': 'Witness'}
    again, executor = run(hvc1, {'witness': 'disk', 'disk_resource': 'witness'}, plugin=quorum_action)
    assert again['changed'] is False and executor.modes == ['read']
    missing, _executor = run(hvc1, {'disk_resource': 'Cluster Disk 9'}, plugin=quorum_action)
    assert missing['failed'] is True and 'The cluster resource could not be found' in missing['msg']
    both, _executor = run(hvc1, {'disk_resource': 'Witness', 'file_share_path': '\\\\fs01\\w'}, plugin=quorum_action)
    assert both['failed'] is True and 'file_share_path and disk_resource are given' in both['msg']
