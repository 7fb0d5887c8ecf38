# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/net_adapter.py); the module has no code.

DOCUMENTATION = r'''
---
module: net_adapter
short_description: Name a physical network adapter after its role, found by MAC address, description or name
version_added: 0.1.0
description:
  - Finds one physical network adapter of the target node by its MAC address (O(mac)), its interface description
    (O(interface_description)) or its current name (O(current_name)), and renames it O(name) (C(Rename-NetAdapter)).
  - Virtual adapters are never matched - the host's C(vEthernet) adapter of an external switch has the MAC address
    of its physical adapter, so a MAC would otherwise find two adapters.
  - No match, several matches, or the name already taken by another adapter each fail with the candidates listed,
    before anything changes.
  - Protocol bindings (for example no IPv4 on the vSwitch uplink) are set with
    M(community.windows.win_net_adapter_feature).
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
attributes:
  check_mode:
    support: full
    description: Reports the adapter as it would be.
  diff_mode:
    support: full
    description: Shows the adapter's name before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later.
seealso:
  - module: community.windows.win_net_adapter_feature
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
'''
