"""net_adapter against simulated nodes: rename by MAC, description or name; bindings by component id; the vEthernet
gotcha; refusals."""

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


# --- bindings --------------------------------------------------------------------------------------------------------

def bindings(lab, adapter):
    return next(nic for nic in lab.raw_state()['nodes']['hv1']['nics'] if nic['name'] == adapter)['bindings']


def test_rename_and_unbind_in_one_write_addressing_the_new_name_then_rerun(bare):
    args = {'name': 'Vm', 'current_name': 'Ethernet 4', 'bindings': {'ms_tcpip': False, 'MS_TCPIP6': 'no',
                                                                     'ms_lldp': True}}
    result, executor = run(bare, args)
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[0].cmdlets == ['Get-NetAdapter', 'Get-NetAdapterBinding']
    write = executor.calls[1]
    assert write.cmdlets == ['Rename-NetAdapter', 'Disable-NetAdapterBinding', 'Get-NetAdapter', 'Get-NetAdapterBinding']
    assert write.step('unbind')['parameters'] == {'Name': ['Vm'], 'ComponentID': ['ms_tcpip', 'ms_tcpip6']}
    assert result['diff']['before']['bindings']['ms_tcpip'] is True
    assert result['adapter']['name'] == 'Vm'
    assert result['adapter']['bindings'] == bindings(bare, 'Vm')
    assert (bindings(bare, 'Vm')['ms_tcpip'], bindings(bare, 'Vm')['ms_tcpip6']) == (False, False)
    assert bindings(bare, 'Ethernet 1')['ms_tcpip'] is True and 'warnings' not in result
    again, executor = run(bare, args)
    assert again['changed'] is False and executor.modes == ['read']


def test_bindings_alone_on_a_prepared_node_are_already_right(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    result, executor = run(lab, {'name': 'Vm', 'mac': '00-15-5D-00-01-04',
                                 'bindings': {'ms_tcpip': False, 'ms_tcpip6': False, 'vms_pp': True}})
    assert result['changed'] is False and executor.modes == ['read']
    assert result['adapter']['bindings']['vms_pp'] is True


def test_bindings_only_enable_and_disable_in_one_write(bare):
    result, executor = run(bare, {'name': 'Ethernet 2', 'current_name': 'Ethernet 2',
                                  'bindings': {'ms_implat': True, 'ms_server': False}})
    assert executor.calls[1].cmdlets[:2] == ['Disable-NetAdapterBinding', 'Enable-NetAdapterBinding']
    assert executor.calls[1].step('bind')['parameters'] == {'Name': ['Ethernet 2'], 'ComponentID': ['ms_implat']}
    assert result['diff']['after']['bindings']['ms_implat'] is True and result['diff']['after']['name'] == 'Ethernet 2'
    assert (bindings(bare, 'Ethernet 2')['ms_implat'], bindings(bare, 'Ethernet 2')['ms_server']) == (True, False)


def test_check_mode_with_bindings_and_the_switch_protocol_warning(bare):
    before = bare.raw_state()
    result, executor = run(bare, {'name': 'Vm', 'current_name': 'Ethernet 4', 'bindings': {'vms_pp': True}},
                           check_mode=True)
    assert result['changed'] is True and executor.modes == ['read'] and bare.raw_state() == before
    assert result['adapter'] == dict(result['diff']['before'], name='Vm',
                                     bindings=dict(result['diff']['before']['bindings'], vms_pp=True))
    assert any('makes New-VMSwitch refuse the adapter' in warning for warning in result['warnings'])


def test_an_unknown_component_lists_the_adapters_components_and_changes_nothing(bare):
    before = bare.raw_state()
    result, executor = run(bare, {'name': 'Vm', 'current_name': 'Ethernet 4',
                                  'bindings': {'ms_tcpip': False, 'ms_bogus': False}})
    assert result['failed'] is True and executor.modes == ['read'] and bare.raw_state() == before
    assert 'network adapter Vm: adapter Ethernet 4 has no binding with the component id ms_bogus' in result['msg']
    assert 'Its components: ms_lldp (Microsoft LLDP Protocol Driver); ' in result['msg']
    assert 'ms_tcpip6 (Internet Protocol Version 6 (TCP/IPv6)); ms_tcpip (Internet Protocol Version 4' in result['msg']


def test_a_binding_value_that_is_not_a_boolean_is_refused_before_reading(bare):
    result, executor = run(bare, {'name': 'Vm', 'current_name': 'Ethernet 4', 'bindings': {'ms_tcpip': 'off-ish'}})
    assert result['failed'] is True and "bindings.ms_tcpip is 'off-ish', not true or false" in result['msg']
    assert executor.modes == []


class RevertingWindows(SimExecutor):
    """Windows re-enabled IPv6 by itself after the write (Microsoft: a binding change can change others)."""

    def respond(self, call):
        response = super().respond(call)
        if call.mode == 'write':
            for step in response['result']['calls']:
                if step['id'] == 'final_bindings':
                    for row in step['output']:
                        if row['ComponentID'] == 'ms_tcpip6':
                            row['Enabled'] = True
        return response


def test_a_binding_windows_did_not_keep_is_a_warning(bare):
    executor = RevertingWindows(bare.dir)
    result = run_action(adapter_action.ActionModule, {'name': 'Ethernet 3', 'current_name': 'Ethernet 3',
                                                      'bindings': {'ms_tcpip6': False}}, executor, diff=True)
    assert result['changed'] is True
    assert result['warnings'] == ['Windows did not keep the bindings ms_tcpip6 of Ethernet 3 as asked; another '
                                  'binding change may have reverted them.']
