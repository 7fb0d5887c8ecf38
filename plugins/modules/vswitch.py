# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/vswitch.py); the module has no code.

DOCUMENTATION = r'''
---
module: vswitch
short_description: An external Hyper-V virtual switch on named adapters, the same on every node
version_added: 1.0.0
description:
  - Makes sure the target node has an external virtual switch O(name) on the physical adapters O(adapters), with
    or without a management vNIC (O(allow_management_os)), with embedded teaming (SET) when it has several adapters,
    and with the bandwidth mode O(bandwidth_mode); or, with O(state=absent), that it has none.
  - Run it on every node of a cluster with the same options - VMs fail over and live-migrate only between nodes
    whose switches have the same name, and neutron-hyperv-agent maps its physical networks to that name.
  - The management vNIC is added or removed in place (C(Set-VMSwitch -AllowManagementOS)). Other adapters,
    embedded teaming or another bandwidth mode are create-time properties - the switch is removed and created
    again, which is refused while VMs use it unless O(force=true); with force their adapters are connected to the
    new switch, and they are without network in between.
  - One remote execution when nothing changes, two otherwise.
options:
  name:
    description: The switch's name, for example V(External).
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    default: present
    choices: [present, absent]
  adapters:
    description:
      - Names of the physical adapters the switch uses (the names hyperv.cluster.net_adapter gives them). Required
        with O(state=present).
    type: list
    elements: str
  allow_management_os:
    description: Whether the host gets a virtual adapter on the switch (C(vEthernet (<name>))).
    type: bool
    default: false
  embedded_teaming:
    description: Switch Embedded Teaming. Defaults to V(true) with several adapters, V(false) with one.
    type: bool
  bandwidth_mode:
    description: Minimum bandwidth mode, a create-time property; when omitted an existing switch keeps its own.
    type: str
    choices: [default, weight, absolute, none]
  force:
    description: Recreate or remove the switch even while VMs use it (they lose the network meanwhile).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports the switch as it would be.
  diff_mode:
    support: full
    description: Shows the switch before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with Hyper-V and its PowerShell module.
notes:
  - >-
    Creating or recreating an external switch with the management vNIC moves the host's address to the vEthernet
    adapter; run it on a NIC the connection does not use, or expect a short disconnect.
seealso:
  - module: hyperv.cluster.net_adapter
  - module: hyperv.cluster.host_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: The VM switch, on the Vm adapter, the same name on every node
  hyperv.cluster.vswitch:
    name: External
    adapters: [Vm]

- name: A SET switch on two adapters with a management vNIC
  hyperv.cluster.vswitch:
    name: Converged
    adapters: [Nic1, Nic2]
    allow_management_os: true
    bandwidth_mode: weight
'''

RETURN = r'''
switch:
  description: The switch after the task (as it would be, in check mode); C(exists) false when there is none.
  returned: success
  type: dict
  contains:
    exists:
      description: Whether the switch exists.
      type: bool
    name:
      description: Its name.
      type: str
    switch_type:
      description: C(External), C(Internal) or C(Private).
      type: str
    adapters:
      description: The adapters asked for.
      type: list
      elements: str
    adapter_descriptions:
      description: Interface descriptions of the adapters it uses.
      type: list
      elements: str
    allow_management_os:
      description: Whether the host has a vNIC on it.
      type: bool
    embedded_teaming:
      description: Whether it uses Switch Embedded Teaming.
      type: bool
    bandwidth_mode:
      description: V(default), V(weight), V(absolute) or V(none).
      type: str
reconnected_vms:
  description: VMs whose adapters were connected to the recreated switch (with O(force)).
  returned: when the switch was recreated while VMs used it
  type: list
  elements: str
'''
