"""mpio against simulated nodes: only the bus types given, reboot_required, check mode, the missing feature; and the
claim table as Windows could also return it (Name/Value rows), answered by hand."""

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.hyperv.cluster.plugins.action import mpio as mpio_action

from harness import SimExecutor, _Executor, edit_lab, run_action


def run(lab, args, check_mode=False, node='hv1'):
    executor = SimExecutor(lab.dir, node=node)
    return run_action(mpio_action.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node), \
        executor


def mpio_state(lab, node='hv1'):
    return lab.raw_state()['nodes'][node]['mpio']


@pytest.fixture
def with_mpio(make_lab):
    """Two bare nodes with Multipath-IO installed: nothing claimed, no default policy."""
    lab = make_lab(nodes=2, preset='bare')
    edit_lab(lab.dir, lambda data: [node['features']['Multipath-IO'].update(installed=True)
                                    for node in data['nodes'].values()])
    return lab


def test_claim_iscsi_round_robin_in_one_write_then_unchanged(with_mpio):
    result, executor = run(with_mpio, {'automatic_claim': {'iSCSI': True}, 'load_balance_policy': 'RR'})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets[:2] == ['Enable-MSDSMAutomaticClaim', 'Set-MSDSMGlobalDefaultLoadBalancePolicy']
    assert executor.calls[1].steps[0]['parameters'] == {'BusType': 'iSCSI'}
    assert result['changed'] is True and result['reboot_required'] is True
    assert result['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'}
    assert result['diff']['before'] == {'automatic_claim': {'iSCSI': False, 'SAS': False},
                                        'load_balance_policy': 'None'}
    assert mpio_state(with_mpio) == result['mpio'] and mpio_state(with_mpio, 'hv2')['load_balance_policy'] == 'None'
    again, executor = run(with_mpio, {'automatic_claim': {'iscsi': 'yes'}, 'load_balance_policy': 'RR'})
    assert again['changed'] is False and again['reboot_required'] is False and executor.modes == ['read']


def test_only_the_bus_types_given_change_and_a_policy_alone_needs_no_restart(with_mpio):
    run(with_mpio, {'automatic_claim': {'SAS': True, 'iSCSI': True}})
    result, executor = run(with_mpio, {'automatic_claim': {'sas': False}})
    assert executor.calls[1].cmdlets[0] == 'Disable-MSDSMAutomaticClaim'
    assert executor.calls[1].steps[0]['parameters'] == {'BusType': 'SAS'}
    assert result['mpio']['automatic_claim'] == {'iSCSI': True, 'SAS': False} and result['reboot_required'] is True
    policy, executor = run(with_mpio, {'load_balance_policy': 'LQD'})
    assert policy['changed'] is True and policy['reboot_required'] is False
    assert executor.calls[1].cmdlets[0] == 'Set-MSDSMGlobalDefaultLoadBalancePolicy'
    assert mpio_state(with_mpio) == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'LQD'}


def test_check_mode_reads_only_and_says_a_restart_would_be_needed(with_mpio):
    before = with_mpio.raw_state()
    result, executor = run(with_mpio, {'automatic_claim': {'iSCSI': True}}, check_mode=True)
    assert result['changed'] is True and result['reboot_required'] is True
    assert result['mpio']['automatic_claim']['iSCSI'] is True
    assert executor.modes == ['read'] and with_mpio.raw_state() == before


def test_a_prepared_node_is_what_cluster_prereqs_sets(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    result, executor = run(lab, {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'})
    assert result['changed'] is False and executor.modes == ['read']


def test_without_multipath_io_the_task_says_so_and_changes_nothing(make_lab):
    lab = make_lab(nodes=1, preset='bare')
    before = lab.raw_state()
    result, executor = run(lab, {'automatic_claim': {'iSCSI': True}})
    assert result['failed'] is True and executor.modes == ['read']
    assert result['msg'].startswith('MPIO on hv1: the MPIO cmdlets are not available '
                                    '(Get-MSDSMAutomaticClaimSettings is not recognized): the Multipath-IO feature is '
                                    'not installed'), result['msg']
    assert 'Install the Multipath-IO feature (ansible.windows.win_feature), restart the node' in result['msg']
    assert lab.raw_state() == before


@pytest.mark.parametrize('args, fragment', [
    ({'automatic_claim': {'FC': True}}, "automatic_claim has the bus type 'FC', which MSDSM does not claim"),
    ({'automatic_claim': {'iSCSI': 'maybe'}}, "automatic_claim.iSCSI is 'maybe', not true or false"),
])
def test_bad_input_is_refused_before_reading(with_mpio, args, fragment):
    result, executor = run(with_mpio, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_a_policy_is_spelled_as_the_cmdlet_reference_spells_it(with_mpio):
    with pytest.raises(AnsibleActionFail, match='value of load_balance_policy must be one of: None, FOO, RR, LQD, LB'):
        run(with_mpio, {'load_balance_policy': 'rr'})


class TableWindows(_Executor):
    """A node whose Get-MSDSMAutomaticClaimSettings returns Name/Value rows with text values."""

    def respond(self, call):
        outputs = {'claims': [{'Name': 'iSCSI', 'Value': 'True'}, {'Name': 'SAS', 'Value': 'False'}],
                   'policy': ['FOO']}
        return {'failed': False, 'changed': False, 'result': {'protocol': 1, 'computer_name': 'HV1', 'calls': [
            {'id': step['id'], 'op': 'call', 'cmdlet': step['cmdlet'], 'status': 'ok',
             'output': outputs[step['id']], 'errors': [], 'elapsed_ms': 1} for step in call.steps]}}


def test_a_claim_table_of_name_value_rows_reads_the_same():
    executor = TableWindows()
    result = run_action(mpio_action.ActionModule, {'automatic_claim': {'iSCSI': True, 'SAS': False},
                                                   'load_balance_policy': 'FOO'}, executor)
    assert result['changed'] is False and executor.modes == ['read'], result
    assert result['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'FOO'}
