# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_capacity.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_capacity
short_description: Tell whether a failover cluster keeps its highly available VMs running after losing nodes
version_added: 1.0.0
description:
  - Reads, in one remote execution, the cluster the target node belongs to - its nodes, quorum and roles, every
    node's memory (C(Get-VMHost)) and every VM's assigned memory (C(Get-VM)) - and checks every combination of
    O(failures) C(Up) nodes that could be lost at once.
  - A scenario survives when the cluster keeps quorum without those nodes (every node votes with its C(NodeWeight),
    a witness that is online with one vote; nodes already C(Down) or C(Paused) count as lost) and when every VM that
    must restart elsewhere fits on a surviving C(Up) node by memory.
  - The VMs that must restart are the running VM roles of the lost nodes whose start priority is not
    C(no_auto_start) (the cluster leaves those offline after a failover; they are listed in
    RV(not_restarted_vms)). VMs that are not clustered roles are lost with their node.
  - Each such VM needs its assigned memory (C(MemoryAssigned)), plus with O(vm_overhead) Hyper-V's own memory for
    it (up to 32 MB for the first GB and 8 MB for each further GB). A surviving node offers its C(MemoryCapacity)
    minus what its own running VMs use (with the same overhead) minus O(host_memory_reserve_mb). The VMs are placed
    one by one, largest first, on the node with the most room (first-fit decreasing), as the cluster_node capacity
    guard does; 10 GB free on each of two nodes does not host one 16 GB VM.
  - The module never fails on a "no"; RV(survives) says it, and the caller decides (see the examples).
options:
  failures:
    description:
      - How many nodes the cluster must be able to lose at the same time. V(1) is N+1.
      - At most 5000 combinations are checked (64 nodes and O(failures=2) are 2016).
    type: int
    default: 1
  host_memory_reserve_mb:
    description:
      - Memory in MB kept free on every node for its management OS.
    type: int
    default: 2048
  vm_overhead:
    description:
      - Count Hyper-V's per-VM memory overhead on top of each running VM's assigned memory.
    type: bool
    default: true
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
    description: Target nodes run Windows Server 2016 or later with Hyper-V and Failover Clustering.
notes:
  - >-
    Reading the other nodes' memory over WinRM is a second hop; on real clusters run the task with C(become=true),
    C(become_method=runas) and a domain account with rights on the cluster.
  - >-
    Dynamic memory and Windows' dynamic quorum may let a cluster survive more than this check says; it does not
    count on either.
seealso:
  - module: hyperv.cluster.cluster_node
  - module: hyperv.cluster.cluster_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Check that the cluster survives losing any one node (N+1)
  hyperv.cluster.cluster_capacity:
  register: capacity

- name: Fail when it does not
  ansible.builtin.assert:
    that: capacity.survives
    fail_msg: >-
      Cluster {{ capacity.cluster }} cannot lose {{ capacity.worst_scenario.lost_nodes | join(' and ') }}:
      {{ capacity.worst_scenario.unplaced_vms | join(', ') }} would not restart
      ({{ capacity.worst_scenario.unplaced_mb }} MB short).

- name: Warn when two simultaneous failures would cost VMs
  hyperv.cluster.cluster_capacity:
    failures: 2
    host_memory_reserve_mb: 4096
  register: capacity_n2
  failed_when: false

- name: Say so
  ansible.builtin.debug:
    msg: "N+2: {{ capacity_n2.failing_scenarios | length }} of {{ capacity_n2.scenarios_checked }} scenarios lose quorum or VMs"
  when: not capacity_n2.survives
'''

RETURN = r'''
cluster:
  description: The cluster's name.
  returned: success
  type: str
  sample: hvc1
survives:
  description: Whether every scenario keeps quorum and restarts every VM that must restart.
  returned: success
  type: bool
  sample: true
failures:
  description: O(failures), as checked.
  returned: success
  type: int
  sample: 1
host_memory_reserve_mb:
  description: O(host_memory_reserve_mb), as checked.
  returned: success
  type: int
  sample: 2048
vm_overhead:
  description: O(vm_overhead), as checked.
  returned: success
  type: bool
  sample: true
scenarios_checked:
  description: How many combinations of lost nodes were checked.
  returned: success
  type: int
  sample: 3
failing_scenarios:
  description: The scenarios that lose quorum or VMs, the most memory short first.
  returned: success
  type: list
  elements: dict
  contains:
    lost_nodes:
      description: The nodes lost in this scenario.
      type: list
      elements: str
    quorum:
      description: Whether the cluster keeps quorum without them.
      type: bool
    unplaced_vms:
      description: The VMs that would not restart for lack of memory, largest first.
      type: list
      elements: str
    unplaced_mb:
      description: Their memory in MB (with the overhead when counted).
      type: int
    free_after_mb:
      description: Free memory left on the surviving nodes after the failover, in MB.
      type: int
worst_scenario:
  description:
    - The first of RV(failing_scenarios), or when the cluster survives every scenario, the one that leaves the
      least free memory; same keys. Null when no scenario could be formed.
  returned: success
  type: dict
ha_vms:
  description: The running VM roles that restart after a failover, sorted.
  returned: success
  type: list
  elements: str
not_restarted_vms:
  description: Running VM roles with the start priority C(no_auto_start), which a failover leaves offline.
  returned: success
  type: list
  elements: str
nodes:
  description: Every node with its memory as counted.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: Node name.
      type: str
    state:
      description: C(Up), C(Paused), C(Down)...
      type: str
    memory_mb:
      description: C(MemoryCapacity) in MB; null when it could not be read.
      type: int
    used_mb:
      description: Memory its running VMs use, in MB (with the overhead when counted).
      type: int
    free_mb:
      description: C(memory_mb) minus C(used_mb); null when the capacity is unknown.
      type: int
unknown_memory_nodes:
  description: Up nodes whose memory could not be read; they are counted as full.
  returned: success
  type: list
  elements: str
'''
