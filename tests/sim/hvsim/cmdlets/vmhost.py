"""Hyper-V host settings: Set-VMHost, Enable-/Disable-VMMigration, Get-/Add-/Remove-VMMigrationNetwork.
Semantics: tests/sim/HOSTS.md. The settings live in ``nodes.*.vmhost`` (the keys are Get-VMHost's property names),
migration networks in ``nodes.*.vmhost.MigrationNetworks`` as ``[{"Subnet", "Priority"}]``.
"""

import ipaddress
import re

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.hyperv import _hosts, get_vm_host
from hvsim.psobject import PSObject

ABSOLUTE_PATH = re.compile(r'^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)')


def _settings(ctx, host):
    return ctx.state.node(host).setdefault('vmhost', {})


def _invalid(name, value, reason):
    return errors.CmdletError("Failed to modify service settings: the value '%s' of %s is not valid: %s."
                              % (value, name, reason), 'InvalidParameter', 'InvalidArgument', value,
                              'Microsoft.HyperV.PowerShell.VirtualizationException')


@cmdlet('Set-VMHost')
def set_vm_host(ctx, ComputerName=None, CimSession=None, Credential=None, VirtualMachinePath=None,
                VirtualHardDiskPath=None, MaximumVirtualMachineMigrations=None, MaximumStorageMigrations=None,
                VirtualMachineMigrationAuthenticationType=None, VirtualMachineMigrationPerformanceOption=None,
                UseAnyNetworkForMigration=None, NumaSpanningEnabled=None, EnableEnhancedSessionMode=None,
                ResourceMeteringSaveInterval=None, FibreChannelWwnn=None, FibreChannelWwpnMaximum=None,
                FibreChannelWwpnMinimum=None, MacAddressMaximum=None, MacAddressMinimum=None, Passthru=False):
    changes = {}
    for name, value in (('VirtualMachinePath', VirtualMachinePath), ('VirtualHardDiskPath', VirtualHardDiskPath)):
        if value is not None:
            if not ABSOLUTE_PATH.match(str(value)):
                raise _invalid(name, value, 'it is not an absolute path')
            changes[name] = value
    for name, value in (('MaximumVirtualMachineMigrations', MaximumVirtualMachineMigrations),
                        ('MaximumStorageMigrations', MaximumStorageMigrations)):
        if value is not None:
            if int(value) < 1:
                raise _invalid(name, value, 'it must be at least 1')
            changes[name] = int(value)
    for name, value in (('VirtualMachineMigrationAuthenticationType', VirtualMachineMigrationAuthenticationType),
                        ('VirtualMachineMigrationPerformanceOption', VirtualMachineMigrationPerformanceOption),
                        ('UseAnyNetworkForMigration', UseAnyNetworkForMigration),
                        ('NumaSpanningEnabled', NumaSpanningEnabled)):
        if value is not None:
            changes[name] = value
    hosts = _hosts(ctx, ComputerName)
    for host in hosts:
        _settings(ctx, host).update(changes)
    return get_vm_host(ctx, ComputerName=ComputerName) if Passthru else []


def _set_migration(ctx, ComputerName, enabled, Passthru):
    hosts = _hosts(ctx, ComputerName)
    for host in hosts:
        _settings(ctx, host)['VirtualMachineMigrationEnabled'] = enabled
    return get_vm_host(ctx, ComputerName=ComputerName) if Passthru else []


@cmdlet('Enable-VMMigration')
def enable_vm_migration(ctx, ComputerName=None, CimSession=None, Credential=None, Passthru=False):
    return _set_migration(ctx, ComputerName, True, Passthru)


@cmdlet('Disable-VMMigration')
def disable_vm_migration(ctx, ComputerName=None, CimSession=None, Credential=None, Passthru=False):
    return _set_migration(ctx, ComputerName, False, Passthru)


def _network(subnet, cmdlet_name):
    """The subnet as Hyper-V stores it: a network in CIDR form (a single address is a /32 or /128)."""
    try:
        return str(ipaddress.ip_network(str(subnet), strict=False))
    except ValueError as error:
        raise errors.CmdletError("The subnet '%s' is not valid." % subnet, 'InvalidParameter', 'InvalidArgument',
                                 subnet, 'Microsoft.HyperV.PowerShell.VirtualizationException') from error


def _network_object(host, entry):
    return PSObject('Microsoft.HyperV.PowerShell.VMMigrationNetwork', {
        'Subnet': entry['Subnet'], 'Priority': entry.get('Priority'), 'ComputerName': host.upper(),
        'IsDeleted': False}, text=entry['Subnet'])


@cmdlet('Get-VMMigrationNetwork')
def get_vm_migration_network(ctx, Subnet=None, Priority=None, ComputerName=None, CimSession=None, Credential=None):
    output = []
    for host in _hosts(ctx, ComputerName):
        for entry in _settings(ctx, host).get('MigrationNetworks') or []:
            if Subnet and not any(_network(wanted, 'Get-VMMigrationNetwork') == entry['Subnet'] for wanted in Subnet):
                continue
            if Priority and entry.get('Priority') not in [int(value) for value in Priority]:
                continue
            output.append(_network_object(host, entry))
    return output


@cmdlet('Add-VMMigrationNetwork')
def add_vm_migration_network(ctx, Subnet=None, Priority=None, ComputerName=None, CimSession=None, Credential=None,
                             Passthru=False):
    subnet = _network(Subnet, 'Add-VMMigrationNetwork')
    output = []
    for host in _hosts(ctx, ComputerName):
        networks = _settings(ctx, host).setdefault('MigrationNetworks', [])
        if any(entry['Subnet'] == subnet for entry in networks):
            raise errors.CmdletError("The migration network '%s' already exists on '%s'." % (subnet, host.upper()),
                                     'InvalidOperation', 'InvalidOperation', subnet,
                                     'Microsoft.HyperV.PowerShell.VirtualizationException')
        entry = {'Subnet': subnet, 'Priority': int(Priority) if Priority is not None else None}
        networks.append(entry)
        if Passthru:
            output.append(_network_object(host, entry))
    return output


@cmdlet('Remove-VMMigrationNetwork')
def remove_vm_migration_network(ctx, Subnet=None, ComputerName=None, CimSession=None, Credential=None,
                                Passthru=False):
    subnet = _network(Subnet, 'Remove-VMMigrationNetwork')
    output = []
    for host in _hosts(ctx, ComputerName):
        networks = _settings(ctx, host).setdefault('MigrationNetworks', [])
        kept = [entry for entry in networks if entry['Subnet'] != subnet]
        if len(kept) == len(networks):
            ctx.write_error(errors.CmdletError("Hyper-V was unable to find a migration network with subnet '%s'."
                                               % subnet, 'InvalidParameter', 'ObjectNotFound', subnet,
                                               'Microsoft.HyperV.PowerShell.VirtualizationException'))
            continue
        removed = [entry for entry in networks if entry['Subnet'] == subnet]
        networks[:] = kept
        if Passthru:
            output.extend(_network_object(host, entry) for entry in removed)
    return output
