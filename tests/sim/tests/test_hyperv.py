"""Hyper-V cmdlets of the simulator (hvsim/cmdlets/hyperv.py): Get-VM as the Hyper-V module 2.0.0.0 behaves."""

import pytest

GETVM = 'Microsoft.HyperV.PowerShell.Commands.GetVM'
GIB = 1024 ** 3


@pytest.fixture
def hv(make_lab):
    """hvc1 = hv1..hv3; instance-00000001 (hv1, clustered), -02 (hv2), -03 (hv3), -04 (hv1); local-0001 (hv1)."""
    return make_lab(nodes=3, vms=4, clustered_vms=1, local_vms=1)


def names(step):
    return [row['Name'] for row in step['output']]


def vm_id(lab, name):
    return lab.show()['vms'][name]['id']


def test_get_vm_without_parameters_lists_the_local_vms_by_name(hv, sim):
    step = sim.one(hv, 'hv1', 'Get-VM', select=['Name'])
    assert step['status'] == 'ok'
    assert names(step) == ['instance-00000001', 'instance-00000004', 'local-0001']


@pytest.mark.parametrize('parameter', ['Name', 'VMName', 'vmname'])
def test_get_vm_by_name(hv, sim, parameter):
    step = sim.one(hv, 'hv2', 'Get-VM', {parameter: 'INSTANCE-00000002'}, ['Name'])
    assert step['status'] == 'ok' and names(step) == ['instance-00000002']


def test_get_vm_object_shape(hv, sim):
    select = ['Name', 'VMName', 'Id', 'VMId', 'State', 'ComputerName', 'IsClustered', 'Path', 'Generation',
              'ProcessorCount', 'MemoryStartup', 'MemoryAssigned', 'HardDrives.Path', 'NetworkAdapters.SwitchName']
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': ['instance-00000001', 'local-0001']}, select)
    clustered, local = step['output']
    assert clustered == {
        'Name': 'instance-00000001', 'VMName': 'instance-00000001', 'Id': vm_id(hv, 'instance-00000001'),
        'VMId': vm_id(hv, 'instance-00000001'), 'State': 'Running', 'ComputerName': 'HV1', 'IsClustered': True,
        'Path': 'C:\\ClusterStorage\\Volume1\\instance-00000001', 'Generation': 2, 'ProcessorCount': 2,
        'MemoryStartup': 2 * GIB, 'MemoryAssigned': 2 * GIB,
        'HardDrives.Path': ['C:\\ClusterStorage\\Volume1\\instance-00000001\\Virtual Hard Disks\\'
                            'instance-00000001.vhdx'],
        'NetworkAdapters.SwitchName': ['External'],
    }
    assert local['IsClustered'] is False
    assert local['Path'] == 'D:\\Hyper-V\\local-0001'


def test_stopped_vm_has_no_memory_assigned(hv, sim):
    with sim.edit(hv) as state:
        next(vm for vm in state.vms.values() if vm['name'] == 'instance-00000004')['state'] = 'Off'
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': 'instance-00000004'}, ['State', 'MemoryAssigned', 'MemoryStartup'])
    assert step['output'] == [{'State': 'Off', 'MemoryAssigned': 0, 'MemoryStartup': 2 * GIB}]


def test_get_vm_by_id(hv, sim):
    wanted = vm_id(hv, 'instance-00000004')
    step = sim.one(hv, 'hv1', 'Get-VM', {'Id': wanted.upper()}, ['Name', 'Id'])
    assert step['output'] == [{'Name': 'instance-00000004', 'Id': wanted}]


def test_get_vm_by_id_of_a_vm_on_another_host(hv, sim):
    wanted = vm_id(hv, 'instance-00000002')
    step = sim.one(hv, 'hv1', 'Get-VM', {'Id': wanted}, ['Name'])
    assert step['output'] == []
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'InvalidParameter,' + GETVM
    assert error['category'] == 'InvalidArgument'
    assert error['message'] == 'Hyper-V was unable to find a virtual machine with id "%s".' % wanted


@pytest.mark.parametrize('pattern, expected', [
    ('instance-*', ['instance-00000001', 'instance-00000004']),
    ('*-0001', ['local-0001']),
    ('INSTANCE-0000000?', ['instance-00000001', 'instance-00000004']),
    ('nothing*', []),
])
def test_get_vm_wildcards(hv, sim, pattern, expected):
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': pattern}, ['Name'])
    assert step['status'] == 'ok'          # a wildcard that matches nothing is no error
    assert names(step) == expected


def test_get_vm_not_found_is_microsofts_error(hv, sim):
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': 'instance-00000002'}, ['Name'])   # it runs on hv2
    assert step['output'] == []
    (error,) = step['errors']
    assert error['message'] == 'Hyper-V was unable to find a virtual machine with name "instance-00000002".'
    assert error['fully_qualified_error_id'] == 'InvalidParameter,' + GETVM
    assert error['category'] == 'InvalidArgument'
    assert error['target'] == 'instance-00000002'
    assert error['exception_type'] == 'Microsoft.HyperV.PowerShell.VirtualizationException'


def test_get_vm_several_names_some_missing(hv, sim):
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': ['instance-00000004', 'nope', 'instance-00000001']}, ['Name'])
    assert names(step) == ['instance-00000001', 'instance-00000004']
    assert [error['target'] for error in step['errors']] == ['nope']


def test_get_vm_on_several_computers(hv, sim):
    step = sim.one(hv, 'hv3', 'Get-VM', {'ComputerName': ['hv1', 'HV2.corp.example.com']},
                   ['Name', 'ComputerName'])
    assert step['status'] == 'ok'
    assert step['output'] == [
        {'Name': 'instance-00000001', 'ComputerName': 'HV1'}, {'Name': 'instance-00000004', 'ComputerName': 'HV1'},
        {'Name': 'local-0001', 'ComputerName': 'HV1'}, {'Name': 'instance-00000002', 'ComputerName': 'HV2'},
    ]


def test_get_vm_by_name_across_computers(hv, sim):
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': 'instance-00000003', 'ComputerName': ['hv1', 'hv2', 'hv3']},
                   ['Name', 'ComputerName'])
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'instance-00000003', 'ComputerName': 'HV3'}]


def test_get_vm_with_an_unreachable_computer_still_returns_the_others(hv, sim):
    with sim.edit(hv) as state:
        state.nodes['hv2']['power'] = 'off'
    step = sim.one(hv, 'hv1', 'Get-VM', {'Name': 'instance-*', 'ComputerName': ['hv2', 'hv3']},
                   ['Name', 'ComputerName'])
    assert step['status'] == 'error'       # a non-terminating error: the step reports it ...
    assert step['output'] == [{'Name': 'instance-00000003', 'ComputerName': 'HV3'}]   # ... and its output
    (error,) = step['errors']
    assert error['category'] == 'ObjectNotFound'
    assert error['target'] == 'hv2'
    assert "computer 'hv2'" in error['message']


def test_get_vm_on_an_unknown_computer(hv, sim):
    step = sim.one(hv, 'hv1', 'Get-VM', {'ComputerName': 'hv9'}, ['Name'])
    assert step['output'] == [] and [error['target'] for error in step['errors']] == ['hv9']


def test_get_vm_on_a_computer_without_hyper_v(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    with sim.edit(lab) as state:
        state.nodes['hv2']['features']['Hyper-V']['installed'] = False
    step = sim.one(lab, 'hv1', 'Get-VM', {'ComputerName': 'hv2'})
    assert step['status'] == 'error' and step['output'] == []


def test_clustered_flag_follows_the_cluster_group(hv, sim):
    outcome = sim.run(hv, 'hv2', 'write', [
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000004'}),
        sim.call('vm', 'Get-VM', {'Name': 'instance-00000004', 'ComputerName': 'hv1'}, ['IsClustered']),
    ])
    assert sim.steps(outcome)['vm']['output'] == [{'IsClustered': True}]
