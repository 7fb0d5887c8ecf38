"""Hyper-V cmdlets (Microsoft docs, winserver2025-ps/Hyper-V; object shapes of module 2.0.0.0)."""

import fnmatch

from hvsim import errors
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
        if node is None or node.get('power') != 'on' or not node['features'].get('Hyper-V', {}).get('installed'):
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
