"""VM power in the simulator against tests/sim/MIGRATION.md: Stop-VM, Start-VM, Save-VM."""

import pytest

from hvsim import faults

HV = 'Microsoft.HyperV.PowerShell.Commands.%s'
ROW = ['Name', 'State', 'ComputerName', 'MemoryAssigned']
GIB = 1024 ** 3


@pytest.fixture
def hvc(make_lab):
    """hvc1 = hv1..hv3; instance-1 (hv1) clustered; instance-2 (hv2), -3 (hv3), -4 (hv1) not; all running."""
    return make_lab(nodes=3, vms=4, clustered_vms=1)


def set_state(lab, sim, name, vm_state):
    with sim.edit(lab) as state:
        next(vm for vm in state.vms.values() if vm['name'] == name)['state'] = vm_state


def state_of(lab, name):
    return lab.show()['vms'][name]['state']


def power(lab, sim, cmdlet, parameters, node='hv1', select=None):
    return sim.one(lab, node, cmdlet, parameters, select, mode='write')


@pytest.mark.parametrize('switches, before, after', [
    ({}, 'Running', 'Off'),
    ({'Force': True}, 'Running', 'Off'),
    ({'TurnOff': True}, 'Running', 'Off'),
    ({'Save': True}, 'Running', 'Saved'),
    ({}, 'Paused', 'Off'),
    ({'Save': True}, 'Paused', 'Saved'),
    ({}, 'Off', 'Off'),                  # already in the asked state: no-op
    ({'TurnOff': True, 'Force': True}, 'Off', 'Off'),
    ({'Save': True}, 'Saved', 'Saved'),
])
def test_stop_vm(hvc, sim, switches, before, after):
    set_state(hvc, sim, 'instance-00000004', before)
    step = power(hvc, sim, 'Stop-VM', dict({'Name': 'instance-00000004'}, **switches))
    assert step['status'] == 'ok' and step['errors'] == [] and step['output'] == []
    assert state_of(hvc, 'instance-00000004') == after


def test_stop_vm_save_of_a_vm_that_is_off(hvc, sim):
    set_state(hvc, sim, 'instance-00000004', 'Off')
    step = power(hvc, sim, 'Stop-VM', {'Name': 'instance-00000004', 'Save': True})
    (error,) = step['errors']
    assert error['message'] == 'The operation cannot be performed while the object is in its current state.'
    assert error['fully_qualified_error_id'] == 'InvalidState,' + HV % 'StopVM'
    assert state_of(hvc, 'instance-00000004') == 'Off'


@pytest.mark.parametrize('before, after, error', [
    ('Running', 'Saved', False), ('Paused', 'Saved', False), ('Saved', 'Saved', False), ('Off', 'Off', True),
])
def test_save_vm(hvc, sim, before, after, error):
    set_state(hvc, sim, 'instance-00000004', before)
    step = power(hvc, sim, 'Save-VM', {'Name': 'instance-00000004'})
    assert sim.error_ids(step) == (['InvalidState,' + HV % 'SaveVM'] if error else [])
    assert state_of(hvc, 'instance-00000004') == after


@pytest.mark.parametrize('before', ['Off', 'Saved', 'Running', 'Paused'])
def test_start_vm(hvc, sim, before):
    set_state(hvc, sim, 'instance-00000004', before)
    step = power(hvc, sim, 'Start-VM', {'Name': 'instance-00000004', 'Passthru': True}, select=ROW)
    assert step['errors'] == []
    assert step['output'] == [{'Name': 'instance-00000004', 'State': 'Running', 'ComputerName': 'HV1',
                               'MemoryAssigned': 2 * GIB}]


def test_start_vm_needs_free_memory_on_its_host(hvc, sim):
    set_state(hvc, sim, 'instance-00000004', 'Off')
    with sim.edit(hvc) as state:
        used = sum(vm['memory_mb'] for vm in state.vms_on('hv1') if vm['state'] == 'Running')
        state.nodes['hv1']['hardware']['memory_mb'] = state.nodes['hv1']['host_reserve_mb'] + used + 2047
    step = power(hvc, sim, 'Start-VM', {'Name': 'instance-00000004'})
    (error,) = step['errors']
    assert 'Not enough memory in the system to start the virtual machine instance-00000004.' in error['message']
    assert error['fully_qualified_error_id'].endswith(',' + HV % 'StartVM')
    assert error['category'] == 'ResourceUnavailable'
    assert state_of(hvc, 'instance-00000004') == 'Off'
    with sim.edit(hvc) as state:
        state.nodes['hv1']['hardware']['memory_mb'] += 1
    assert power(hvc, sim, 'Start-VM', {'Name': 'instance-00000004'})['errors'] == []
    assert state_of(hvc, 'instance-00000004') == 'Running'


def test_start_vm_counts_the_vms_it_starts(hvc, sim):
    # Room for one of the two: the first starts, the second fails.
    with sim.edit(hvc) as state:
        for vm in state.vms_on('hv1'):
            vm['state'] = 'Off'
        state.nodes['hv1']['hardware']['memory_mb'] = state.nodes['hv1']['host_reserve_mb'] + 3072
    step = power(hvc, sim, 'Start-VM', {'Name': 'instance-*'})
    assert len(step['errors']) == 1
    assert sorted(state_of(hvc, name) for name in ('instance-00000001', 'instance-00000004')) == ['Off', 'Running']


def test_a_clustered_roles_state_follows_its_vm(hvc, sim):
    group = ['Name', 'State', 'OwnerNode']
    assert power(hvc, sim, 'Stop-VM', {'Name': 'instance-00000001'}, node='hv2')['errors'] != []   # not on hv2
    assert power(hvc, sim, 'Stop-VM', {'Name': 'instance-00000001', 'ComputerName': 'hv1'}, node='hv2')['errors'] == []
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, group)
    assert step['output'] == [{'Name': 'instance-00000001', 'State': 'Offline', 'OwnerNode': 'hv1'}]
    power(hvc, sim, 'Start-VM', {'Name': 'instance-00000001'})
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, group)
    assert step['output'] == [{'Name': 'instance-00000001', 'State': 'Online', 'OwnerNode': 'hv1'}]
    power(hvc, sim, 'Save-VM', {'VMName': 'instance-00000001'})
    assert sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, group)['output'][0]['State'] == \
        'Offline'


def test_power_by_vm_object_and_wildcard(hvc, sim):
    outcome = sim.run(hvc, 'hv1', 'write', [
        sim.call('vms', 'Get-VM', {'Name': 'instance-*'}),
        sim.call('stop', 'Stop-VM', {'VM': {'__ref__': 'vms'}, 'Passthru': True}, ['Name', 'State']),
    ])
    stop = sim.steps(outcome)['stop']
    assert stop['output'] == [{'Name': 'instance-00000001', 'State': 'Off'}, {'Name': 'instance-00000004',
                                                                              'State': 'Off'}]
    assert state_of(hvc, 'instance-00000002') == 'Running'


def test_power_of_a_missing_vm_or_an_unreachable_host(hvc, sim):
    step = power(hvc, sim, 'Stop-VM', {'Name': ['instance-00000004', 'instance-00000002']})
    assert sim.error_ids(step) == ['InvalidParameter,' + HV % 'StopVM']
    assert step['errors'][0]['target'] == 'instance-00000002'
    assert state_of(hvc, 'instance-00000004') == 'Off'
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv3')
    step = power(hvc, sim, 'Start-VM', {'Name': 'instance-00000003', 'ComputerName': 'hv3'})
    assert sim.error_ids(step) == ['ObjectNotFound,' + HV % 'StartVM']


def test_power_does_not_bind_parameters_windows_lacks(hvc, sim):
    step = power(hvc, sim, 'Start-VM', {'Name': 'instance-00000004', 'Force': True})
    assert step['errors'][0]['fully_qualified_error_id'] == 'NamedParameterNotFound,' + HV % 'StartVM'
