"""NetAdapter cmdlets: Get-NetAdapter, Rename-NetAdapter. Semantics: tests/sim/HOSTS.md ("Network adapters").

A node's adapters are ``nodes.*.nics`` (``name``, ``mac``, ``description``, ``status``, ``link_speed``...). An
external vSwitch with ``allow_management_os`` adds the host's virtual adapter ``vEthernet (<switch>)``, which has
the MAC address of the switch's first physical adapter (NetworkingDsc issue #196) and ``Virtual`` true.
"""

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.psobject import PSObject

CIM_EXCEPTION = 'Microsoft.PowerShell.Cmdletization.Cim.CimJobException'


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


def _selected(ctx, Name=None, InterfaceDescription=None, Physical=False):
    node = ctx.state.node(ctx.node_name)
    listed = [(nic, virtual, index) for index, (nic, virtual) in enumerate(adapters(node), start=2)
              if not (Physical and virtual)]
    if Name:
        chosen = []
        for wanted in Name:
            matches = [item for item in listed if item[0]['name'].lower() == str(wanted).lower()]
            if not matches:
                ctx.write_error(_not_found(wanted))
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
