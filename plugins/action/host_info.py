# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.host_info: one read of a Hyper-V host's own settings, virtual switches and virtual machines."""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster, _hyperv
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch

SUBSETS = ('vmhost', 'vswitches', 'vms')
VSWITCH_SELECT = ['Name', 'Id', 'SwitchType', 'AllowManagementOS', 'EmbeddedTeamingEnabled',
                  'NetAdapterInterfaceDescription']
VMHOST_SELECT = ['Name', 'FullyQualifiedDomainName', 'LogicalProcessorCount', 'MemoryCapacity', 'VirtualMachinePath',
                 'VirtualHardDiskPath', 'VirtualMachineMigrationEnabled', 'VirtualMachineMigrationAuthenticationType',
                 'MaximumVirtualMachineMigrations', 'MaximumStorageMigrations', 'UseAnyNetworkForMigration',
                 'NumaSpanningEnabled']
VM_SELECT = ['Name', 'Id', 'State', 'IsClustered', 'Path', 'MemoryAssigned']
_READS = {'vmhost': ('Get-VMHost', VMHOST_SELECT), 'vswitches': ('Get-VMSwitch', VSWITCH_SELECT),
          'vms': ('Get-VM', VM_SELECT)}


def parse_vswitch(row):
    return {'name': row['Name'], 'id': row.get('Id'), 'switch_type': row.get('SwitchType'),
            'allow_management_os': row.get('AllowManagementOS'),
            'embedded_teaming': row.get('EmbeddedTeamingEnabled'),
            'net_adapter_interface_description': row.get('NetAdapterInterfaceDescription')}


def parse_vmhost(row):
    return {'name': row.get('Name'), 'fqdn': row.get('FullyQualifiedDomainName'),
            'logical_processor_count': row.get('LogicalProcessorCount'),
            'memory_capacity_bytes': row.get('MemoryCapacity'),
            'virtual_machine_path': row.get('VirtualMachinePath'),
            'virtual_hard_disk_path': row.get('VirtualHardDiskPath'),
            'live_migration_enabled': row.get('VirtualMachineMigrationEnabled'),
            'live_migration_authentication': row.get('VirtualMachineMigrationAuthenticationType'),
            'max_live_migrations': row.get('MaximumVirtualMachineMigrations'),
            'max_storage_migrations': row.get('MaximumStorageMigrations'),
            'live_migration_any_network': row.get('UseAnyNetworkForMigration'),
            'numa_spanning': row.get('NumaSpanningEnabled')}


def parse_vm(row):
    memory = row.get('MemoryAssigned')
    return {'name': row.get('Name'), 'id': row.get('Id'), 'state': row.get('State'),
            'clustered': bool(row.get('IsClustered')), 'path': row.get('Path'),
            'memory_assigned_mb': int(memory) // _hyperv.MB if memory is not None else None}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        gather_subset=dict(type='list', elements='str', default=['all'], choices=('all',) + SUBSETS),
    )

    def execute(self, params, host):
        subsets = set(SUBSETS) if 'all' in params['gather_subset'] else set(params['gather_subset'])
        batch = Batch('read')
        for subset in SUBSETS:
            if subset in subsets:
                cmdlet, select = _READS[subset]
                batch.call(subset, cmdlet, select=select)
        # Without the Hyper-V PowerShell module the host simply has no Hyper-V to report.
        result = host.read(batch, missing_ok=batch.cmdlets)
        steps = [result[subset] for subset in SUBSETS if subset in subsets]
        hyperv = not any(error.is_command_not_found for step in steps for error in step.errors)
        info = {'changed': False, 'hyperv': hyperv}
        for subset in SUBSETS:
            if subset not in subsets:
                continue
            step = result[subset]
            if not hyperv:
                info[subset] = None if subset == 'vmhost' else []
                continue
            if not step.ok:
                _cluster.raise_step_error('host %s' % host.name, step, 'reading %s failed' % subset)
            if subset == 'vswitches':
                info[subset] = [parse_vswitch(row) for row in step.output]
            elif subset == 'vms':
                info[subset] = sorted((parse_vm(row) for row in step.output), key=lambda vm: (vm['name'] or '').lower())
            else:
                info[subset] = parse_vmhost(step.first() or {}) if step.output else None
        return info
