# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/host_check.py); the module has no code.

DOCUMENTATION = r'''
---
module: host_check
short_description: Check that a node can be a Hyper-V failover cluster node
version_added: 1.0.0
description:
  - Reads the node's processors, operating system, memory, system volume and physical network adapters and checks
    them against what Hyper-V and Failover Clustering need - a 64-bit OS of an edition with both (Standard,
    Datacenter, Hyper-V Server, Azure Stack HCI), on every processor second level address translation (SLAT), VM
    Monitor Mode extensions and virtualization enabled in the firmware, hardware-enforced Data Execution
    Prevention, enough memory, a large enough system volume with free space, and network adapters.
  - Every unmet requirement is reported in one failure, each with its fix.
  - Once the hypervisor runs (Hyper-V installed), Windows reports the processors' virtualization properties as
    false; the node's C(HypervisorPresent) then stands for them, as C(Get-ComputerInfo) does.
  - Read-only, one remote execution. The C(hyperv.cluster.cluster_prereqs) role runs it first, on every node.
options:
  min_memory_gb:
    description: Memory the node needs, in GB (firmware and OS reserves are allowed for); 0 skips the check.
    type: int
    default: 4
  min_system_volume_gb:
    description: Size the system volume needs, in GB.
    type: int
    default: 32
  min_system_free_gb:
    description: Free space the system volume needs, in GB.
    type: int
    default: 10
  min_nics:
    description: Physical network adapters the node needs. Fewer than 2 always warns.
    type: int
    default: 1
  fail_on_unmet:
    description: Fail when a requirement is unmet; V(false) reports them in RV(unmet) and RV(passed) only.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Read-only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is no diff.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later.
seealso:
  - module: hyperv.cluster.host_info
  - module: hyperv.cluster.net_adapter
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Fail early, naming everything a node lacks
  hyperv.cluster.host_check:
    min_memory_gb: 64

- name: Report only
  hyperv.cluster.host_check:
    fail_on_unmet: false
  register: check

- name: Show the unmet requirements
  ansible.builtin.debug:
    msg: "{{ check.unmet | map(attribute='requirement') | list }}"
  when: not check.passed
'''

RETURN = r'''
passed:
  description: Whether every requirement is met.
  returned: always
  type: bool
unmet:
  description: The unmet requirements, each with C(requirement), what was C(found) and the C(fix).
  returned: always
  type: list
  elements: dict
facts:
  description: What the node reported.
  returned: always
  type: dict
  contains:
    os:
      description: C(caption), C(version), C(build), C(sku) (C(OperatingSystemSKU)), C(architecture).
      type: dict
    hypervisor_present:
      description: Whether the hypervisor runs.
      type: bool
    domain:
      description: The node's AD domain, null in a workgroup.
      type: str
    memory_mb:
      description: Physical memory in MB.
      type: int
    dep_available:
      description: Whether hardware DEP is available.
      type: bool
    processors:
      description: Per processor, C(name), C(slat), C(vm_monitor_mode_extensions), C(virtualization_firmware_enabled).
      type: list
      elements: dict
    system_volume:
      description: C(drive), C(size_gb), C(free_gb) of the system volume.
      type: dict
    nics:
      description: Names of the physical network adapters.
      type: list
      elements: str
'''
