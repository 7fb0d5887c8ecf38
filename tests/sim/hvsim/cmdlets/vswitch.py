"""Virtual switches: New-VMSwitch, Set-VMSwitch, Remove-VMSwitch, and Connect-VMNetworkAdapter for the VMs that use
them. Semantics: tests/sim/HOSTS.md ("Virtual switches"). Switches are ``nodes.*.vswitches``: ``{"name", "type",
"adapters" (NIC names), "allow_management_os", "embedded_teaming", "bandwidth_mode", "id"}``; a VM's adapters are
``vms.*.nics`` with ``switch`` (None when disconnected).
"""

import uuid

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.hyperv import _hosts, switch_object
from hvsim.cmdlets.netadapter import bind_to_switch, bindings_of, unbind_from_switch

HYPERV_EXCEPTION = 'Microsoft.HyperV.PowerShell.VirtualizationException'


def _error(message, category='InvalidArgument', target=None, error_id='InvalidParameter'):
    return errors.CmdletError(message, error_id, category, target, HYPERV_EXCEPTION)


def _switch(node, name):
    return next((switch for switch in node.get('vswitches') or [] if switch['name'].lower() == str(name).lower()),
                None)


def _named_switches(ctx, names, computer_name):
    """(host, node, name, switch) for each of ``names`` on each target host; a missing one is Hyper-V's not-found
    error."""
    for host in _hosts(ctx, computer_name):
        node = ctx.state.node(host)
        for name in names or []:
            switch = _switch(node, name)
            if switch is None:
                raise errors.vswitch_not_found(name)
            yield host, node, name, switch


@cmdlet('New-VMSwitch')
def new_vm_switch(ctx, Name=None, NetAdapterName=None, NetAdapterInterfaceDescription=None, SwitchType=None,
                  AllowManagementOS=None, EnableEmbeddedTeaming=None, EnableIov=None, EnablePacketDirect=None,
                  MinimumBandwidthMode=None, Notes=None, ComputerName=None, CimSession=None, Credential=None):
    output = []
    for host in _hosts(ctx, ComputerName):
        node = ctx.state.node(host)
        if _switch(node, Name) is not None:
            raise _error("Failed while adding virtual Ethernet switch: a virtual switch named '%s' already exists."
                         % Name, 'ResourceExists', Name, 'ResourceExists')
        adapters = []
        if NetAdapterName or NetAdapterInterfaceDescription:
            by_name = {nic['name'].lower(): nic for nic in node.get('nics') or []}
            by_description = {nic['description'].lower(): nic for nic in node.get('nics') or []}
            wanted = [(by_name if NetAdapterName else by_description).get(str(item).lower(), item)
                      for item in (NetAdapterName or NetAdapterInterfaceDescription)]
            for item in wanted:
                if not isinstance(item, dict):
                    raise _error("Failed while adding virtual Ethernet switch: the network adapter '%s' was not "
                                 'found.' % item, 'ObjectNotFound', item)
                bound = [switch['name'] for switch in node.get('vswitches') or [] if item['name'] in
                         (switch.get('adapters') or [])]
                if bound:
                    raise _error("Failed while adding virtual Ethernet switch: the network adapter '%s' is already "
                                 "bound to the virtual switch '%s'." % (item['name'], bound[0]), 'InvalidOperation',
                                 item['name'], 'InvalidOperation')
                if bindings_of(item).get('vms_pp'):
                    # The switch protocol enabled by hand (Enable-NetAdapterBinding vms_pp) on an adapter no switch
                    # uses: Hyper-V cannot bind it again.
                    raise _error("Failed while adding virtual Ethernet switch connections: the external Ethernet "
                                 "adapter '%s' is already bound to the Microsoft Virtual Switch protocol."
                                 % item['description'], 'InvalidOperation', item['name'], 'InvalidOperation')
                adapters.append(item['name'])
            if len(adapters) > 1 and not EnableEmbeddedTeaming:
                raise _error('Failed while adding virtual Ethernet switch: teaming several network adapters needs '
                             '-EnableEmbeddedTeaming $true.', 'InvalidArgument', Name)
        switch = {'name': Name, 'type': 'External' if adapters else SwitchType, 'adapters': adapters,
                  'allow_management_os': bool(AllowManagementOS) if adapters else SwitchType == 'Internal',
                  'embedded_teaming': bool(EnableEmbeddedTeaming),
                  'bandwidth_mode': MinimumBandwidthMode or 'Absolute', 'id': str(uuid.uuid4())}
        node.setdefault('vswitches', []).append(switch)
        for nic in node.get('nics') or []:
            if nic['name'] in adapters:
                bind_to_switch(nic)
        output.append(switch_object(node, switch))
    return output


@cmdlet('Set-VMSwitch')
def set_vm_switch(ctx, Name=None, VMSwitch=None, AllowManagementOS=None, Notes=None, NetAdapterName=None,
                  NetAdapterInterfaceDescription=None, SwitchType=None, DefaultFlowMinimumBandwidthAbsolute=None,
                  DefaultFlowMinimumBandwidthWeight=None, DefaultQueueVmmqEnabled=None,
                  DefaultQueueVmmqQueuePairs=None, DefaultQueueVrssEnabled=None, Extensions=None, Passthru=False,
                  ComputerName=None, CimSession=None, Credential=None):
    if NetAdapterName or NetAdapterInterfaceDescription or SwitchType:
        raise NotImplementedError('hvsim simulates Set-VMSwitch -AllowManagementOS and -Notes only')
    output = []
    for _host, node, name, switch in _named_switches(ctx, Name, ComputerName):
        if AllowManagementOS is not None:
            if switch.get('type') != 'External':
                raise _error('AllowManagementOS applies to external switches only.', 'InvalidArgument', name)
            switch['allow_management_os'] = bool(AllowManagementOS)
        if Passthru:
            output.append(switch_object(node, switch))
    return output


@cmdlet('Remove-VMSwitch')
def remove_vm_switch(ctx, Name=None, VMSwitch=None, ResourcePoolName=None, Force=False, ComputerName=None,
                     CimSession=None, Credential=None):
    for host, node, _name, switch in _named_switches(ctx, Name, ComputerName):
        node['vswitches'].remove(switch)
        for nic in node.get('nics') or []:
            if nic['name'] in (switch.get('adapters') or []):
                unbind_from_switch(nic)
        # VM adapters on it are disconnected (they keep no switch).
        for vm in ctx.state.vms_on(host):
            for nic in vm.get('nics') or []:
                if str(nic.get('switch') or '').lower() == switch['name'].lower():
                    nic['switch'] = None
    return []


@cmdlet('Connect-VMNetworkAdapter')
def connect_vm_network_adapter(ctx, VMName=None, SwitchName=None, Name=None, VMNetworkAdapter=None, VMSwitch=None,
                               UseAutomaticConnection=False, Passthru=False, ComputerName=None, CimSession=None,
                               Credential=None):
    for host in _hosts(ctx, ComputerName):
        node = ctx.state.node(host)
        if _switch(node, SwitchName) is None:
            raise errors.vswitch_not_found(SwitchName)
        for vm_name in VMName or []:
            vms = [vm for vm in ctx.state.vms_on(host) if vm['name'].lower() == str(vm_name).lower()]
            if not vms:
                ctx.write_error(errors.vm_not_found(vm_name))
            for vm in vms:
                for nic in vm.get('nics') or []:
                    nic['switch'] = _switch(node, SwitchName)['name']
    return []
