"""The MPIO cmdlets (MSDSM automatic claim, global default load-balance policy) against tests/sim/HOSTS.md ("MPIO")."""

import pytest

from hvsim import presets

READ = [('claims', 'Get-MSDSMAutomaticClaimSettings'), ('policy', 'Get-MSDSMGlobalDefaultLoadBalancePolicy')]


def read(sim, lab, node='hv1'):
    steps = sim.steps(sim.run(lab, node, 'read', [sim.call(step_id, cmdlet) for step_id, cmdlet in READ]))
    return steps['claims']['output'], steps['policy']['output']


def test_presets_bare_claims_nothing_prepared_claims_iscsi_round_robin():
    bare = presets.build(nodes=1, preset='bare')['nodes']['hv1']
    assert bare['mpio'] == {'automatic_claim': {'iSCSI': False, 'SAS': False}, 'load_balance_policy': 'None'}
    for preset in ('prepared', 'clustered'):
        node = presets.build(nodes=1, preset=preset)['nodes']['hv1']
        assert node['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'}


def test_a_prepared_node_reads_a_hashtable_and_a_string(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    claims, policy = read(sim, lab)
    assert claims == [{'iSCSI': True, 'SAS': False}]        # one hashtable, as `$settings['iSCSI']` reads it
    assert policy == ['RR']


def test_claims_and_policy_change_and_a_claim_change_waits_for_a_restart(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    outcome = sim.steps(sim.run(lab, 'hv1', 'write', [
        sim.call('sas', 'Enable-MSDSMAutomaticClaim', {'BusType': 'sas'}),
        sim.call('iscsi', 'Disable-MSDSMAutomaticClaim', {'BusType': 'iSCSI'}),
        sim.call('policy', 'Set-MSDSMGlobalDefaultLoadBalancePolicy', {'Policy': 'lqd'}),
    ]))
    assert [step['status'] for step in outcome.values()] == ['ok', 'ok', 'ok']
    assert all(step['output'] == [] for step in outcome.values())     # the docs list no output
    assert read(sim, lab) == ([{'iSCSI': False, 'SAS': True}], ['LQD'])
    state = lab.raw_state()['nodes']
    assert state['hv1']['pending_reboot'] is True and state['hv2']['pending_reboot'] is False
    assert read(sim, lab, 'hv2') == ([{'iSCSI': True, 'SAS': False}], ['RR'])


def test_a_policy_alone_or_a_claim_already_set_needs_no_restart(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    sim.steps(sim.run(lab, 'hv1', 'write', [
        sim.call('iscsi', 'Enable-MSDSMAutomaticClaim', {'BusType': 'iSCSI'}),
        sim.call('policy', 'Set-MSDSMGlobalDefaultLoadBalancePolicy', {'Policy': 'None'}),
    ]))
    assert read(sim, lab)[1] == ['None']
    assert lab.raw_state()['nodes']['hv1']['pending_reboot'] is False


@pytest.mark.parametrize('cmdlet, parameters, fragment', [
    ('Enable-MSDSMAutomaticClaim', {'BusType': 'FC'}, "Cannot validate argument on parameter 'BusType'"),
    ('Set-MSDSMGlobalDefaultLoadBalancePolicy', {'Policy': 'WeightedPaths'},
     "Cannot validate argument on parameter 'Policy'"),
    ('Enable-MSDSMAutomaticClaim', {}, 'BusType'),
])
def test_values_outside_the_reference_are_refused_and_change_nothing(make_lab, sim, cmdlet, parameters, fragment):
    lab = make_lab(nodes=1, preset='prepared')
    before = lab.raw_state()
    step = sim.one(lab, 'hv1', cmdlet, parameters, mode='write')
    assert step['status'] == 'error' and fragment in step['errors'][0]['message'], step
    assert lab.raw_state() == before


def test_without_multipath_io_the_cmdlets_do_not_exist(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    for _step_id, cmdlet in READ:
        step = sim.one(lab, 'hv1', cmdlet)
        assert step['status'] == 'error'
        assert sim.error_ids(step) == ['CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand']
        assert "The term '%s' is not recognized" % cmdlet in step['errors'][0]['message']
    with sim.edit(lab) as state:
        state.nodes['hv1']['features']['Multipath-IO']['installed'] = True
    assert read(sim, lab) == ([{'iSCSI': False, 'SAS': False}], ['None'])


def test_a_lab_made_before_mpio_existed_reads_the_defaults(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    with sim.edit(lab) as state:
        del state.nodes['hv1']['mpio']
    assert read(sim, lab) == ([{'iSCSI': False, 'SAS': False}], ['None'])
    sim.one(lab, 'hv1', 'Enable-MSDSMAutomaticClaim', {'BusType': 'iSCSI'}, mode='write')
    assert lab.raw_state()['nodes']['hv1']['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False},
                                                       'load_balance_policy': 'None'}


def test_lab_show_has_each_nodes_mpio_settings(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    sim.one(lab, 'hv2', 'Set-MSDSMGlobalDefaultLoadBalancePolicy', {'Policy': 'LB'}, mode='write')
    nodes = lab.show()['nodes']
    assert nodes['hv1']['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'}
    assert nodes['hv2']['mpio']['load_balance_policy'] == 'LB'
