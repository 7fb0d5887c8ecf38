"""net_adapter against simulated nodes: rename by MAC, description or name; the vEthernet gotcha; refusals."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import net_adapter as adapter_action

from harness import SimExecutor, edit_lab, run_action


def run(lab, args, check_mode=False):
    executor = SimExecutor(lab.dir, node='hv1')
    return run_action(adapter_action.ActionModule, args, executor, check_mode=check_mode, diff=True), executor


def names(lab):
    return [nic['name'] for nic in lab.raw_state()['nodes']['hv1']['nics']]


@pytest.fixture
def bare(make_lab):
    return make_lab(nodes=1, preset='bare')


def test_rename_by_mac_any_separator_then_rerun(bare):
    result, executor = run(bare, {'name': 'Management', 'mac': '00:15:5d:00:01:01'})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert result['adapter']['name'] == 'Management' and result['diff']['before']['name'] == 'Ethernet 1'
    assert names(bare)[0] == 'Management'
    again, executor = run(bare, {'name': 'Management', 'mac': '00155D000101'})
    assert again['changed'] is False and executor.modes == ['read']


def test_rename_by_description_and_by_current_name(bare):
    result, _executor = run(bare, {'name': 'Cluster',
                                   'interface_description': 'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #2'})
    assert result['adapter']['name'] == 'Cluster'
    renamed, _executor = run(bare, {'name': 'LiveMigration', 'current_name': 'Ethernet 3'})
    assert renamed['changed'] is True
    rerun, executor = run(bare, {'name': 'LiveMigration', 'current_name': 'Ethernet 3'})
    assert rerun['changed'] is False and executor.modes == ['read']
    assert names(bare) == ['Ethernet 1', 'Cluster', 'LiveMigration', 'Ethernet 4']


def test_the_vethernet_adapter_with_the_same_mac_is_never_matched(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    edit_lab(lab.dir, lambda data: data['nodes']['hv1']['vswitches'][0].update(allow_management_os=True))
    mac = lab.raw_state()['nodes']['hv1']['nics'][3]['mac']        # the Vm adapter, the switch's uplink
    result, _executor = run(lab, {'name': 'VM-Uplink', 'mac': mac})
    assert 'failed' not in result, result
    assert result['diff']['before']['name'] == 'Vm'


def test_check_mode(bare):
    before = bare.raw_state()
    result, executor = run(bare, {'name': 'Management', 'current_name': 'Ethernet 1'}, check_mode=True)
    assert result['changed'] is True and executor.modes == ['read'] and bare.raw_state() == before


@pytest.mark.parametrize('args, fragment, modes', [
    ({'name': 'X'}, 'give one of mac, interface_description or current_name', []),
    ({'name': 'X', 'mac': 'not-a-mac'}, "mac 'not-a-mac' is not a MAC address", []),
    ({'name': 'X', 'mac': '00-15-5D-99-99-99'}, 'no physical adapter has the MAC address 00-15-5D-99-99-99', ['read']),
    ({'name': 'Ethernet 2', 'current_name': 'Ethernet 1'}, 'another adapter is already named Ethernet 2', ['read']),
])
def test_refusals_list_the_candidates_and_change_nothing(bare, args, fragment, modes):
    before = bare.raw_state()
    result, executor = run(bare, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == modes and bare.raw_state() == before
    if modes:
        assert '(00-15-5D-00-01-0' in result['msg']       # the adapters concerned, with their MAC addresses


def test_two_adapters_with_one_description(bare):
    edit_lab(bare.dir, lambda data: data['nodes']['hv1']['nics'][1].update(
        description=data['nodes']['hv1']['nics'][0]['description']))
    result, _executor = run(bare, {'name': 'X', 'interface_description':
                                   'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #1'})
    assert result['failed'] is True and '2 physical adapters have the interface description' in result['msg']
    assert 'Match by MAC address instead' in result['msg']
