"""NetAdapter cmdlets: Get-NetAdapter, Rename-NetAdapter, Get-/Enable-/Disable-NetAdapterBinding. Semantics:
tests/sim/HOSTS.md ("Network adapters").

A node's adapters are ``nodes.*.nics`` (``name``, ``mac``, ``description``, ``status``, ``link_speed``, ``bindings``
{component id: enabled}...). An external vSwitch with ``allow_management_os`` adds the host's virtual adapter
``vEthernet (<switch>)``, which has the MAC address of the switch's first physical adapter (NetworkingDsc issue
#196) and ``Virtual`` true.
"""

import fnmatch

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.psobject import PSObject

CIM_EXCEPTION = 'Microsoft.PowerShell.Cmdletization.Cim.CimJobException'
# The protocols and filters bound to an adapter, in Get-NetAdapterBinding's order, with their DisplayName and whether
# a fresh install enables them on a physical adapter.
COMPONENTS = (
    ('ms_lldp', 'Microsoft LLDP Protocol Driver', True),
    ('ms_lltdio', 'Link-Layer Topology Discovery Mapper I/O Driver', True),
    ('ms_implat', 'Microsoft Network Adapter Multiplexor Protocol', False),
    ('ms_msclient', 'Client for Microsoft Networks', True),
    ('vms_pp', 'Hyper-V Extensible Virtual Switch', False),
    ('ms_pacer', 'QoS Packet Scheduler', True),
    ('ms_server', 'File and Printer Sharing for Microsoft Networks', True),
    ('ms_rspndr', 'Link-Layer Topology Discovery Responder', True),
    ('ms_tcpip6', 'Internet Protocol Version 6 (TCP/IPv6)', True),
    ('ms_tcpip', 'Internet Protocol Version 4 (TCP/IPv4)', True),
)
DISPLAY_NAMES = {component: display for component, display, _enabled in COMPONENTS}
# What stays bound to the physical adapter of an external switch: the switch protocol (and LLDP, which runs below
# it); the host's protocols move to its vEthernet adapter (sim choice: windows.md 2.4 leaves it unconfirmed).
SWITCH_UPLINK_BINDINGS = ('vms_pp', 'ms_lldp')


def default_bindings(switch_uplink=False):
    """{component id: enabled} of a physical adapter as installed, or as an external switch's uplink."""
    if switch_uplink:
        return {component: component in SWITCH_UPLINK_BINDINGS for component, _display, _enabled in COMPONENTS}
    return {component: enabled for component, _display, enabled in COMPONENTS}


def bind_to_switch(nic):
    """New-VMSwitch on this adapter: only the switch protocol (and LLDP) stays bound to it."""
    nic['bindings'] = dict(nic.get('bindings') or {}, **default_bindings(switch_uplink=True))


def unbind_from_switch(nic):
    """Remove-VMSwitch: the adapter gets the host's protocols back (sim choice: as a fresh install has them)."""
    nic['bindings'] = dict(nic.get('bindings') or {}, **default_bindings())


def bindings_of(nic, virtual=False):
    """The adapter's bindings; components its record lacks (labs made before they existed) as installed."""
    return dict(default_bindings(), **({} if virtual else nic.get('bindings') or {}))


def adapters(node):
    """[(record, virtual)] as Get-NetAdapter sees them: the physical NICs, then the management vNICs."""
    found = [(nic, False) for nic in node.get('nics') or []]
    for switch in node.get('vswitches') or []:
        if switch.get('type') == 'External' and switch.get('allow_management_os'):
            uplinks = [nic for nic in node.get('nics') or [] if nic['name'] in (switch.get('adapters') or [])]
            found.append(({'name': 'vEthernet (%s)' % switch['name'], 'mac': uplinks[0]['mac'] if uplinks else '',
                           'description': 'Hyper-V Virtual Ethernet Adapter', 'status': 'Up',
                           'link_speed': '10 Gbps', 'switch': switch['name']}, True))
    return found


def adapter_object(nic, virtual, index):
    return PSObject('Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetAdapter', {
        'Name': nic['name'], 'InterfaceDescription': nic['description'], 'MacAddress': nic['mac'],
        'Status': nic.get('status', 'Up'), 'LinkSpeed': nic.get('link_speed', '10 Gbps'), 'ifIndex': index,
        'InterfaceIndex': index, 'Virtual': virtual, 'HardwareInterface': not virtual}, text=nic['name'])


def _not_found(name):
    return errors.CmdletError("No MSFT_NetAdapter objects found with property 'Name' equal to '%s'.  Verify the "
                              'value of the property and retry.' % name, 'CmdletizationQuery_NotFound_Name',
                              'ObjectNotFound', name, CIM_EXCEPTION)


def _like(value, pattern):
    # PowerShell's -like: case-insensitive, with wildcards.
    return fnmatch.fnmatchcase(str(value).lower(), str(pattern).lower())


def _selected(ctx, Name=None, InterfaceDescription=None, Physical=False, not_found=None):
    """[(nic, virtual, ifIndex)] by -Name (wildcards allowed, as in Windows) or -InterfaceDescription; a name without
    a wildcard that matches nothing writes ``not_found(name)``."""
    node = ctx.state.node(ctx.node_name)
    listed = [(nic, virtual, index) for index, (nic, virtual) in enumerate(adapters(node), start=2)
              if not (Physical and virtual)]
    if Name:
        chosen = []
        for wanted in Name:
            matches = [item for item in listed if _like(item[0]['name'], wanted)]
            if not matches and '*' not in str(wanted):
                ctx.write_error((not_found or _not_found)(wanted))
            chosen += [item for item in matches if item not in chosen]
        return chosen
    if InterfaceDescription:
        wanted = [str(description).lower() for description in InterfaceDescription]
        return [item for item in listed if item[0]['description'].lower() in wanted]
    return listed


@cmdlet('Get-NetAdapter')
def get_net_adapter(ctx, Name=None, InterfaceDescription=None, InterfaceIndex=None, IncludeHidden=False,
                    Physical=False, CimSession=None, ThrottleLimit=None, AsJob=False):
    return [adapter_object(nic, virtual, index)
            for nic, virtual, index in _selected(ctx, Name, InterfaceDescription, Physical)]


@cmdlet('Rename-NetAdapter')
def rename_net_adapter(ctx, Name=None, NewName=None, InterfaceDescription=None, InputObject=None,
                       IncludeHidden=False, PassThru=False, CimSession=None, ThrottleLimit=None, AsJob=False):
    node = ctx.state.node(ctx.node_name)
    chosen = _selected(ctx, Name, InterfaceDescription)
    if len(chosen) > 1:
        raise errors.CmdletError('Cannot rename more than one network adapter to the same name.', 'Windows System '
                                 'Error 183', 'ResourceExists', NewName, CIM_EXCEPTION)
    output = []
    for nic, virtual, index in chosen:
        if virtual:
            raise errors.CmdletError("The virtual adapter '%s' is named after its switch; rename the switch "
                                     '(Rename-VMSwitch) instead.' % nic['name'], 'InvalidOperation',
                                     'InvalidOperation', nic['name'], CIM_EXCEPTION)
        if any(other['name'].lower() == NewName.lower() and other is not nic for other, _v in adapters(node)):
            raise errors.CmdletError("Cannot create a file when that file already exists. (The name '%s' is taken "
                                     'by another network adapter.)' % NewName, 'Windows System Error 183',
                                     'ResourceExists', NewName, CIM_EXCEPTION)
        old = nic['name']
        nic['name'] = NewName
        for switch in node.get('vswitches') or []:
            switch['adapters'] = [NewName if adapter == old else adapter for adapter in switch.get('adapters') or []]
        if PassThru:
            output.append(adapter_object(nic, virtual, index))
    return output


def _bindings_not_found(prop, value):
    return errors.CmdletError("No MSFT_NetAdapterBindingSettingData objects found with property '%s' equal to '%s'.  "
                              'Verify the value of the property and retry.' % (prop, value),
                              'CmdletizationQuery_NotFound_%s' % prop, 'ObjectNotFound', value, CIM_EXCEPTION)


def _binding_object(nic, component, enabled):
    return PSObject('Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/'
                    'MSFT_NetAdapterBindingSettingData', {
                        'Name': nic['name'], 'InterfaceDescription': nic['description'],
                        'DisplayName': DISPLAY_NAMES.get(component, component), 'ComponentID': component,
                        'Enabled': enabled, 'BindName': component}, text=nic['name'])


def _bindings(ctx, Name, InterfaceDescription, ComponentID, DisplayName):
    """[(nic, virtual, component)] the parameters select, with the not-found errors Windows writes."""
    listed = [(nic, virtual) for nic, virtual, _index in _selected(
        ctx, Name, InterfaceDescription, not_found=lambda name: _bindings_not_found('Name', name))]
    filters = [(prop, patterns, key) for prop, patterns, key in (
        ('ComponentID', ComponentID, lambda component: component),
        ('DisplayName', DisplayName, lambda component: DISPLAY_NAMES.get(component, component))) if patterns]
    chosen = [(nic, virtual, component) for nic, virtual in listed for component in bindings_of(nic, virtual)
              if all(any(_like(key(component), pattern) for pattern in patterns) for _prop, patterns, key in filters)]
    for prop, patterns, key in filters if listed else []:
        for pattern in patterns:
            if '*' not in str(pattern) and not any(_like(key(component), pattern) for _n, _v, component in chosen):
                ctx.write_error(_bindings_not_found(prop, pattern))
    return chosen


@cmdlet('Get-NetAdapterBinding')
def get_net_adapter_binding(ctx, Name=None, InterfaceDescription=None, ComponentID=None, DisplayName=None,
                            AllBindings=False, IncludeHidden=False, CimSession=None, ThrottleLimit=None, AsJob=False):
    return [_binding_object(nic, component, bindings_of(nic, virtual)[component])
            for nic, virtual, component in _bindings(ctx, Name, InterfaceDescription, ComponentID, DisplayName)]


def _set_bindings(ctx, enabled, Name, InterfaceDescription, ComponentID, DisplayName, InputObject, PassThru):
    if InputObject is not None:
        raise NotImplementedError('hvsim simulates the binding cmdlets by -Name or -InterfaceDescription only')
    output = []
    for nic, virtual, component in _bindings(ctx, Name, InterfaceDescription, ComponentID, DisplayName):
        if virtual:
            raise NotImplementedError('hvsim does not keep the bindings of vEthernet adapters')
        nic['bindings'] = bindings_of(nic)
        nic['bindings'][component] = enabled
        if PassThru:
            output.append(_binding_object(nic, component, enabled))
    return output


@cmdlet('Enable-NetAdapterBinding')
def enable_net_adapter_binding(ctx, Name=None, InterfaceDescription=None, ComponentID=None, DisplayName=None,
                               InputObject=None, AllBindings=False, IncludeHidden=False, PassThru=False,
                               CimSession=None, ThrottleLimit=None, AsJob=False):
    return _set_bindings(ctx, True, Name, InterfaceDescription, ComponentID, DisplayName, InputObject, PassThru)


@cmdlet('Disable-NetAdapterBinding')
def disable_net_adapter_binding(ctx, Name=None, InterfaceDescription=None, ComponentID=None, DisplayName=None,
                                InputObject=None, AllBindings=False, IncludeHidden=False, PassThru=False,
                                CimSession=None, ThrottleLimit=None, AsJob=False):
    return _set_bindings(ctx, False, Name, InterfaceDescription, ComponentID, DisplayName, InputObject, PassThru)
