# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.vmhost: a Hyper-V host's live migration settings, NUMA spanning and default paths.

Every decision is in ``execute``: one read (Get-VMHost, Get-VMMigrationNetwork), the differences in Python, at most
one write. Only the options given are managed; the others are left as they are.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import InvalidInputError

AUTHENTICATION = {'kerberos': 'Kerberos', 'credssp': 'CredSSP'}
PERFORMANCE = {'tcpip': 'TCPIP', 'compression': 'Compression', 'smb': 'SMB'}
ABSOLUTE_PATH = re.compile(r'^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)')
HOST_SELECT = ['Name', 'VirtualMachineMigrationEnabled', 'VirtualMachineMigrationAuthenticationType',
               'VirtualMachineMigrationPerformanceOption', 'MaximumVirtualMachineMigrations',
               'MaximumStorageMigrations', 'UseAnyNetworkForMigration', 'NumaSpanningEnabled', 'VirtualMachinePath',
               'VirtualHardDiskPath']
# option -> (Set-VMHost parameter, how the option's value is written)
SETTINGS = {
    'authentication': ('VirtualMachineMigrationAuthenticationType', AUTHENTICATION.get),
    'performance': ('VirtualMachineMigrationPerformanceOption', PERFORMANCE.get),
    'max_live_migrations': ('MaximumVirtualMachineMigrations', int),
    'max_storage_migrations': ('MaximumStorageMigrations', int),
    'use_any_network': ('UseAnyNetworkForMigration', bool),
    'numa_spanning': ('NumaSpanningEnabled', bool),
    'vm_path': ('VirtualMachinePath', str),
    'vhd_path': ('VirtualHardDiskPath', str),
}


def _subnet(value, label):
    try:
        return str(ipaddress.ip_network(str(value), strict=False))
    except ValueError as error:
        raise InvalidInputError(label, 'migration network %r is not a subnet' % value,
                                'Give it in CIDR form, like 10.10.2.0/24.') from error


def _view(row, networks):
    networks = sorted(networks, key=lambda network: network['subnet'])
    return {
        'live_migration': bool(row.get('VirtualMachineMigrationEnabled')),
        'authentication': {v: k for k, v in AUTHENTICATION.items()}.get(
            row.get('VirtualMachineMigrationAuthenticationType'), row.get('VirtualMachineMigrationAuthenticationType')),
        'performance': {v: k for k, v in PERFORMANCE.items()}.get(
            row.get('VirtualMachineMigrationPerformanceOption'), row.get('VirtualMachineMigrationPerformanceOption')),
        'max_live_migrations': row.get('MaximumVirtualMachineMigrations'),
        'max_storage_migrations': row.get('MaximumStorageMigrations'),
        'use_any_network': bool(row.get('UseAnyNetworkForMigration')),
        'migration_networks': networks,
        'numa_spanning': bool(row.get('NumaSpanningEnabled')),
        'vm_path': row.get('VirtualMachinePath'),
        'vhd_path': row.get('VirtualHardDiskPath'),
    }


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        live_migration=dict(type='bool'),
        authentication=dict(type='str', choices=list(AUTHENTICATION)),
        performance=dict(type='str', choices=list(PERFORMANCE)),
        max_live_migrations=dict(type='int'),
        max_storage_migrations=dict(type='int'),
        migration_networks=dict(type='list', elements='dict', options=dict(
            subnet=dict(type='str', required=True),
            priority=dict(type='int'),
        )),
        use_any_network=dict(type='bool'),
        numa_spanning=dict(type='bool'),
        vm_path=dict(type='str'),
        vhd_path=dict(type='str'),
    )

    def execute(self, params, host):
        label = 'Hyper-V host %s' % host.name
        for option in ('max_live_migrations', 'max_storage_migrations'):
            if params[option] is not None and params[option] < 1:
                raise InvalidInputError(label, '%s must be 1 or more (got %d)' % (option, params[option]),
                                        'Give how many migrations may run at the same time.')
        for option in ('vm_path', 'vhd_path'):
            if params[option] is not None and not ABSOLUTE_PATH.match(params[option]):
                raise InvalidInputError(label, '%s %r is not an absolute path' % (option, params[option]),
                                        'Give a folder like C:\\ClusterStorage\\Volume1\\Hyper-V.')
        wanted_networks = None
        if params['migration_networks'] is not None:
            wanted_networks = [{'subnet': _subnet(item['subnet'], label), 'priority': item['priority']}
                               for item in params['migration_networks']]
            if params['use_any_network'] is True and wanted_networks:
                raise InvalidInputError(label, 'use_any_network is true, so migration_networks would not be used',
                                        'Set use_any_network: false (the default with migration_networks) or remove '
                                        'migration_networks.')

        read = Batch('read')
        read.call('host', 'Get-VMHost', select=HOST_SELECT)
        read.call('networks', 'Get-VMMigrationNetwork', select=['Subnet', 'Priority'])
        found = host.read(read)
        for step_id in ('host', 'networks'):
            if not found[step_id].ok:
                _cluster.raise_step_error(label, found[step_id], 'reading the host settings failed',
                                          'Check that Hyper-V and its PowerShell module are installed (the '
                                          'cluster_prereqs role).')
        networks = [{'subnet': _subnet(row['Subnet'], label), 'priority': row.get('Priority')}
                    for row in found['networks'].output]
        before = _view(found['host'].first() or {}, networks)
        after = dict(before)
        write = Batch('write')

        if params['live_migration'] is not None and params['live_migration'] != before['live_migration']:
            write.call('migration', 'Enable-VMMigration' if params['live_migration'] else 'Disable-VMMigration')
            after['live_migration'] = params['live_migration']
        settings = {}
        wanted = dict(params)
        if wanted_networks is not None and params['use_any_network'] is None:
            wanted['use_any_network'] = not wanted_networks
        for option, (parameter, convert) in SETTINGS.items():
            value = wanted[option]
            if value is None:
                continue
            current = before[option]
            same = (str(current or '').rstrip('\\').lower() == value.rstrip('\\').lower()
                    if option in ('vm_path', 'vhd_path') else current == value)
            if not same:
                settings[parameter] = convert(value)
                after[option] = value
        if settings:
            write.call('settings', 'Set-VMHost', settings)
        if wanted_networks is not None:
            current = {network['subnet']: network for network in networks}
            target = {network['subnet']: network for network in wanted_networks}
            for subnet, network in current.items():
                if subnet not in target or target[subnet]['priority'] not in (None, network['priority']):
                    write.call('remove_%d' % len(write.steps), 'Remove-VMMigrationNetwork', {'Subnet': subnet})
            for subnet, network in target.items():
                if subnet not in current or network['priority'] not in (None, current[subnet]['priority']):
                    parameters = {'Subnet': subnet}
                    if network['priority'] is not None:
                        parameters['Priority'] = network['priority']
                    write.call('add_%d' % len(write.steps), 'Add-VMMigrationNetwork', parameters)
            after['migration_networks'] = sorted((
                {'subnet': subnet, 'priority': network['priority'] if network['priority'] is not None
                 else current.get(subnet, {}).get('priority')} for subnet, network in target.items()),
                key=lambda network: network['subnet'])
        changed = bool(write.steps)
        warnings = []
        if 'NumaSpanningEnabled' in settings:
            warnings.append('NUMA spanning changes apply to VMs started after the Hyper-V Virtual Machine '
                            'Management service (vmms) restarts: restart it, or the host, during maintenance.')
        if after['live_migration'] and after['authentication'] == 'credssp':
            warnings.append('CredSSP live migration needs an interactive logon on the source host and breaks under '
                            'Credential Guard (on by default on Windows Server 2025); prefer authentication: kerberos '
                            'with constrained delegation.')
        result = {'changed': changed, 'host': after, 'diff': {'before': before, 'after': after}}
        if warnings:
            result['warnings'] = warnings
        if not changed or self.check_mode:
            return result
        write.call('final_host', 'Get-VMHost', select=HOST_SELECT)
        write.call('final_networks', 'Get-VMMigrationNetwork', select=['Subnet', 'Priority'])
        done = host.write(write)
        if done.failed_steps:
            _cluster.raise_step_error(label, done.failed_steps[0], 'changing the host settings failed',
                                      'Fix the value and rerun.', host=before)
        final = _view(done['final_host'].first() or {},
                      [{'subnet': _subnet(row['Subnet'], label), 'priority': row.get('Priority')}
                       for row in done['final_networks'].output])
        result.update(host=final, diff={'before': before, 'after': final})
        return result
