# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading Hyper-V hosts and their VMs: the read steps, and the parsing of what Windows returns.

FOR INTERNAL COLLECTION USE ONLY. Shared by the modules that place VMs on hosts (vm_migration, cluster_node).
Host names are compared by their short name, case-insensitively: Windows reports ``HV1`` (Get-VM ComputerName),
``hv1`` (Get-ClusterNode) or ``hv1.corp.example.com`` (a user's inventory) for the same computer.
"""

from __future__ import annotations

MB = 1024 * 1024

# Get-VM -Name and the cluster cmdlets' -Name treat these as wildcards: such a name could select other VMs.
WILDCARD_CHARACTERS = ('*', '?', '[', ']')

VM_SELECT = ['Name', 'Id', 'State', 'ComputerName', 'IsClustered', 'Path', 'ConfigurationLocation',
             'HardDrives.Path', 'MemoryStartup', 'MemoryAssigned', 'NetworkAdapters.SwitchName']
# Enough to account for the memory of every VM on a host, and to spot a name or Id that is already taken.
VM_MEMORY_SELECT = ['Name', 'Id', 'State', 'MemoryAssigned']
VMHOST_SELECT = ['Name', 'ComputerName', 'FullyQualifiedDomainName', 'MemoryCapacity', 'LogicalProcessorCount',
                 'VirtualMachinePath', 'VirtualMachineMigrationEnabled']
SWITCH_SELECT = ['Name', 'SwitchType']
PROCESSOR_SELECT = ['VMName', 'CompatibilityForMigrationEnabled']
COMPARE_SELECT = ['VM', 'OperationType', 'Destination', 'Incompatibilities.Message', 'Incompatibilities.MessageId']

# VMCompatibilityError.MessageId values of Compare-VM (tests/sim/MIGRATION.md).
INCOMPATIBLE_SWITCH = 33012
INCOMPATIBLE_PROCESSOR = 24004
SAME_ID_ON_DESTINATION = 21016

RUNNING_STATES = ('Running', 'Paused')


def short_name(name):
    """``HV1.corp.example.com`` -> ``hv1``: the form host names are compared in."""
    return str(name).split('.', 1)[0].lower() if name else ''


def same_host(left, right):
    return bool(left) and bool(right) and short_name(left) == short_name(right)


def spelled_as(name, known):
    """``name`` as the first of ``known`` that names the same host spells it (the cluster's spelling of a node),
    else its short name as given."""
    for candidate in known:
        if same_host(candidate, name):
            return candidate
    return str(name).split('.', 1)[0] if name else name


def is_vm_not_found(error):
    """Get-VM reports a missing VM as InvalidParameter / InvalidArgument ("Hyper-V was unable to find a virtual
    machine with name ..."), not as ObjectNotFound."""
    return error.error_id == 'InvalidParameter' and 'unable to find a virtual machine' in error.message


def unreachable_hosts(step):
    """The computers a Hyper-V read could not reach (its errors other than 'no such VM')."""
    hosts = []
    for error in step.errors:
        if is_vm_not_found(error) or error.is_binding_error:
            continue
        hosts.append(error.target or error.message.strip())
    return hosts


def _list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _mb(value):
    return int(value) // MB if value is not None else None


def parse_vm(row):
    return {
        'name': row.get('Name'),
        'id': row.get('Id'),
        'state': row.get('State'),
        'computer_name': row.get('ComputerName'),
        'is_clustered': bool(row.get('IsClustered')),
        'path': row.get('Path'),
        'configuration_location': row.get('ConfigurationLocation'),
        'hard_drives': [path for path in _list(row.get('HardDrives.Path')) if path],
        'memory_startup_mb': _mb(row.get('MemoryStartup')),
        'memory_assigned_mb': _mb(row.get('MemoryAssigned')),
        'switches': [name for name in _list(row.get('NetworkAdapters.SwitchName')) if name],
    }


def vm_files(vm):
    """Every file of a parsed VM that must be reachable from the host that runs it."""
    files = []
    for path in [vm.get('path'), vm.get('configuration_location')] + list(vm.get('hard_drives') or []):
        if path and path not in files:
            files.append(path)
    return files


def memory_needed_mb(vm):
    """What a host must have free to run the VM: its startup memory, or more if it was given more since."""
    return max(vm.get('memory_startup_mb') or 0, vm.get('memory_assigned_mb') or 0)


def parse_vmhost(row):
    return {
        'name': row.get('Name'),
        'computer_name': row.get('ComputerName'),
        'fqdn': row.get('FullyQualifiedDomainName'),
        'memory_capacity_mb': _mb(row.get('MemoryCapacity')),
        'logical_processors': row.get('LogicalProcessorCount'),
        'virtual_machine_path': row.get('VirtualMachinePath'),
        'migration_enabled': bool(row.get('VirtualMachineMigrationEnabled')),
    }


def free_memory_mb(vmhost, vm_rows):
    """MemoryCapacity of the host minus the MemoryAssigned of the VMs on it (rows of VM_MEMORY_SELECT)."""
    used = sum(_mb(row.get('MemoryAssigned')) or 0 for row in vm_rows)
    return (vmhost['memory_capacity_mb'] or 0) - used


def parse_incompatibilities(step):
    """Compare-VM's report as [{'message_id': int or None, 'message': str}]."""
    found = []
    for row in step.output:
        messages = _list(row.get('Incompatibilities.Message'))
        ids = _list(row.get('Incompatibilities.MessageId'))
        for index, message in enumerate(messages):
            message_id = ids[index] if index < len(ids) else None
            try:
                message_id = int(message_id) if message_id is not None else None
            except (TypeError, ValueError):
                pass
            found.append({'message_id': message_id, 'message': (message or '').strip()})
    return found


def join_path(root, leaf):
    return '%s\\%s' % (root.rstrip('\\'), leaf)
