"""VM moves in the simulator against tests/sim/MIGRATION.md: reading hosts, Compare-VM, cluster moves
(Move-ClusterVirtualMachineRole), shared-nothing and storage moves (Move-VM), armed migration faults, simulated time.

After every outcome, and every fault above all, exactly one registered copy of the VM must exist (``one_copy``).
"""

import pytest

from hvsim import faults, migration

GIB = 1024 ** 3
MOVE_ROLE = 'Move-ClusterVirtualMachineRole'
GC = 'Microsoft.FailoverClusters.PowerShell.%sCommand'
HV = 'Microsoft.HyperV.PowerShell.Commands.%s'
GROUP = ['Name', 'OwnerNode', 'State']
VMROW = ['Name', 'Id', 'ComputerName', 'State', 'Path', 'HardDrives.Path']


@pytest.fixture
def hvc(make_lab):
    """hvc1 = hv1..hv3; instance-1 (hv1), -2 (hv2), -3 (hv3) clustered; -4 (hv1), -5 (hv2), -6 (hv3) on CSVs but not
    clustered; local-0001 on hv1's local disk."""
    return make_lab(nodes=3, vms=6, clustered_vms=3, local_vms=1)


@pytest.fixture
def two(make_lab):
    """hvc1 = hv1, hv2 and hvc2 = hv3, hv4; instance-1..4 clustered (one per node), -5..8 not; local-0001 on hv1."""
    return make_lab(nodes=4, clusters=2, vms=8, clustered_vms=4, local_vms=1)


# --- helpers ------------------------------------------------------------------------------------------------------

def record(lab, name):
    return next(vm for vm in lab.raw_state()['vms'].values() if vm['name'] == name)


def vm_of(state, name):
    return next(vm for vm in state.vms.values() if vm['name'] == name)


def group_of(lab, name, cluster='hvc1'):
    return lab.show()['clusters'][cluster]['groups'][name]


def leave_room(state, node, room_mb):
    """Give a node exactly ``room_mb`` of free memory for VMs."""
    used = sum(vm['memory_mb'] for vm in state.vms_on(node) if vm['state'] in ('Running', 'Paused'))
    state.nodes[node]['hardware']['memory_mb'] = state.nodes[node]['host_reserve_mb'] + used + room_mb


def messages(step):
    return [error['message'] for error in step['errors']]


def hosts_running_get_vm(lab, sim, name):
    """The up nodes whose Get-VM lists the VM: what a user sees of where it is registered."""
    nodes = [node for node, data in lab.show()['nodes'].items() if data['power'] == 'on']
    step = sim.one(lab, nodes[0], 'Get-VM', {'ComputerName': nodes}, ['Name', 'ComputerName'])
    return [row['ComputerName'].lower() for row in step['output'] if row['Name'] == name]


def one_copy(lab, sim, name):
    """Exactly one registered copy of the VM: no two records share an Id, the VM's record is on one lab node, its
    cluster role (if any) is owned by that node, and Get-VM finds it on that node only (when the node is up)."""
    state = lab.raw_state()
    ids = [vm['id'] for vm in state['vms'].values()]
    assert len(ids) == len(set(ids)), 'two VMs share an Id'
    copies = [vm for vm in state['vms'].values() if vm['name'] == name]
    assert len(copies) == 1, copies
    (vm,) = copies
    assert vm['host'] in state['nodes']
    for cluster in state['clusters'].values():
        for group in cluster['groups'].values():
            if group.get('vm_id') == vm['id']:
                assert group['owner'].lower() == vm['host'].lower(), (group, vm)
    expected = [vm['host']] if state['nodes'][vm['host']]['power'] == 'on' else []
    assert hosts_running_get_vm(lab, sim, name) == expected
    return vm


def move_role(lab, sim, parameters, node='hv1', select=None):
    return sim.one(lab, node, MOVE_ROLE, parameters, GROUP if select is None else select, mode='write')


def move_vm(lab, sim, parameters, node='hv1', select=None):
    return sim.one(lab, node, 'Move-VM', parameters, select, mode='write')


def arm(lab, sim, kind, node):
    with sim.edit(lab) as state:
        faults.arm(state, kind, node)


def armed(lab):
    return lab.show()['faults']


# --- reading: Get-Cluster / -Cluster through a node, Get-VMHost, Get-VMSwitch, Get-VMProcessor --------------------

@pytest.mark.parametrize('name', ['hvc1', 'HVC1', 'hvc1.corp.example.com', 'hv2', 'HV2', 'hv2.corp.example.com'])
def test_get_cluster_name_is_the_cluster_or_one_of_its_nodes(two, sim, name):
    step = sim.one(two, 'hv3', 'Get-Cluster', {'Name': name}, ['Name'])
    assert step['status'] == 'ok' and step['output'] == [{'Name': 'hvc1'}]


@pytest.mark.parametrize('cmdlet, parameters', [
    ('Get-ClusterNode', {}), ('Get-ClusterGroup', {}), ('Get-ClusterSharedVolume', {}), ('Get-ClusterQuorum', {}),
    ('Get-ClusterNetwork', {}), ('Get-ClusterOwnerNode', {'Group': 'instance-00000003'}),
])
def test_every_cluster_parameter_reaches_a_cluster_through_a_node(two, sim, cmdlet, parameters):
    by_cluster = sim.one(two, 'hv1', cmdlet, dict(parameters, Cluster='hvc2'))
    for node in ('hv4', 'HV4.corp.example.com', 'hv3'):
        step = sim.one(two, 'hv1', cmdlet, dict(parameters, Cluster=node))
        assert step['status'] == 'ok', step
        assert step['output'] == by_cluster['output']
    names = sim.one(two, 'hv1', 'Get-ClusterNode', {'Cluster': 'hv4.corp.example.com'}, ['Name'])['output']
    assert names == [{'Name': 'hv3'}, {'Name': 'hv4'}]


@pytest.mark.parametrize('name', ['nothing', 'hv9.corp.example.com', 'hv1.other.example.com'])
def test_an_unknown_name_reaches_no_cluster(two, sim, name):
    for cmdlet, parameters in (('Get-Cluster', {'Name': name}), ('Get-ClusterGroup', {'Cluster': name})):
        step = sim.one(two, 'hv1', cmdlet, parameters)
        (error,) = step['errors']
        assert error['fully_qualified_error_id'] == 'ClusterRpcConnection,' + GC % cmdlet.replace('-', '')
        assert error['category'] == 'ConnectionError' and error['target'] == name


def test_a_standalone_host_reaches_no_cluster(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    for name in ('hv2', 'hv2.corp.example.com'):
        step = sim.one(lab, 'hv1', 'Get-Cluster', {'Name': name})
        assert sim.error_ids(step) == ['ClusterRpcConnection,' + GC % 'GetCluster']
        assert step['errors'][0]['category'] == 'ConnectionError'


def test_a_node_that_is_off_does_not_answer_for_its_cluster(two, sim):
    with sim.edit(two) as state:
        faults.node_down(state, 'hv4')
    assert sim.one(two, 'hv1', 'Get-Cluster', {'Name': 'hv4'})['errors'][0]['category'] == 'ConnectionError'
    assert sim.one(two, 'hv1', 'Get-Cluster', {'Name': 'hv3'}, ['Name'])['output'] == [{'Name': 'hvc2'}]


VMHOST_PROPERTIES = ['Name', 'ComputerName', 'FullyQualifiedDomainName', 'LogicalProcessorCount', 'MemoryCapacity',
                     'VirtualMachinePath', 'VirtualHardDiskPath', 'VirtualMachineMigrationEnabled',
                     'VirtualMachineMigrationAuthenticationType', 'VirtualMachineMigrationPerformanceOption',
                     'MaximumVirtualMachineMigrations', 'MaximumStorageMigrations', 'UseAnyNetworkForMigration',
                     'NumaSpanningEnabled']


def test_get_vmhost_shape(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-VMHost', select=VMHOST_PROPERTIES)
    assert step['status'] == 'ok'
    assert step['output'] == [{
        'Name': 'HV1', 'ComputerName': 'HV1', 'FullyQualifiedDomainName': 'hv1.corp.example.com',
        'LogicalProcessorCount': 64, 'MemoryCapacity': 384 * GIB,
        'VirtualMachinePath': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V',
        'VirtualHardDiskPath': 'C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks',
        'VirtualMachineMigrationEnabled': True, 'VirtualMachineMigrationAuthenticationType': 'Kerberos',
        'VirtualMachineMigrationPerformanceOption': 'Compression', 'MaximumVirtualMachineMigrations': 2,
        'MaximumStorageMigrations': 2, 'UseAnyNetworkForMigration': False, 'NumaSpanningEnabled': True,
    }]


def test_get_vmhost_of_remote_computers_writes_an_error_for_the_unreachable_ones(hvc, sim):
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv3')
    step = sim.one(hvc, 'hv1', 'Get-VMHost', {'ComputerName': ['hv2.corp.example.com', 'hv3', 'hv9']}, ['Name'])
    assert step['output'] == [{'Name': 'HV2'}]
    assert sim.error_ids(step) == ['ObjectNotFound,' + HV % 'GetVMHost'] * 2
    assert [error['target'] for error in step['errors']] == ['hv3', 'hv9']


def test_free_memory_as_the_product_computes_it(hvc, sim):
    # MemoryCapacity minus the MemoryAssigned of the VMs on the host: hv1 runs instance-1, -4 and local-0001.
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['state'] = 'Off'
    capacity = sim.one(hvc, 'hv1', 'Get-VMHost', select=['MemoryCapacity'])['output'][0]['MemoryCapacity']
    assigned = sim.one(hvc, 'hv1', 'Get-VM', select=['MemoryAssigned', 'MemoryStartup'])['output']
    assert sorted(row['MemoryAssigned'] for row in assigned) == [0, 2 * GIB, 2 * GIB]
    assert {row['MemoryStartup'] for row in assigned} == {2 * GIB}
    assert capacity - sum(row['MemoryAssigned'] for row in assigned) == 380 * GIB


def test_the_simulators_free_memory_is_the_products(hvc, sim):
    """A live move fits exactly when MemoryCapacity - sum(MemoryAssigned) on the destination covers MemoryStartup."""
    def free_bytes(node):
        capacity = sim.one(hvc, 'hv1', 'Get-VMHost', {'ComputerName': node}, ['MemoryCapacity'])['output']
        assigned = sim.one(hvc, 'hv1', 'Get-VM', {'ComputerName': node}, ['MemoryAssigned'])['output']
        return capacity[0]['MemoryCapacity'] - sum(row['MemoryAssigned'] for row in assigned)

    with sim.edit(hvc) as state:
        used = sum(vm['memory_mb'] for vm in state.vms_on('hv2'))
        state.nodes['hv2']['hardware']['memory_mb'] = used + 2047
    assert free_bytes('hv2') == 2047 * 1024 * 1024
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})['status'] == 'error'
    with sim.edit(hvc) as state:
        state.nodes['hv2']['hardware']['memory_mb'] += 1
    assert free_bytes('hv2') == 2 * GIB
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})['status'] == 'ok'
    assert free_bytes('hv2') == 0


SWITCH_PROPERTIES = ['Name', 'Id', 'SwitchType', 'ComputerName', 'AllowManagementOS', 'EmbeddedTeamingEnabled',
                     'NetAdapterInterfaceDescription', 'BandwidthReservationMode']


def test_get_vmswitch_shape(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-VMSwitch', select=SWITCH_PROPERTIES)
    (row,) = step['output']
    assert row == dict(row, Name='External', SwitchType='External', ComputerName='HV1', AllowManagementOS=False,
                       EmbeddedTeamingEnabled=False, BandwidthReservationMode='Weight',
                       NetAdapterInterfaceDescription='Intel(R) Ethernet Controller X710 for 10GbE SFP+ #4')
    assert len(row['Id']) == 36
    remote = sim.one(hvc, 'hv1', 'Get-VMSwitch', {'Name': 'external', 'ComputerName': ['hv2', 'hv3']},
                     ['Name', 'ComputerName', 'Id'])['output']
    assert [item['ComputerName'] for item in remote] == ['HV2', 'HV3']
    assert len({row['Id'], remote[0]['Id'], remote[1]['Id']}) == 3


def test_get_vmswitch_missing_name(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-VMSwitch', {'Name': 'Storage'}, ['Name'])
    assert step['output'] == []
    (error,) = step['errors']
    assert error['message'] == 'Hyper-V was unable to find a virtual switch with name "Storage".'
    assert error['fully_qualified_error_id'] == 'InvalidParameter,' + HV % 'GetVMSwitch'
    assert error['category'] == 'InvalidArgument'
    assert sim.one(hvc, 'hv1', 'Get-VMSwitch', {'Name': 'Stor*'})['errors'] == []


def test_get_vmprocessor(hvc, sim):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['processor_compatibility'] = True
    select = ['VMName', 'Count', 'CompatibilityForMigrationEnabled']
    names = ['instance-00000001', 'instance-00000004']
    step = sim.one(hvc, 'hv3', 'Get-VMProcessor', {'VMName': names, 'ComputerName': 'hv1'}, select)
    assert step['output'] == [
        {'VMName': 'instance-00000001', 'Count': 2, 'CompatibilityForMigrationEnabled': False},
        {'VMName': 'instance-00000004', 'Count': 2, 'CompatibilityForMigrationEnabled': True},
    ]
    missing = sim.one(hvc, 'hv1', 'Get-VMProcessor', {'VMName': 'instance-00000002'})
    assert sim.error_ids(missing) == ['InvalidParameter,' + HV % 'GetVMProcessor']


# --- Compare-VM ---------------------------------------------------------------------------------------------------

COMPARE = ['VM', 'OperationType', 'Destination', 'Incompatibilities.MessageId', 'Incompatibilities.Message']


def compare(lab, sim, parameters, node='hv1'):
    step = sim.one(lab, node, 'Compare-VM', parameters, COMPARE)
    assert step['status'] == 'ok', step
    (report,) = step['output']
    return report


def test_compare_vm_compatible(hvc, sim):
    before = hvc.raw_state()
    report = compare(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    assert report == {'VM': 'instance-00000004', 'OperationType': 'MoveVirtualMachine', 'Destination': 'hv2',
                      'Incompatibilities.MessageId': [], 'Incompatibilities.Message': []}
    report = compare(hvc, sim, {'Name': 'instance-00000001', 'ComputerName': 'hv1', 'DestinationHost': 'hv3',
                                'IncludeStorage': True, 'DestinationStoragePath': 'D:\\VMs'}, node='hv2')
    assert report['OperationType'] == 'MoveVirtualMachineAndStorage'
    assert hvc.raw_state() == before        # it changes nothing


def test_compare_vm_reports_a_missing_switch(hvc, sim):
    with sim.edit(hvc) as state:
        state.nodes['hv2']['vswitches'][0]['name'] = 'Production'
        vm_of(state, 'instance-00000004')['state'] = 'Off'       # the switch matters whatever the VM's state
    report = compare(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    assert report['Incompatibilities.MessageId'] == [33012]
    assert report['Incompatibilities.Message'] == ["Could not find Ethernet switch 'External'."]


@pytest.mark.parametrize('vendor, generation, compatibility, state, incompatible', [
    ('AuthenticAMD', 3, False, 'Running', True),    # another vendor
    ('AuthenticAMD', 3, True, 'Running', True),     # compatibility mode never covers a vendor change
    ('AuthenticAMD', 3, False, 'Off', False),       # a VM that is not running restarts on the new processor
    ('GenuineIntel', 2, False, 'Running', True),    # an older generation
    ('GenuineIntel', 2, True, 'Running', False),    # ... covered by compatibility mode
    ('GenuineIntel', 2, False, 'Saved', False),
    ('GenuineIntel', 4, False, 'Running', False),   # a newer generation is fine
    ('GenuineIntel', 3, False, 'Paused', False),
    ('GenuineIntel', 2, False, 'Paused', True),     # a paused VM is in memory: it counts as running
])
def test_compare_vm_processor(hvc, sim, vendor, generation, compatibility, state, incompatible):
    with sim.edit(hvc) as lab_state:
        lab_state.nodes['hv2']['hardware'].update(cpu_vendor=vendor, cpu_generation=generation)
        vm = vm_of(lab_state, 'instance-00000004')
        vm.update(processor_compatibility=compatibility, state=state)
    report = compare(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    if incompatible:
        assert report['Incompatibilities.MessageId'] == [24004]
        assert report['Incompatibilities.Message'] == [
            "The virtual machine 'instance-00000004' is using processor-specific features not supported on host "
            "'hv2'."]
    else:
        assert report['Incompatibilities.MessageId'] == []


def test_compare_vm_reports_the_same_id_on_the_destination(hvc, sim):
    # Compare-VM to the VM's own host: the destination already has a VM with its identifier.
    report = compare(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv1'})
    assert report['Incompatibilities.MessageId'] == [21016]
    assert report['Incompatibilities.Message'] == ["A virtual machine with the same identifier already exists on "
                                                   "'hv1'."]


def test_compare_vm_lists_every_incompatibility(hvc, sim):
    with sim.edit(hvc) as state:
        state.nodes['hv2']['vswitches'] = []
        state.nodes['hv2']['hardware']['cpu_vendor'] = 'AuthenticAMD'
        stale = dict(vm_of(state, 'instance-00000004'), host='hv2', state='Off')
        state.vms['stale-copy'] = stale
    report = compare(hvc, sim, {'Name': 'instance-00000004', 'ComputerName': 'hv1', 'DestinationHost': 'hv2'},
                     node='hv3')
    assert report['Incompatibilities.MessageId'] == [33012, 24004, 21016]


@pytest.mark.parametrize('breakage', ['down', 'no_hyperv', 'unknown'])
def test_compare_vm_to_an_unreachable_destination_is_a_terminating_error(hvc, sim, breakage):
    destination = 'hv9' if breakage == 'unknown' else 'hv2'
    with sim.edit(hvc) as state:
        if breakage == 'down':
            faults.node_down(state, 'hv2')
        elif breakage == 'no_hyperv':
            state.nodes['hv2']['features']['Hyper-V']['installed'] = False
    before = hvc.raw_state()
    step = sim.one(hvc, 'hv1', 'Compare-VM', {'Name': 'instance-00000004', 'DestinationHost': destination})
    assert step['output'] == []
    assert sim.error_ids(step) == ['ObjectNotFound,' + HV % 'CompareVM']
    assert step['errors'][0]['target'] == destination
    assert hvc.raw_state() == before


def test_compare_vm_of_a_missing_vm(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Compare-VM', {'Name': 'instance-00000002', 'DestinationHost': 'hv3'})
    assert sim.error_ids(step) == ['InvalidParameter,' + HV % 'CompareVM']


# --- Move-ClusterVirtualMachineRole -------------------------------------------------------------------------------

def test_live_move_of_a_running_role(hvc, sim):
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv2', 'State': 'Online'}]
    assert 2048 <= step['elapsed_ms'] < 2048 + 1000       # 1 ms per MB of a 2 GiB VM
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv2' and vm['state'] == 'Running'
    assert group_of(hvc, 'instance-00000001')['owner'] == 'hv2'


@pytest.mark.parametrize('parameters', [
    {'Name': 'INSTANCE-00000001', 'Node': 'HV2.corp.example.com', 'MigrationType': 'live'},
    {'VMId': 'ID', 'Node': 'hv2', 'Wait': 60},
    {'Name': 'instance-00000001', 'Node': 'hv2', 'Cluster': 'hv3'},
])
def test_role_node_and_cluster_spellings(hvc, sim, parameters):
    if parameters.get('VMId') == 'ID':
        parameters = dict(parameters, VMId=record(hvc, 'instance-00000001')['id'])
    step = move_role(hvc, sim, parameters)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv2', 'State': 'Online'}]


def test_move_to_the_owner_is_a_no_op(hvc, sim):
    before = hvc.raw_state()
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv1'})
    assert step['status'] == 'ok' and step['elapsed_ms'] < 1000
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    assert hvc.raw_state() == before


@pytest.mark.parametrize('node_state', ['Paused', 'Down'])
def test_a_paused_or_down_node_cannot_host_the_role(hvc, sim, node_state):
    if node_state == 'Paused':
        assert sim.one(hvc, 'hv2', 'Suspend-ClusterNode', mode='write')['status'] == 'ok'
    else:
        with sim.edit(hvc) as state:
            faults.node_down(state, 'hv2')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == '%s,%s' % (MOVE_ROLE, GC % 'MoveClusterVirtualMachineRole')
    assert 'the node is not in a state to host the role' in error['message']
    assert error['category'] == 'InvalidOperation'
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv1' and vm['state'] == 'Running'


@pytest.mark.parametrize('parameters, kind, category', [
    ({'Name': 'instance-00000009', 'Node': 'hv2'}, 'group', 'ObjectNotFound'),
    ({'Name': 'instance-00000004', 'Node': 'hv2'}, 'group', 'ObjectNotFound'),     # a VM, but not clustered
    ({'Name': 'instance-00000001', 'Node': 'hv7'}, 'node', 'ObjectNotFound'),
    ({'Name': 'Cluster Group', 'Node': 'hv2'}, None, 'InvalidArgument'),
])
def test_move_role_errors(hvc, sim, parameters, kind, category):
    before = hvc.raw_state()
    step = move_role(hvc, sim, parameters)
    (error,) = step['errors']
    assert error['category'] == category
    if kind:
        assert "The cluster %s could not be found" % kind in error['message']
    else:
        assert "is not a virtual machine role" in error['message']
    assert hvc.raw_state() == before


def test_without_node_the_cluster_places_the_role_as_a_failover_does(make_lab, sim):
    lab = make_lab(nodes=4, vms=6, clustered_vms=1)       # hv2 runs instance-2 and -6, hv3 -3, hv4 -4
    # The node with the most free memory: hv3 or hv4 (one VM each); the first listed wins a tie.
    step = move_role(lab, sim, {'Name': 'instance-00000001'})
    assert step['output'][0]['OwnerNode'] == 'hv3'
    # A preferred owner that is Up and has room comes first, however busy.
    with sim.edit(lab) as state:
        state.clusters['hvc1']['groups']['instance-00000001']['preferred_owners'] = ['hv2', 'hv1']
    step = move_role(lab, sim, {'Name': 'instance-00000001'}, node='hv3')
    assert step['output'][0]['OwnerNode'] == 'hv2'
    # No room anywhere: an error, the role stays.
    with sim.edit(lab) as state:
        for node in ('hv1', 'hv3', 'hv4'):
            leave_room(state, node, 1024)
    step = move_role(lab, sim, {'Name': 'instance-00000001'})
    assert step['errors'][0]['category'] == 'ResourceUnavailable'
    assert one_copy(lab, sim, 'instance-00000001')['host'] == 'hv2'


def test_live_move_checks_free_memory_and_returns_to_the_source(hvc, sim):
    with sim.edit(hvc) as state:
        leave_room(state, 'hv2', 2047)
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    (error,) = step['errors']
    assert error['category'] == 'ResourceUnavailable'
    assert 'Not enough memory' in error['message']
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv1' and vm['state'] == 'Running'
    assert group_of(hvc, 'instance-00000001') == dict(group_of(hvc, 'instance-00000001'), owner='hv1',
                                                      state='Online')
    with sim.edit(hvc) as state:
        leave_room(state, 'hv2', 2048)
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})['status'] == 'ok'


@pytest.mark.parametrize('vm_state', ['Running', 'Paused'])
def test_quick_move_saves_moves_and_restores(hvc, sim, vm_state):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000001')['state'] = vm_state
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3', 'MigrationType': 'Quick'})
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv3', 'State': 'Online'}]
    assert 1524 <= step['elapsed_ms'] < 1524 + 1000       # 500 ms + 0.5 ms per MB
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv3' and vm['state'] == 'Running'


@pytest.mark.parametrize('migration_type', ['Shutdown', 'ShutdownForce', 'TurnOff'])
def test_shutdown_moves_end_off_on_the_destination(hvc, sim, migration_type):
    with sim.edit(hvc) as state:
        leave_room(state, 'hv3', 0)      # an Off VM needs no memory
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3', 'MigrationType': migration_type})
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv3', 'State': 'Offline'}]
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv3' and vm['state'] == 'Off'


@pytest.mark.parametrize('migration_type', ['Live', 'Quick', 'Shutdown', 'TurnOff'])
@pytest.mark.parametrize('vm_state', ['Off', 'Saved'])
def test_an_offline_role_just_changes_owner(hvc, sim, migration_type, vm_state):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000001')['state'] = vm_state
        leave_room(state, 'hv2', 0)
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'MigrationType': migration_type})
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv2', 'State': 'Offline'}]
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv2' and vm['state'] == vm_state


def test_wait_0_returns_at_once_and_the_move_completes_at_the_next_call(hvc, sim):
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 0})
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    assert step['elapsed_ms'] < 1000
    assert record(hvc, 'instance-00000001')['host'] == 'hv1'       # still on the source
    # The next cmdlet call on the cluster, even in a read batch, completes it, for good.
    step = sim.one(hvc, 'hv3', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, GROUP)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv2', 'State': 'Online'}]
    assert record(hvc, 'instance-00000001')['host'] == 'hv2'
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    one_copy(hvc, sim, 'instance-00000001')


def test_wait_0_completes_only_when_a_call_reaches_that_cluster(two, sim):
    move_role(two, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 0})
    sim.one(two, 'hv3', 'Get-VM')                                  # hvc2 only
    sim.one(two, 'hv4', 'Get-ClusterGroup')
    assert record(two, 'instance-00000001')['host'] == 'hv1'
    step = sim.one(two, 'hv3', 'Get-ClusterGroup', {'Cluster': 'hv1.corp.example.com', 'Name': 'instance-00000001'},
                   GROUP)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv2', 'State': 'Online'}]


def test_wait_0_moves_complete_in_order_and_a_failure_leaves_the_role_on_its_source(hvc, sim):
    arm(hvc, sim, 'migration-fail', 'hv3')
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3', 'Wait': 0})['status'] == 'ok'
    assert armed(hvc) == []                                         # consumed when the migration started
    assert move_role(hvc, sim, {'Name': 'instance-00000002', 'Node': 'hv3', 'Wait': 0},
                     node='hv2')['status'] == 'ok'
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-*'}, GROUP)
    assert [row['OwnerNode'] for row in step['output']] == ['hv1', 'hv3', 'hv3']
    for name in ('instance-00000001', 'instance-00000002'):
        one_copy(hvc, sim, name)


def test_wait_0_completion_rechecks_the_destination(hvc, sim):
    move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 0})
    with sim.edit(hvc) as state:
        leave_room(state, 'hv2', 1024)                             # hv2 filled up meanwhile
    step = sim.one(hvc, 'hv1', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, GROUP)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    one_copy(hvc, sim, 'instance-00000001')


def test_a_destination_that_goes_down_before_completion_ends_the_move(hvc, sim):
    move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 0})
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv2')
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    step = sim.one(hvc, 'hv1', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, GROUP)
    assert step['output'][0]['OwnerNode'] == 'hv1'
    one_copy(hvc, sim, 'instance-00000001')


def test_timeout_with_wait_n_leaves_the_move_in_progress_until_cancelled(hvc, sim):
    arm(hvc, sim, 'migration-timeout', 'hv2')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 30})
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    assert 30000 <= step['elapsed_ms'] < 31000
    assert armed(hvc) == []
    # Still in progress: later calls do not complete it, another move fails.
    sim.one(hvc, 'hv1', 'Get-ClusterGroup')
    (pending,) = hvc.raw_state()['clusters']['hvc1']['pending']
    assert pending['group'] == 'instance-00000001' and pending['hung'] is True
    for node in ('hv2', 'hv3'):
        busy = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': node})
        (error,) = busy['errors']
        assert error['category'] == 'ResourceBusy'
        assert 'moving to another node' in error['message']
    assert one_copy(hvc, sim, 'instance-00000001')['host'] == 'hv1'
    # -Cancel: the VM stays online on the source, and it can move again.
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Cancel': True})
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv1' and vm['state'] == 'Running'
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})['output'][0]['OwnerNode'] == 'hv2'


def test_timeout_with_wait_0_hangs_too(hvc, sim):
    arm(hvc, sim, 'migration-timeout', 'hv3')
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3', 'Wait': 0})['status'] == 'ok'
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, GROUP)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online'}]
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3'})['errors'][0]['category'] == 'ResourceBusy'
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Cancel': True})['status'] == 'ok'
    assert one_copy(hvc, sim, 'instance-00000001')['host'] == 'hv1'


def test_timeout_without_wait_fails_after_the_unbounded_timeout(hvc, sim):
    arm(hvc, sim, 'migration-timeout', 'hv2')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    (error,) = step['errors']
    assert 'The operation timed out' in error['message'] and error['category'] == 'OperationTimeout'
    assert step['elapsed_ms'] >= migration.UNBOUNDED_TIMEOUT_S * 1000
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    assert one_copy(hvc, sim, 'instance-00000001')['host'] == 'hv1'


def test_cancel_without_a_move_in_progress_changes_nothing(hvc, sim):
    before = hvc.raw_state()
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Cancel': True})
    assert step['status'] == 'ok' and step['output'][0]['OwnerNode'] == 'hv1'
    assert hvc.raw_state() == before


def test_a_hung_move_ends_when_its_source_goes_down(hvc, sim):
    arm(hvc, sim, 'migration-timeout', 'hv2')
    move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2', 'Wait': 5})
    with sim.edit(hvc) as state:
        moved = dict(faults.node_down(state, 'hv1'))
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == moved['instance-00000001'] and vm['state'] == 'Running'


# --- faults on cluster moves --------------------------------------------------------------------------------------

def test_migration_fail_leaves_the_role_unchanged_on_its_source(hvc, sim):
    arm(hvc, sim, 'migration-fail', 'hv3')          # another destination: not this move's
    arm(hvc, sim, 'migration-fail', 'hv2')
    before = record(hvc, 'instance-00000001')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == '%s,%s' % (MOVE_ROLE, GC % 'MoveClusterVirtualMachineRole')
    assert armed(hvc) == [{'kind': 'migration-fail', 'node': 'hv3'}]
    assert one_copy(hvc, sim, 'instance-00000001') == before
    assert group_of(hvc, 'instance-00000001')['state'] == 'Online'


def test_node_down_during_migration(hvc, sim):
    arm(hvc, sim, 'node-down-during-migration', 'hv2')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'})
    assert step['status'] == 'error' and step['errors'][0]['category'] == 'ConnectionError'
    show = hvc.show()
    assert show['nodes']['hv2']['state'] == 'Down' and show['nodes']['hv2']['power'] == 'off'
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] == 'hv1' and vm['state'] == 'Running'
    # hv2's own role failed over, as with node-down.
    assert one_copy(hvc, sim, 'instance-00000002')['host'] in ('hv1', 'hv3')
    assert armed(hvc) == []


def test_source_down_during_migration(hvc, sim):
    arm(hvc, sim, 'source-down-during-migration', 'hv1')
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv2'}, node='hv3')
    assert step['status'] == 'error'
    show = hvc.show()
    assert show['nodes']['hv1']['state'] == 'Down'
    vm = one_copy(hvc, sim, 'instance-00000001')
    assert vm['host'] in ('hv2', 'hv3') and vm['state'] == 'Running'     # failed over
    for name in ('instance-00000004', 'local-0001'):                      # not clustered: off on hv1
        assert show['vms'][name]['host'] == 'hv1' and show['vms'][name]['state'] == 'Off'
        one_copy(hvc, sim, name)


def test_a_fault_applies_to_the_move_it_names_only(hvc, sim):
    arm(hvc, sim, 'source-down-during-migration', 'hv3')      # only a move from hv3
    arm(hvc, sim, 'node-down-during-migration', 'hv1')        # only a move to hv1
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv3'})['status'] == 'ok'
    assert len(armed(hvc)) == 2
    step = move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv1'})       # from hv3: the first applies
    assert step['status'] == 'error'
    assert armed(hvc) == [{'kind': 'node-down-during-migration', 'node': 'hv1'}]
    assert hvc.show()['nodes']['hv3']['state'] == 'Down'
    one_copy(hvc, sim, 'instance-00000001')


# --- Move-VM ------------------------------------------------------------------------------------------------------

def test_move_vm_refuses_a_clustered_vm(hvc, sim):
    before = hvc.raw_state()
    step = move_vm(hvc, sim, {'Name': 'instance-00000001', 'DestinationHost': 'hv2'})
    (error,) = step['errors']
    assert error['message'] == (
        "Virtual machine migration operation for 'instance-00000001' failed at migration source 'HV1'. The virtual "
        "machine is a clustered role; remove it from the cluster or move it with the cluster.")
    assert error['category'] == 'InvalidOperation'
    assert error['fully_qualified_error_id'].endswith(',' + HV % 'MoveVM')
    assert hvc.raw_state() == before


def test_move_vm_within_the_cluster_on_a_csv(hvc, sim):
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2', 'Passthru': True}, select=VMROW)
    (row,) = step['output']
    assert row == dict(row, Name='instance-00000004', ComputerName='HV2', State='Running',
                       Id=record(hvc, 'instance-00000004')['id'],
                       Path='C:\\ClusterStorage\\Volume2\\instance-00000004')
    assert 2048 <= step['elapsed_ms'] < 3048
    vm = one_copy(hvc, sim, 'instance-00000004')
    assert vm['host'] == 'hv2' and vm['state'] == 'Running'


def test_move_vm_without_passthru_returns_nothing(hvc, sim):
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'ComputerName': 'hv1.corp.example.com',
                              'DestinationHost': 'HV3.corp.example.com'}, node='hv2')
    assert step['status'] == 'ok' and step['output'] == []
    assert one_copy(hvc, sim, 'instance-00000004')['host'] == 'hv3'


def test_move_vm_on_an_smb_share_needs_no_storage_move(two, sim):
    with sim.edit(two) as state:
        vm = vm_of(state, 'instance-00000005')          # hv1, not clustered
        vm['path'] = '\\\\fs01.corp.example.com\\vms\\instance-00000005'
        vm['vhds'] = ['\\\\fs01.corp.example.com\\vms\\instance-00000005\\disk.vhdx']
    step = move_vm(two, sim, {'Name': 'instance-00000005', 'DestinationHost': 'hv4'})   # another cluster
    assert step['status'] == 'ok', step
    vm = one_copy(two, sim, 'instance-00000005')
    assert vm['host'] == 'hv4' and vm['path'] == '\\\\fs01.corp.example.com\\vms\\instance-00000005'


def test_move_vm_refuses_a_local_path_without_storage(hvc, sim):
    before = hvc.raw_state()
    step = move_vm(hvc, sim, {'Name': 'local-0001', 'DestinationHost': 'hv2'})
    (error,) = step['errors']
    assert "'D:\\Hyper-V\\local-0001'" in error['message'] and error['category'] == 'ObjectNotFound'
    assert error['target'] == 'D:\\Hyper-V\\local-0001'
    assert hvc.raw_state() == before


def test_move_vm_names_the_first_unreachable_file(hvc, sim):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['vhds'].append('E:\\Disks\\data.vhdx')
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    assert step['errors'][0]['target'] == 'E:\\Disks\\data.vhdx'
    assert one_copy(hvc, sim, 'instance-00000004')['host'] == 'hv1'


def test_move_vm_refuses_a_csv_of_another_cluster_without_storage(two, sim):
    step = move_vm(two, sim, {'Name': 'instance-00000005', 'DestinationHost': 'hv3'})
    (error,) = step['errors']
    assert 'C:\\ClusterStorage\\Volume2\\instance-00000005' in error['message']
    assert one_copy(two, sim, 'instance-00000005')['host'] == 'hv1'


def test_move_vm_with_storage_to_a_path(two, sim):
    step = move_vm(two, sim, {'Name': 'instance-00000005', 'DestinationHost': 'hv3', 'IncludeStorage': True,
                              'DestinationStoragePath': 'C:\\ClusterStorage\\Volume1\\instance-00000005\\',
                              'Passthru': True}, select=VMROW)
    (row,) = step['output']
    assert row['ComputerName'] == 'HV3' and row['State'] == 'Running'
    assert row['Path'] == 'C:\\ClusterStorage\\Volume1\\instance-00000005'
    assert row['HardDrives.Path'] == ['C:\\ClusterStorage\\Volume1\\instance-00000005\\Virtual Hard Disks\\'
                                      'instance-00000005.vhdx']
    # A live migration (2 GiB: 2048 ms) plus a storage move (4 GiB of disk: 1 ms per 4 MB = 1024 ms).
    assert 3072 <= step['elapsed_ms'] < 4072
    one_copy(two, sim, 'instance-00000005')


def test_move_vm_with_storage_and_no_path_keeps_the_paths(hvc, sim):
    step = move_vm(hvc, sim, {'Name': 'local-0001', 'DestinationHost': 'hv3', 'IncludeStorage': True})
    assert step['status'] == 'ok', step
    vm = one_copy(hvc, sim, 'local-0001')
    assert vm['host'] == 'hv3' and vm['path'] == 'D:\\Hyper-V\\local-0001'
    assert vm['vhds'] == ['D:\\Hyper-V\\local-0001\\Virtual Hard Disks\\local-0001.vhdx']


@pytest.mark.parametrize('host', ['hv1', 'hv2'])
def test_move_vm_needs_live_migration_enabled_on_both_hosts(hvc, sim, host):
    with sim.edit(hvc) as state:
        state.nodes[host]['vmhost']['VirtualMachineMigrationEnabled'] = False
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    (error,) = step['errors']
    assert "host '%s'" % host.upper() in error['message'] and error['category'] == 'NotEnabled'
    assert one_copy(hvc, sim, 'instance-00000004')['host'] == 'hv1'


@pytest.mark.parametrize('breakage, fragment', [
    ('memory', 'Not enough memory'),
    ('switch', "Could not find Ethernet switch 'External'."),
    ('vendor', "is using processor-specific features not supported on host 'hv2'"),
    ('generation', "is using processor-specific features not supported on host 'hv2'"),
])
def test_move_vm_of_a_running_vm_checks_the_destination(hvc, sim, breakage, fragment):
    with sim.edit(hvc) as state:
        if breakage == 'memory':
            leave_room(state, 'hv2', 2047)
        elif breakage == 'switch':
            state.nodes['hv2']['vswitches'] = []
        elif breakage == 'vendor':
            state.nodes['hv2']['hardware']['cpu_vendor'] = 'AuthenticAMD'
        else:
            state.nodes['hv2']['hardware']['cpu_generation'] = 2
    before = record(hvc, 'instance-00000004')
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    (error,) = step['errors']
    assert fragment in error['message']
    assert one_copy(hvc, sim, 'instance-00000004') == before
    # The same checks do not stop a VM that is off: it moves in its state.
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['state'] = 'Off'
    assert move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})['status'] == 'ok'
    vm = one_copy(hvc, sim, 'instance-00000004')
    assert vm['host'] == 'hv2' and vm['state'] == 'Off'


def test_processor_compatibility_allows_an_older_generation(hvc, sim):
    with sim.edit(hvc) as state:
        state.nodes['hv2']['hardware']['cpu_generation'] = 1
        vm_of(state, 'instance-00000004')['processor_compatibility'] = True
    assert move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})['status'] == 'ok'


def test_a_saved_vm_moves_saved(hvc, sim):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['state'] = 'Saved'
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv3'})
    assert step['status'] == 'ok' and step['elapsed_ms'] < 1000      # nothing in memory to copy
    vm = one_copy(hvc, sim, 'instance-00000004')
    assert vm['host'] == 'hv3' and vm['state'] == 'Saved'


def test_move_vm_to_its_own_host_or_onto_a_copy_is_refused(hvc, sim):
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv1'})
    assert 'A virtual machine with the same identifier already exists on' in step['errors'][0]['message']
    assert one_copy(hvc, sim, 'instance-00000004')['host'] == 'hv1'


@pytest.mark.parametrize('parameters, error_id, target', [
    ({'Name': 'instance-00000004', 'DestinationHost': 'hv9'}, 'ObjectNotFound', 'hv9'),
    ({'Name': 'instance-00000004', 'ComputerName': 'hv9', 'DestinationHost': 'hv2'}, 'ObjectNotFound', 'hv9'),
    ({'Name': 'instance-00000002', 'DestinationHost': 'hv3'}, 'InvalidParameter', 'instance-00000002'),
])
def test_move_vm_unreachable_host_or_missing_vm(hvc, sim, parameters, error_id, target):
    before = hvc.raw_state()
    step = move_vm(hvc, sim, parameters)
    assert sim.error_ids(step) == ['%s,%s' % (error_id, HV % 'MoveVM')]
    assert step['errors'][0]['target'] == target
    assert hvc.raw_state() == before


def test_move_vm_to_a_destination_that_is_down(hvc, sim):
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv3')
    step = move_vm(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv3'})
    assert sim.error_ids(step) == ['ObjectNotFound,' + HV % 'MoveVM']
    assert one_copy(hvc, sim, 'instance-00000004')['host'] == 'hv1'


# --- faults on Move-VM --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind, node', [
    ('migration-fail', 'hv2'), ('migration-timeout', 'hv2'), ('node-down-during-migration', 'hv2'),
    ('source-down-during-migration', 'hv1'),
])
def test_move_vm_faults(hvc, sim, kind, node):
    arm(hvc, sim, kind, node)
    before = record(hvc, 'local-0001')
    step = move_vm(hvc, sim, {'Name': 'local-0001', 'ComputerName': 'hv1', 'DestinationHost': 'hv2',
                              'IncludeStorage': True, 'DestinationStoragePath': 'D:\\VMs\\local-0001'}, node='hv3')
    (error,) = step['errors']
    assert error['fully_qualified_error_id'].endswith(',' + HV % 'MoveVM')
    assert armed(hvc) == []
    vm = one_copy(hvc, sim, 'local-0001')
    assert vm['host'] == 'hv1' and vm['path'] == before['path'] and vm['vhds'] == before['vhds']
    show = hvc.show()
    if kind == 'migration-timeout':
        assert 'The operation timed out' in error['message'] and error['category'] == 'OperationTimeout'
        assert step['elapsed_ms'] >= migration.UNBOUNDED_TIMEOUT_S * 1000
    if kind == 'node-down-during-migration':
        assert show['nodes']['hv2']['state'] == 'Down'
        assert show['clusters']['hvc1']['groups']['instance-00000002']['owner'] in ('hv1', 'hv3')
    if kind == 'source-down-during-migration':
        assert show['nodes']['hv1']['state'] == 'Down' and vm['state'] == 'Off'
        # hv1's clustered role failed over; its other VMs stay off on it.
        assert show['vms']['instance-00000001']['host'] in ('hv2', 'hv3')
        assert show['vms']['instance-00000004'] == dict(show['vms']['instance-00000004'], host='hv1', state='Off')
    else:
        assert vm['state'] == before['state'] == 'Running'
    for name in show['vms']:
        one_copy(hvc, sim, name)


def test_compare_vm_consumes_no_fault(hvc, sim):
    arm(hvc, sim, 'migration-fail', 'hv2')
    compare(hvc, sim, {'Name': 'instance-00000004', 'DestinationHost': 'hv2'})
    assert armed(hvc) == [{'kind': 'migration-fail', 'node': 'hv2'}]


def test_a_move_refused_by_its_checks_consumes_no_fault(hvc, sim):
    arm(hvc, sim, 'migration-fail', 'hv2')
    assert move_vm(hvc, sim, {'Name': 'local-0001', 'DestinationHost': 'hv2'})['status'] == 'error'
    assert move_role(hvc, sim, {'Name': 'instance-00000001', 'Node': 'hv7'})['status'] == 'error'
    assert armed(hvc) == [{'kind': 'migration-fail', 'node': 'hv2'}]


# --- the reference subset -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('cmdlet, parameters', [
    ('Move-VM', {'Name': 'instance-00000004', 'DestinationHost': 'hv2', 'Wait': 5}),
    ('Move-ClusterVirtualMachineRole', {'Name': 'instance-00000001', 'MigrationType': 'Fast'}),
    ('Compare-VM', {'Name': 'instance-00000004', 'Destination': 'hv2'}),
])
def test_calls_windows_would_not_bind_fail_the_same_way(hvc, sim, cmdlet, parameters):
    before = hvc.raw_state()
    step = sim.one(hvc, 'hv1', cmdlet, parameters, mode='write')
    assert step['errors'][0]['exception_type'] == 'System.Management.Automation.ParameterBindingException'
    assert hvc.raw_state() == before
