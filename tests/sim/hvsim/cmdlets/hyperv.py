"""Hyper-V cmdlets (Microsoft docs, winserver2025-ps/Hyper-V; object shapes of module 2.0.0.0)."""

import fnmatch
import uuid

from hvsim import errors, features, migration
from hvsim.cmdlets import cmdlet
from hvsim.psobject import PSObject

MB = 1024 * 1024


def is_clustered(state, vm):
    cluster = state.cluster_of(vm['host'])
    return bool(cluster) and any(group.get('vm_id') == vm['id'] for group in cluster['groups'].values())


def vm_object(state, vm):
    running = vm['state'] in ('Running', 'Paused')
    drives = [PSObject('Microsoft.HyperV.PowerShell.HardDiskDrive', {
        'Path': path, 'ControllerType': 'SCSI', 'ControllerNumber': 0, 'ControllerLocation': index,
        'VMName': vm['name'],
    }, text='Hard Drive on SCSI controller number 0 at location %d' % index) for index, path in enumerate(vm['vhds'])]
    adapters = [PSObject('Microsoft.HyperV.PowerShell.VMNetworkAdapter', {
        'Name': 'Network Adapter', 'SwitchName': nic.get('switch'), 'MacAddress': nic.get('mac', '00155D000000'),
        'VMName': vm['name'],
    }, text='VMNetworkAdapter (Name = \'Network Adapter\', VMName = \'%s\')' % vm['name']) for nic in vm['nics']]
    return PSObject('Microsoft.HyperV.PowerShell.VirtualMachine', {
        'Name': vm['name'],
        'VMName': vm['name'],
        'Id': vm['id'],
        'VMId': vm['id'],
        'State': vm['state'],
        'ComputerName': vm['host'].upper(),
        'IsClustered': is_clustered(state, vm),
        'Path': vm['path'],
        'ConfigurationLocation': vm['path'],
        'SnapshotFileLocation': vm['path'],
        'SmartPagingFilePath': vm['path'],
        'Generation': vm.get('generation', 2),
        'Version': vm.get('version', '10.0'),
        'ProcessorCount': vm.get('processor_count', 2),
        'MemoryStartup': vm['memory_mb'] * MB,
        'MemoryAssigned': vm['memory_mb'] * MB if running else 0,
        'DynamicMemoryEnabled': False,
        'HardDrives': drives,
        'NetworkAdapters': adapters,
        'Uptime': 3600.0 if running else 0.0,
        'Heartbeat': 'OkApplicationsUnknown' if running else None,
    })


def _hosts(ctx, computer_names):
    """The nodes a Hyper-V cmdlet reaches: the local one, or each -ComputerName (unreachable ones write errors)."""
    if not computer_names:
        return [ctx.node_name]
    hosts = []
    for computer in computer_names:
        short = computer.split('.')[0]
        node = ctx.state.node(short)
        if node is None or node.get('power') != 'on' or not features.available(node, 'Hyper-V'):
            ctx.write_error(errors.computer_unreachable(computer))
            continue
        if node['name'] not in hosts:
            hosts.append(node['name'])
    return hosts


@cmdlet('Get-VM')
def get_vm(ctx, Name=None, Id=None, ComputerName=None, CimSession=None, Credential=None, ClusterObject=None):
    hosts = _hosts(ctx, ComputerName)
    found = []
    for host in hosts:
        for vm in sorted(ctx.state.vms_on(host), key=lambda v: v['name']):
            if Id and vm['id'] != Id:
                continue
            if Name and not any(fnmatch.fnmatchcase(vm['name'].lower(), name.lower()) for name in Name):
                continue
            found.append(vm)
    if Id and not found and hosts:
        raise errors.vm_id_not_found(Id)
    for name in Name or []:
        if any(char in name for char in '*?[') or not hosts:
            continue
        if not any(vm['name'].lower() == name.lower() for vm in found):
            ctx.write_error(errors.vm_not_found(name))
    return [vm_object(ctx.state, vm) for vm in found]


# --- hosts, switches, processors ----------------------------------------------------------------------------------

def _reachable(state, computer):
    """The node a Hyper-V cmdlet can reach by this name (on, with Hyper-V), or None."""
    node = state.computer(computer)
    if node is None or node.get('power') != 'on' or not features.available(node, 'Hyper-V'):
        return None
    return node


@cmdlet('Get-VMHost')
def get_vm_host(ctx, ComputerName=None, CimSession=None, Credential=None):
    output = []
    for host in _hosts(ctx, ComputerName):
        node = ctx.state.node(host)
        settings = node.get('vmhost') or {}
        output.append(PSObject('Microsoft.HyperV.PowerShell.VMHost', {
            'Name': node['name'].upper(),
            'ComputerName': node['name'].upper(),
            'FullyQualifiedDomainName': node.get('fqdn') or node['name'],
            'LogicalProcessorCount': node['hardware'].get('logical_processors', 0),
            'MemoryCapacity': node['hardware']['memory_mb'] * MB,
            'VirtualMachinePath': settings.get('VirtualMachinePath'),
            'VirtualHardDiskPath': settings.get('VirtualHardDiskPath'),
            'VirtualMachineMigrationEnabled': bool(settings.get('VirtualMachineMigrationEnabled')),
            'VirtualMachineMigrationAuthenticationType': settings.get('VirtualMachineMigrationAuthenticationType',
                                                                      'CredSSP'),
            'VirtualMachineMigrationPerformanceOption': settings.get('VirtualMachineMigrationPerformanceOption',
                                                                     'Compression'),
            'MaximumVirtualMachineMigrations': settings.get('MaximumVirtualMachineMigrations', 2),
            'MaximumStorageMigrations': settings.get('MaximumStorageMigrations', 2),
            'UseAnyNetworkForMigration': bool(settings.get('UseAnyNetworkForMigration')),
            'NumaSpanningEnabled': bool(settings.get('NumaSpanningEnabled', True)),
        }))
    return output


def switch_id(node_name, switch_name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'hvsim:vswitch:%s:%s' % (node_name.lower(), switch_name.lower())))


def switch_object(node, switch):
    by_name = {nic['name'].lower(): nic for nic in node.get('nics') or []}
    descriptions = [by_name[adapter.lower()]['description'] for adapter in switch.get('adapters') or []
                    if adapter.lower() in by_name]
    external = switch.get('type', 'External') == 'External'
    return PSObject('Microsoft.HyperV.PowerShell.VMSwitch', {
        'Name': switch['name'],
        'Id': switch.get('id') or switch_id(node['name'], switch['name']),
        'SwitchType': switch.get('type', 'External'),
        'ComputerName': node['name'].upper(),
        'AllowManagementOS': bool(switch.get('allow_management_os')),
        'EmbeddedTeamingEnabled': bool(switch.get('embedded_teaming')),
        'NetAdapterInterfaceDescription': (descriptions[0] if descriptions and not switch.get('embedded_teaming')
                                           else None) if external else None,
        'NetAdapterInterfaceDescriptions': descriptions if external else [],
        'BandwidthReservationMode': switch.get('bandwidth_mode', 'Absolute'),
    })


@cmdlet('Get-VMSwitch')
def get_vm_switch(ctx, Name=None, Id=None, SwitchType=None, ResourcePoolName=None, ComputerName=None, CimSession=None,
                  Credential=None):
    output = []
    for host in _hosts(ctx, ComputerName):
        node = ctx.state.node(host)
        switches = [switch_object(node, switch) for switch in node.get('vswitches') or []]
        if Name is not None:
            switches = [switch for switch in switches if fnmatch.fnmatchcase(switch.get('Name').lower(), Name.lower())]
            if not switches and not any(char in Name for char in '*?['):
                ctx.write_error(errors.vswitch_not_found(Name))
        if Id:
            switches = [switch for switch in switches if switch.get('Id') in Id]
        if SwitchType:
            switches = [switch for switch in switches if switch.get('SwitchType') in SwitchType]
        output.extend(switches)
    return output


def _select_vms(ctx, names, vm_objects, computer_names):
    """The VMs named (wildcards allowed) on the hosts reached, or given as objects; a plain name that matches none
    writes the not-found error Get-VM writes."""
    if vm_objects:
        found = []
        for obj in vm_objects if isinstance(vm_objects, list) else [vm_objects]:
            vm = ctx.state.vms.get(obj.get('Id') if isinstance(obj, PSObject) else None)
            if vm is None:
                ctx.write_error(errors.vm_not_found(str(obj)))
            elif vm not in found:
                found.append(vm)
        return found
    hosts = _hosts(ctx, computer_names)
    found = []
    for host in hosts:
        for vm in sorted(ctx.state.vms_on(host), key=lambda v: v['name']):
            if any(fnmatch.fnmatchcase(vm['name'].lower(), name.lower()) for name in names or []):
                found.append(vm)
    for name in names or []:
        if hosts and not any(char in name for char in '*?[') and not any(
                vm['name'].lower() == name.lower() for vm in found):
            ctx.write_error(errors.vm_not_found(name))
    return found


@cmdlet('Get-VMProcessor')
def get_vm_processor(ctx, VMName=None, VM=None, VMSnapshot=None, ComputerName=None, CimSession=None, Credential=None):
    if VMSnapshot is not None:
        raise NotImplementedError('hvsim does not simulate Get-VMProcessor -VMSnapshot')
    return [PSObject('Microsoft.HyperV.PowerShell.VMProcessor', {
        'VMName': vm['name'],
        'VMId': vm['id'],
        'ComputerName': vm['host'].upper(),
        'Count': vm.get('processor_count', 2),
        'CompatibilityForMigrationEnabled': bool(vm.get('processor_compatibility', False)),
        'CompatibilityForMigrationMode': 'MinimumFeatureSet' if vm.get('processor_compatibility') else
                                         'CommonClusterFeatureSet',
    }, text='VMProcessor') for vm in _select_vms(ctx, VMName, VM, ComputerName)]


# --- migrations (tests/sim/MIGRATION.md) --------------------------------------------------------------------------

def _unsupported(cmdlet_name, **given):
    used = sorted(name for name, value in given.items() if value not in (None, False, [], ''))
    if used:
        raise NotImplementedError('hvsim does not simulate %s -%s' % (cmdlet_name, ' -'.join(used)))


def _one_vm(ctx, name, vm_object, computer_names):
    """The one VM Move-VM / Compare-VM act on and the node it is on (terminating errors, as these cmdlets give)."""
    if vm_object is not None:
        obj = vm_object[0] if isinstance(vm_object, list) else vm_object
        vm = ctx.state.vms.get(obj.get('Id') if isinstance(obj, PSObject) else None)
        if vm is None:
            raise errors.vm_not_found(str(obj))
        source = _reachable(ctx.state, vm['host'])
        if source is None:
            raise errors.computer_unreachable(vm['host'])
        return vm, source
    computers = computer_names or [ctx.node_name]
    if len(computers) > 1:
        raise NotImplementedError('hvsim simulates moving a VM from one -ComputerName at a time')
    source = _reachable(ctx.state, computers[0])
    if source is None:
        raise errors.computer_unreachable(computers[0])
    matches = [vm for vm in ctx.state.vms_on(source['name']) if vm['name'].lower() == name.lower()]
    if not matches:
        raise errors.vm_not_found(name)
    if len(matches) > 1:
        raise errors.vm_name_ambiguous(name, source['name'].upper())
    return matches[0], source


def _destination(ctx, destination_host):
    node = _reachable(ctx.state, destination_host)
    if node is None:
        raise errors.computer_unreachable(destination_host)
    return node


@cmdlet('Compare-VM')
def compare_vm(ctx, Name=None, VM=None, DestinationHost=None, ComputerName=None, IncludeStorage=False,
               DestinationStoragePath=None, Credential=None, DestinationCredential=None, ResourcePoolName=None,
               RetainVhdCopiesOnSource=False, AsJob=False, CimSession=None, CompatibilityReport=None, Copy=False,
               DestinationCimSession=None, GenerateNewId=False, Path=None, Register=False, SmartPagingFilePath=None,
               SnapshotFilePath=None, VhdDestinationPath=None, VhdSourcePath=None, Vhds=None,
               VirtualMachinePath=None):
    _unsupported('Compare-VM', AsJob=AsJob, CimSession=CimSession, CompatibilityReport=CompatibilityReport,
                 Copy=Copy, DestinationCimSession=DestinationCimSession, GenerateNewId=GenerateNewId, Path=Path,
                 Register=Register, SmartPagingFilePath=SmartPagingFilePath, SnapshotFilePath=SnapshotFilePath,
                 VhdDestinationPath=VhdDestinationPath, VhdSourcePath=VhdSourcePath, Vhds=Vhds,
                 VirtualMachinePath=VirtualMachinePath)
    vm, _source = _one_vm(ctx, Name, VM, ComputerName)
    destination = _destination(ctx, DestinationHost)
    adapters = {nic.get('switch'): adapter for nic, adapter in zip(vm['nics'], vm_object(ctx.state, vm)
                                                                   .get('NetworkAdapters'))}
    problems = []
    for message_id, message, about in migration.incompatibilities(ctx.state, vm, destination):
        if about.startswith('switch:'):
            source = adapters.get(about.split(':', 1)[1])
        elif about == 'processor':
            source = PSObject('Microsoft.HyperV.PowerShell.VMProcessor', {'VMName': vm['name']}, text='VMProcessor')
        else:
            source = vm_object(ctx.state, vm)
        problems.append(PSObject('Microsoft.HyperV.PowerShell.VMCompatibilityError', {
            'Message': message, 'MessageId': message_id, 'Source': source,
        }, text=message))
    return [PSObject('Microsoft.HyperV.PowerShell.VMCompatibilityReport', {
        'VM': vm_object(ctx.state, vm),
        'OperationType': 'MoveVirtualMachineAndStorage' if IncludeStorage else 'MoveVirtualMachine',
        'Destination': DestinationHost,
        'Path': vm['path'],
        'Incompatibilities': problems,
    }, text='Microsoft.HyperV.PowerShell.VMCompatibilityReport')]


@cmdlet('Move-VM')
def move_vm(ctx, Name=None, VM=None, DestinationHost=None, ComputerName=None, IncludeStorage=False,
            DestinationStoragePath=None, Passthru=False, Credential=None, DestinationCredential=None,
            ResourcePoolName=None, RetainVhdCopiesOnSource=False, RemoveSourceUnmanagedVhds=False, AsJob=False,
            CimSession=None, CompatibilityReport=None, DestinationCimSession=None, SmartPagingFilePath=None,
            SnapshotFilePath=None, Vhds=None, VirtualMachinePath=None):
    _unsupported('Move-VM', AsJob=AsJob, CimSession=CimSession, CompatibilityReport=CompatibilityReport,
                 DestinationCimSession=DestinationCimSession, SmartPagingFilePath=SmartPagingFilePath,
                 SnapshotFilePath=SnapshotFilePath, Vhds=Vhds, VirtualMachinePath=VirtualMachinePath)
    vm, source = _one_vm(ctx, Name, VM, ComputerName)
    destination = _destination(ctx, DestinationHost)
    error = migration.vm_move_error(ctx.state, vm, source, destination, IncludeStorage)
    if error is not None:
        raise error
    outcome = migration.move_vm(ctx.state, vm, source, destination, IncludeStorage, DestinationStoragePath)
    ctx.simulated_ms += outcome.ms
    if not outcome.ok:
        name, src = vm['name'], source['name'].upper()
        if outcome.reason == 'timeout':
            raise errors.migration_timed_out(name, src, migration.UNBOUNDED_TIMEOUT_S)
        if outcome.reason == 'target-down':
            raise errors.migration_connection_lost(name, src, destination['name'].upper())
        if outcome.reason == 'source-down':
            raise errors.migration_connection_lost(name, src, src)
        raise errors.migration_failed(name, src, destination['name'].upper())
    return [vm_object(ctx.state, vm)] if Passthru else []


# --- power --------------------------------------------------------------------------------------------------------

@cmdlet('Stop-VM')
def stop_vm(ctx, Name=None, VM=None, ComputerName=None, Force=False, Save=False, TurnOff=False, Passthru=False,
            AsJob=False, CimSession=None, Credential=None):
    _unsupported('Stop-VM', AsJob=AsJob)
    vms = _select_vms(ctx, Name, VM, ComputerName)
    for vm in vms:
        if Save:
            if vm['state'] == 'Off':
                ctx.write_error(errors.invalid_vm_state(vm['name']))
                continue
            if vm['state'] in migration.RUNNING_STATES:
                vm['state'] = 'Saved'
        elif vm['state'] != 'Off':
            vm['state'] = 'Off'       # a saved VM's saved state is discarded
    return [vm_object(ctx.state, vm) for vm in vms] if Passthru else []


@cmdlet('Start-VM')
def start_vm(ctx, Name=None, VM=None, ComputerName=None, Passthru=False, AsJob=False, CimSession=None,
             Credential=None):
    _unsupported('Start-VM', AsJob=AsJob)
    vms = _select_vms(ctx, Name, VM, ComputerName)
    capacity = migration.Capacity(ctx.state)
    for vm in vms:
        if vm['state'] == 'Paused':
            vm['state'] = 'Running'
        elif vm['state'] in ('Off', 'Saved'):
            if capacity.free(vm['host']) < vm['memory_mb']:
                ctx.write_error(errors.not_enough_memory_to_start(vm['name']))
                continue
            capacity.relocate(vm, vm['host'], 'Running')
    return [vm_object(ctx.state, vm) for vm in vms] if Passthru else []


@cmdlet('Save-VM')
def save_vm(ctx, Name=None, VM=None, ComputerName=None, Passthru=False, AsJob=False, CimSession=None,
            Credential=None):
    _unsupported('Save-VM', AsJob=AsJob)
    vms = _select_vms(ctx, Name, VM, ComputerName)
    for vm in vms:
        if vm['state'] == 'Off':
            ctx.write_error(errors.invalid_vm_state(vm['name']))
        elif vm['state'] in migration.RUNNING_STATES:
            vm['state'] = 'Saved'
    return [vm_object(ctx.state, vm) for vm in vms] if Passthru else []
