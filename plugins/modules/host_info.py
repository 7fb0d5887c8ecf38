# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/host_info.py); the module has no code.

DOCUMENTATION = r'''
---
module: host_info
short_description: Report a Hyper-V host's settings, virtual switches and virtual machines
version_added: 1.0.0
description:
  - Reads, in one remote execution, the Hyper-V settings of the target node (C(Get-VMHost)), its virtual
    switches (C(Get-VMSwitch)) and the virtual machines registered on it (C(Get-VM)), clustered or not.
  - When the node has no Hyper-V PowerShell module, the module does not fail; it returns RV(hyperv=false), no
    switches and no host settings.
  - Runs through M(ansible.windows.win_powershell) with the collection's fixed cmdlet runner, so the task's
    connection, credentials and C(become) apply.
options:
  gather_subset:
    description:
      - What to read. V(all) reads everything.
    type: list
    elements: str
    default: [all]
    choices: [all, vmhost, vswitches, vms]
attributes:
  check_mode:
    support: full
    description: The module only reads; it runs the same way in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later.
seealso:
  - module: hyperv.cluster.cluster_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Read the virtual switches of every node
  hyperv.cluster.host_info:
    gather_subset: [vswitches]
  register: host

- name: List the VMs on this node that a cluster drain would leave behind
  hyperv.cluster.host_info:
    gather_subset: [vms]
  register: host_vms

- name: Show them
  ansible.builtin.debug:
    msg: "{{ host_vms.vms | rejectattr('clustered') | selectattr('state', 'equalto', 'Running') | map(attribute='name') }}"

- name: Fail on a node without the External switch
  ansible.builtin.assert:
    that: "'External' in host.vswitches | map(attribute='name')"
'''

RETURN = r'''
hyperv:
  description: Whether the node has the Hyper-V PowerShell module.
  returned: always
  type: bool
vswitches:
  description: The node's virtual switches.
  returned: when vswitches are gathered
  type: list
  elements: dict
  contains:
    name:
      description: Switch name, as neutron-hyperv-agent's physical_network_vswitch_mappings names it.
      type: str
    id:
      description: Switch id.
      type: str
    switch_type:
      description: V(External), V(Internal) or V(Private).
      type: str
    allow_management_os:
      description: Whether the host itself has a virtual NIC on the switch.
      type: bool
    embedded_teaming:
      description: Whether the switch is a Switch Embedded Teaming (SET) switch.
      type: bool
    net_adapter_interface_description:
      description: The physical adapter of an external switch without SET.
      type: str
vmhost:
  description: The node's Hyper-V settings, V(None) without Hyper-V.
  returned: when vmhost is gathered
  type: dict
  contains:
    name:
      description: Host name.
      type: str
    fqdn:
      description: Fully qualified domain name.
      type: str
    logical_processor_count:
      description: Logical processors.
      type: int
    memory_capacity_bytes:
      description: Physical memory in bytes.
      type: int
    virtual_machine_path:
      description: Default folder for VM configuration files.
      type: str
    virtual_hard_disk_path:
      description: Default folder for virtual hard disks.
      type: str
    live_migration_enabled:
      description: Whether live migration is enabled.
      type: bool
    live_migration_authentication:
      description: V(CredSSP) or V(Kerberos).
      type: str
    max_live_migrations:
      description: Simultaneous live migrations.
      type: int
    max_storage_migrations:
      description: Simultaneous storage migrations.
      type: int
    live_migration_any_network:
      description: Whether live migration may use any network.
      type: bool
    numa_spanning:
      description: Whether NUMA spanning is enabled.
      type: bool
vms:
  description:
    - The virtual machines registered on the node, sorted by name; empty without Hyper-V.
  returned: when O(gather_subset) includes V(vms) or V(all)
  type: list
  elements: dict
  contains:
    name:
      description: VM name.
      type: str
      sample: instance-00000001
    id:
      description: VM Id.
      type: str
    state:
      description: C(Running), C(Off), C(Saved), C(Paused) and so on.
      type: str
      sample: Running
    clustered:
      description: Whether the VM is a clustered role (C(IsClustered)); a drain moves only those.
      type: bool
    path:
      description: Folder of the VM's configuration.
      type: str
      sample: C:\ClusterStorage\Volume1\instance-00000001
    memory_assigned_mb:
      description: Memory assigned to the VM in MB (0 when it is off).
      type: int
      sample: 2048
'''
