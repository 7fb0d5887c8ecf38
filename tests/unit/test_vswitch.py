"""vswitch against simulated nodes: create, in-place change, recreate only with force when VMs use it."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import vswitch as vswitch_action

from harness import SimExecutor, edit_lab, run_action


def run(lab, args, check_mode=False, node='hv1'):
    executor = SimExecutor(lab.dir, node=node)
    return run_action(vswitch_action.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node), \
        executor


def switches(lab, node='hv1'):
    return {switch['name']: switch for switch in lab.raw_state()['nodes'][node]['vswitches']}


@pytest.fixture
def hyperv_only(make_lab):
    """Bare nodes with Hyper-V: no switch yet, adapters Ethernet 1..4."""
    lab = make_lab(nodes=1, preset='bare')

    def hyper_v(data):
        for feature in ('Hyper-V', 'Hyper-V-PowerShell'):
            data['nodes']['hv1']['features'][feature]['installed'] = True
    edit_lab(lab.dir, hyper_v)
    return lab


def test_create_then_rerun_then_in_place_management_vnic(hyperv_only):
    result, executor = run(hyperv_only, {'name': 'External', 'adapters': ['Ethernet 4']})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].step('create')['parameters'] == {
        'Name': 'External', 'NetAdapterName': ['Ethernet 4'], 'AllowManagementOS': False,
        'EnableEmbeddedTeaming': False}
    assert result['switch']['exists'] is True and result['diff']['before'] == {'exists': False}
    again, executor = run(hyperv_only, {'name': 'external', 'adapters': ['ethernet 4']})
    assert again['changed'] is False and executor.modes == ['read']
    vnic, executor = run(hyperv_only, {'name': 'External', 'adapters': ['Ethernet 4'], 'allow_management_os': True})
    assert executor.calls[1].cmdlets[0] == 'Set-VMSwitch'
    assert switches(hyperv_only)['External']['allow_management_os'] is True


def test_set_on_two_adapters_by_default(hyperv_only):
    result, executor = run(hyperv_only, {'name': 'Converged', 'adapters': ['Ethernet 3', 'Ethernet 4'],
                                         'bandwidth_mode': 'weight'})
    assert executor.calls[1].step('create')['parameters']['EnableEmbeddedTeaming'] is True
    assert result['switch']['embedded_teaming'] is True and result['switch']['bandwidth_mode'] == 'weight'


def test_a_recreate_is_refused_while_vms_use_it_unless_forced(make_lab):
    lab = make_lab(nodes=1, vms=2)            # External on Vm, two VMs on it
    before = lab.raw_state()
    refused, executor = run(lab, {'name': 'External', 'adapters': ['Vm', 'Live-Migration']})
    assert refused['failed'] is True
    assert ('changing its adapters, embedded teaming, which means creating it again would cut the network of the '
            'VMs that use it: instance-00000001, instance-00000002; nothing was changed') in refused['msg']
    assert executor.modes == ['read'] and lab.raw_state() == before
    forced, executor = run(lab, {'name': 'External', 'adapters': ['Vm', 'Live-Migration'], 'force': True})
    assert forced['changed'] is True
    assert executor.calls[1].cmdlets[:3] == ['Remove-VMSwitch', 'New-VMSwitch', 'Connect-VMNetworkAdapter']
    assert forced['reconnected_vms'] == ['instance-00000001', 'instance-00000002']
    assert {nic['switch'] for vm in lab.raw_state()['vms'].values() for nic in vm['nics']} == {'External'}
    assert sorted(switches(lab)['External']['adapters']) == ['Live-Migration', 'Vm']


def test_absent_and_its_guard(make_lab):
    lab = make_lab(nodes=1, vms=1)
    refused, _executor = run(lab, {'name': 'External', 'state': 'absent'})
    assert refused['failed'] is True and 'removing it would cut the network' in refused['msg']
    removed, _executor = run(lab, {'name': 'External', 'state': 'absent', 'force': True})
    assert removed['changed'] is True and 'External' not in switches(lab)
    again, executor = run(lab, {'name': 'External', 'state': 'absent'})
    assert again['changed'] is False and executor.modes == ['read']


def test_check_mode(hyperv_only):
    before = hyperv_only.raw_state()
    result, executor = run(hyperv_only, {'name': 'External', 'adapters': ['Ethernet 4']}, check_mode=True)
    assert result['changed'] is True and executor.modes == ['read'] and hyperv_only.raw_state() == before
    assert result['switch']['adapters'] == ['Ethernet 4']


@pytest.mark.parametrize('args, fragment, modes', [
    ({'name': 'External'}, 'an external switch needs adapters', []),
    ({'name': 'External', 'adapters': ['Nope']}, 'the node has no physical adapter named Nope', ['read']),
    ({'name': 'External', 'adapters': ['Ethernet 3', 'Ethernet 4'], 'embedded_teaming': False},
     'several adapters need embedded teaming (SET)', ['read']),
])
def test_bad_input(hyperv_only, args, fragment, modes):
    result, executor = run(hyperv_only, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == modes
