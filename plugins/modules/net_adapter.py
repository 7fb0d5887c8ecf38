# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/net_adapter.py); the module has no code.

DOCUMENTATION = r'''
---
module: net_adapter
short_description: Name a physical network adapter after its role and set its protocol bindings
version_added: 1.0.0
description:
  - Finds one physical network adapter of the target node by its MAC address (O(mac)), its interface description
    (O(interface_description)) or its current name (O(current_name)), renames it O(name) (C(Rename-NetAdapter))
    and enables or disables the protocol bindings given in O(bindings) (C(Enable-NetAdapterBinding),
    C(Disable-NetAdapterBinding)), in one write.
  - Virtual adapters are never matched - the host's C(vEthernet) adapter of an external switch has the MAC address
    of its physical adapter, so a MAC would otherwise find two adapters.
  - No match, several matches, the name already taken by another adapter, or a component id the adapter does not
    have each fail with the candidates listed, before anything changes.
  - One remote execution when nothing changes, two otherwise.
options:
  name:
    description: The name to give the adapter, for example V(Management), V(Cluster), V(LiveMigration), V(Vm).
    type: str
    required: true
  mac:
    description: The adapter's MAC address, dash-, colon- or not separated.
    type: str
  interface_description:
    description: The adapter's interface description (the driver's name with its instance number).
    type: str
  current_name:
    description:
      - The adapter's current name. An adapter already named O(name) counts as found (a rerun after the rename).
    type: str
  bindings:
    description:
      - Protocol and filter bindings by component id, each V(true) (enabled) or V(false) (disabled) - for example
        V(ms_tcpip) and V(ms_tcpip6) false on the uplink of a virtual switch. Components not given are left as
        they are. Ids are compared in any case; C(Get-NetAdapterBinding) lists an adapter's (V(ms_tcpip),
        V(ms_tcpip6), V(ms_msclient), V(ms_server), V(ms_pacer), V(ms_lldp), V(ms_lltdio), V(ms_rspndr),
        V(ms_implat), V(vms_pp)...).
      - Leave V(vms_pp) (Hyper-V Extensible Virtual Switch) to M(hyperv.cluster.vswitch) - C(New-VMSwitch) binds it
        and refuses an adapter it is bound to already; enabling or disabling it here warns.
    type: dict
attributes:
  check_mode:
    support: full
    description: Reports the adapter as it would be.
  diff_mode:
    support: full
    description: Shows the adapter's name and bindings before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later.
seealso:
  - module: hyperv.cluster.vswitch
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Name the adapters by role, by MAC address
  hyperv.cluster.net_adapter:
    name: "{{ item.name }}"
    mac: "{{ item.mac }}"
  loop:
    - {name: Management, mac: 00-15-5D-00-01-01}
    - {name: Cluster, mac: 00-15-5D-00-01-02}

- name: The uplink of the virtual switch carries no host IP
  hyperv.cluster.net_adapter:
    name: Vm
    mac: 00-15-5D-00-01-04
    bindings:
      ms_tcpip: false
      ms_tcpip6: false
'''

RETURN = r'''
adapter:
  description: The adapter after the task (as it would be, in check mode).
  returned: success
  type: dict
  contains:
    name:
      description: Its name.
      type: str
      sample: Management
    interface_description:
      description: Its interface description.
      type: str
    mac:
      description: Its MAC address.
      type: str
      sample: 00-15-5D-00-01-01
    status:
      description: C(Up), C(Disconnected)...
      type: str
    link_speed:
      description: Link speed as Windows reports it.
      type: str
    bindings:
      description: Every binding of the adapter, by component id, and whether it is enabled.
      type: dict
      sample: {ms_tcpip: false, ms_tcpip6: false, vms_pp: true, ms_lldp: true}
'''
