"""cluster_quorum against simulated labs: every witness kind, comparison as WS2016+ reports it, refusals."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster_quorum as quorum_action

from harness import SimExecutor, run_action

SHARE = '\\\\fs01.corp.example.com\\witness\\hvc1'
KEY = 'c2VjcmV0LWtleQ=='


def run(lab, args, check_mode=False, node='hv1'):
    executor = SimExecutor(lab.dir, node=node)
    return (run_action(quorum_action.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node),
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
])
def test_bad_input_is_refused_before_reading(three, args, fragment):
    result, executor = run(three, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_a_node_outside_any_cluster(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    result, _executor = run(lab, {'witness': 'none'})
    assert result['failed'] is True and 'cluster quorum' in result['msg']
