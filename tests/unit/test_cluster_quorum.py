"""cluster_quorum against simulated labs: every witness kind, comparison as WS2016+ reports it, refusals; and its
comparison on what Windows answered (the recorded Get-ClusterQuorum outputs in test_data/quorum_*.json)."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster as cluster_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_disk as disk_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_quorum as quorum_action
from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import StepResult

from harness import SimExecutor, edit_lab, load_recording, run_action

SHARE = '\\\\fs01.corp.example.com\\witness\\hvc1'
KEY = 'c2VjcmV0LWtleQ=='


def run(lab, args, check_mode=False, node='hv1', plugin=quorum_action):
    executor = SimExecutor(lab.dir, node=node)
    return (run_action(plugin.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node),
            executor)


def witness(lab):
    return lab.show()['clusters']['hvc1']['quorum']['witness']


@pytest.fixture
def three(make_lab):
    return make_lab(nodes=3)        # node majority


def test_file_share_witness_set_then_unchanged(three):
    result, executor = run(three, {'file_share_path': SHARE})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert result['changed'] is True
    assert result['quorum'] == {'mode': 'node_and_file_share_majority', 'witness_type': 'file_share',
                                'witness_resource': 'File Share Witness', 'share_path': SHARE, 'account_name': None}
    assert result['diff']['before']['mode'] == 'node_majority'
    assert 'warnings' not in result       # an odd node count given a witness: it is used, nothing to warn of
    assert witness(three) == {'kind': 'file_share', 'share_path': SHARE}
    # The same path in another case, with a trailing backslash: the same witness.
    again, executor = run(three, {'witness': 'file_share', 'file_share_path': SHARE.upper() + '\\'}, node='hv3')
    assert again['changed'] is False and executor.modes == ['read']


def test_moving_the_share_and_going_back_to_node_majority(three):
    run(three, {'file_share_path': SHARE})
    moved, _executor = run(three, {'file_share_path': SHARE + '-new'})
    assert moved['changed'] is True and witness(three)['share_path'] == SHARE + '-new'
    none, _executor = run(three, {'witness': 'none'})
    assert none['changed'] is True and witness(three) is None
    again, executor = run(three, {})
    assert again['changed'] is False and executor.modes == ['read']


def test_check_mode_changes_nothing(three):
    before = three.raw_state()
    result, executor = run(three, {'file_share_path': SHARE}, check_mode=True)
    assert result['changed'] is True and executor.modes == ['read']
    assert result['quorum']['share_path'] == SHARE
    assert three.raw_state() == before


def test_cloud_witness_account_change_replaces_it_in_one_write(three):
    created, _executor = run(three, {'witness': 'cloud', 'cloud_account_name': 'hvwitness', 'cloud_access_key': KEY})
    assert created['quorum']['account_name'] == 'hvwitness'
    same, executor = run(three, {'cloud_account_name': 'HVWITNESS', 'cloud_access_key': 'b3RoZXIta2V5'})
    assert same['changed'] is False and executor.modes == ['read']     # the key cannot be compared
    rotated, executor = run(three, {'cloud_account_name': 'hvwitness', 'cloud_access_key': 'b3RoZXIta2V5',
                                    'update_access_key': True})
    assert rotated['changed'] is True
    assert executor.calls[1].cmdlets == ['Set-ClusterQuorum', 'Set-ClusterQuorum', 'Get-ClusterQuorum',
                                         'Get-ClusterParameter']
    assert executor.calls[1].steps[0]['parameters'] == {'NoWitness': True}
    other, _executor = run(three, {'cloud_account_name': 'otherwitness', 'cloud_access_key': KEY})
    assert other['changed'] is True and witness(three)['account'] == 'otherwitness'
    for result in (created, same, rotated, other):
        assert KEY not in repr(result)


def test_an_even_cluster_without_witness_is_warned(make_lab):
    lab = make_lab(nodes=4)          # the lab gives 4 nodes a file share witness
    result, _executor = run(lab, {'witness': 'none'})
    assert result['changed'] is True
    assert any('has 4 nodes and no witness' in warning for warning in result['warnings'])


def test_an_unreachable_share_fails_with_the_fix_and_nothing_changes(three):
    before = three.raw_state()
    result, _executor = run(three, {'file_share_path': '\\\\fs02.corp.example.com\\witness'})
    assert result['failed'] is True
    assert result['msg'].startswith('cluster hvc1: setting the file share witness failed: Set-ClusterQuorum '
                                    'reported: There was an error configuring the file share witness'), result['msg']
    assert 'give the cluster name object (HVC1$) Full Control' in result['msg']
    assert three.raw_state() == before


@pytest.mark.parametrize('args, fragment', [
    ({'file_share_path': SHARE, 'cloud_account_name': 'a'}, 'file_share_path and cloud_account_name are given'),
    ({'witness': 'file_share'}, 'witness=file_share needs file_share_path'),
    ({'witness': 'file_share', 'file_share_path': 'C:\\witness'}, "is not a UNC path"),
    ({'witness': 'cloud', 'cloud_account_name': 'a'}, 'needs cloud_account_name and cloud_access_key'),
    ({'witness': 'none', 'file_share_path': SHARE}, 'file_share_path does not apply to witness=none'),
    ({'witness': 'file_share', 'file_share_path': SHARE, 'cloud_endpoint': 'x'},
     'cloud_endpoint does not apply to witness=file_share'),
    ({'witness': 'disk_only'}, 'witness=disk_only needs disk_resource'),
    ({'witness': 'disk_only', 'disk_resource': 'Quorum', 'file_share_path': SHARE},
     'file_share_path does not apply to witness=disk_only'),
    ({'cloud_access_key': KEY}, 'cloud_access_key does not apply to witness=auto'),
])
def test_bad_input_is_refused_before_reading(three, args, fragment):
    result, executor = run(three, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_a_node_outside_any_cluster(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    result, _executor = run(lab, {'witness': 'none'})
    assert result['failed'] is True and 'cluster quorum' in result['msg']


# --- auto: the witness whose settings are given, else the quorum as it is -------------------------------------------

def test_auto_without_settings_keeps_an_existing_witness(make_lab):
    lab = make_lab(nodes=4)          # the lab gives 4 nodes a file share witness
    before = lab.raw_state()
    result, executor = run(lab, {})
    assert result['changed'] is False and executor.modes == ['read']
    assert result['quorum']['witness_type'] == 'file_share' and 'warnings' not in result
    assert lab.raw_state() == before


def test_auto_without_settings_on_an_even_cluster_without_witness_warns_what_to_give(make_lab):
    lab = make_lab(nodes=4)
    edit_lab(lab.dir, lambda data: data['clusters']['hvc1']['quorum'].update(witness=None))
    result, executor = run(lab, {})
    assert result['changed'] is False and executor.modes == ['read']
    (warning,) = result['warnings']
    assert warning.startswith('cluster hvc1 has 4 nodes and no witness: when half of them are lost, the other half '
                              'stops too. witness=auto picks a witness only from its settings, and none were given: '
                              'give file_share_path, cloud_account_name with cloud_access_key, or disk_resource.')


def test_auto_on_an_odd_cluster_without_witness_is_quiet(three):
    result, executor = run(three, {}, check_mode=True)
    assert result['changed'] is False and executor.modes == ['read'] and 'warnings' not in result


# --- disk witness and the legacy disk-only quorum ------------------------------------------------------------------

DISK_ONLY_WARNING = ('cluster hvc1 uses the disk-only quorum: its disk Quorum is a single point of failure for the '
                     'whole cluster (when the disk fails or no node reaches it, the cluster stops however many nodes '
                     'are up), and Microsoft does not recommend this mode. Use witness=disk with the same '
                     'disk_resource (node majority with a disk witness) instead.')


@pytest.fixture
def with_disk(make_lab):
    """hvc1 built by the cluster module on 3 prepared nodes, with disk 1 added as 'Quorum' (kept out of the CSVs)."""
    lab = make_lab(nodes=3, preset='prepared')
    assert 'failed' not in run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3']}, plugin=cluster_action)[0]
    assert 'failed' not in run(lab, {'name': 'Quorum', 'number': 1, 'csv': False}, plugin=disk_action)[0]
    return lab


def quorum_of(lab):
    quorum = lab.show()['clusters']['hvc1']['quorum']
    return quorum['type'], quorum['witness']


def test_disk_only_set_then_unchanged_always_warned(with_disk):
    result, executor = run(with_disk, {'witness': 'disk_only', 'disk_resource': 'Quorum'})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets == ['Set-ClusterQuorum', 'Get-ClusterQuorum', 'Get-ClusterParameter']
    assert executor.calls[1].steps[0]['parameters'] == {'DiskOnly': 'Quorum'}
    assert result['changed'] is True
    assert result['quorum'] == {'mode': 'disk_only', 'witness_type': 'disk', 'witness_resource': 'Quorum',
                                'share_path': None, 'account_name': None}
    assert result['diff']['before']['mode'] == 'node_majority'
    assert result['warnings'] == [DISK_ONLY_WARNING]
    assert quorum_of(with_disk) == ('DiskOnly', {'kind': 'disk', 'resource': 'Quorum'})
    # The resource name in another case is the same disk; the risk is told on every run that keeps it.
    again, executor = run(with_disk, {'witness': 'disk_only', 'disk_resource': 'QUORUM'}, node='hv2')
    assert again['changed'] is False and executor.modes == ['read']
    assert again['warnings'] == [DISK_ONLY_WARNING]
    kept, executor = run(with_disk, {})
    assert kept['changed'] is False and executor.modes == ['read'] and kept['warnings'] == [DISK_ONLY_WARNING]


def test_the_same_disk_as_witness_or_disk_only_are_different_settings(with_disk):
    witness_result, _executor = run(with_disk, {'disk_resource': 'Quorum'})       # auto: a disk witness
    assert witness_result['quorum']['mode'] == 'node_and_disk_majority' and 'warnings' not in witness_result
    assert quorum_of(with_disk) == ('Majority', {'kind': 'disk', 'resource': 'Quorum'})
    disk_only, executor = run(with_disk, {'witness': 'disk_only', 'disk_resource': 'Quorum'})
    assert disk_only['changed'] is True and executor.calls[1].steps[0]['parameters'] == {'DiskOnly': 'Quorum'}
    assert disk_only['diff']['before']['mode'] == 'node_and_disk_majority'
    assert quorum_of(with_disk) == ('DiskOnly', {'kind': 'disk', 'resource': 'Quorum'})
    back, executor = run(with_disk, {'witness': 'disk', 'disk_resource': 'Quorum'})
    assert back['changed'] is True and executor.calls[1].steps[0]['parameters'] == {'DiskWitness': 'Quorum'}
    assert quorum_of(with_disk) == ('Majority', {'kind': 'disk', 'resource': 'Quorum'})


def test_from_disk_only_to_a_file_share_witness_check_mode_first(with_disk):
    run(with_disk, {'witness': 'disk_only', 'disk_resource': 'Quorum'})
    before = with_disk.raw_state()
    preview, executor = run(with_disk, {'file_share_path': SHARE}, check_mode=True)
    assert preview['changed'] is True and executor.modes == ['read'] and 'warnings' not in preview
    assert preview['diff']['before']['mode'] == 'disk_only'
    assert preview['quorum']['mode'] == 'node_and_file_share_majority'
    assert with_disk.raw_state() == before
    moved, _executor = run(with_disk, {'file_share_path': SHARE})
    assert moved['changed'] is True and moved['quorum']['share_path'] == SHARE
    assert quorum_of(with_disk) == ('Majority', {'kind': 'file_share', 'share_path': SHARE})
    # The disk went back to Available Storage: it can be made a CSV now.
    csv, _executor = run(with_disk, {'name': 'Quorum'}, plugin=disk_action)
    assert csv['changed'] is True and csv['disk']['csv'] is True


def test_disk_only_on_a_disk_the_cluster_lacks_fails_and_nothing_changes(with_disk):
    before = with_disk.raw_state()
    result, _executor = run(with_disk, {'witness': 'disk_only', 'disk_resource': 'Cluster Disk 9'})
    assert result['failed'] is True
    assert result['msg'].startswith('cluster hvc1: setting the disk-only quorum failed: Set-ClusterQuorum reported: '
                                    ), result['msg']
    assert 'The cluster resource could not be found' in result['msg']
    assert with_disk.raw_state() == before


# --- the comparison on recorded Windows answers ----------------------------------------------------------------------

def recorded_quorum(name):
    """cluster_quorum's view of the Get-ClusterQuorum output recorded in test_data/<name>.json (a disk witness has
    no parameters cluster_quorum reads)."""
    (step,) = [call for call in load_recording(name)['exchanges'][0]['response']['result']['calls']
               if call['cmdlet'] == 'Get-ClusterQuorum']
    parsed = _cluster.parse_quorum(StepResult('quorum', 'call', 'Get-ClusterQuorum', step['status'], step['output'],
                                              [], 0))
    return quorum_action._describe(parsed, {})  # pylint: disable=protected-access


def plan(name, args):
    params = dict({key: None for key in quorum_action.ActionModule.ARGUMENT_SPEC}, witness='auto',
                  update_access_key=False)
    params.update(args)
    wanted = quorum_action._wanted(params, 'cluster quorum')  # pylint: disable=protected-access
    return wanted, quorum_action.ActionModule._plan(wanted, recorded_quorum(name), params)  # pylint: disable=protected-access


DISK = 'Cluster Disk 3'


@pytest.mark.parametrize('recording, args, calls', [
    ('quorum_disk_only', {'witness': 'disk_only', 'disk_resource': DISK}, []),
    ('quorum_disk_only', {'witness': 'disk_only', 'disk_resource': 'cluster disk 3'}, []),
    ('quorum_disk_only', {'witness': 'disk_only', 'disk_resource': 'Cluster Disk 4'}, [{'DiskOnly': 'Cluster Disk 4'}]),
    ('quorum_disk_only', {'disk_resource': DISK}, [{'DiskWitness': DISK}]),
    ('quorum_disk_only', {'witness': 'none'}, [{'NoWitness': True}]),
    ('quorum_disk_only', {'file_share_path': SHARE}, [{'FileShareWitness': SHARE}]),
    ('quorum_disk_only', {}, []),
    ('quorum_majority_disk', {'witness': 'disk_only', 'disk_resource': DISK}, [{'DiskOnly': DISK}]),
    ('quorum_majority_disk', {'disk_resource': DISK}, []),
    ('quorum_2012r2_node_and_disk_majority', {'witness': 'disk', 'disk_resource': DISK}, []),
    ('quorum_2012r2_node_and_disk_majority', {'witness': 'disk_only', 'disk_resource': DISK}, [{'DiskOnly': DISK}]),
    ('quorum_majority_none', {'witness': 'disk_only', 'disk_resource': DISK}, [{'DiskOnly': DISK}]),
    ('quorum_majority_none', {}, []),
    ('quorum_majority_file_share', {}, []),
    ('quorum_majority_cloud', {}, []),
])
def test_the_comparison_on_recorded_answers(recording, args, calls):
    assert plan(recording, args)[1] == calls


def test_a_recorded_disk_only_quorum_is_warned_about_whatever_is_asked_that_keeps_it():
    before = recorded_quorum('quorum_disk_only')
    assert before == {'mode': 'disk_only', 'witness_type': 'disk', 'witness_resource': DISK, 'share_path': None,
                      'account_name': None}
    for args in ({}, {'witness': 'disk_only', 'disk_resource': DISK}):
        wanted, _calls = plan('quorum_disk_only', args)
        (warning,) = quorum_action._warnings('hvc1', 3, wanted, before)  # pylint: disable=protected-access
        assert 'its disk Cluster Disk 3 is a single point of failure' in warning
