# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_node.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_node
short_description: Pause and drain a failover cluster node for maintenance, or resume it
version_added: 1.0.0
description:
  - With O(state=paused), pauses a node of the failover cluster the target host belongs to and, by default, drains
    it. C(Suspend-ClusterNode -Drain -Wait) moves every role the node owns to the other nodes (running VMs by live
    migration) and returns when the drain has completed or failed. Draining a node is one cluster-native operation,
    however many roles it owns.
  - With O(state=resumed), resumes a paused node (C(Resume-ClusterNode)) with the failback policy of O(failback).
  - Before pausing, two guards run on what was read, and refuse the change (nothing is changed) when it is unsafe.
    B(Quorum guard) - the node is counted as lost (maintenance means restarts), and so are the nodes already
    C(Down) or C(Paused); every node votes with its C(NodeWeight), a configured witness with one vote. The pause is
    refused unless the votes of the other C(Up) nodes plus the witness (when it is online) are a strict majority of
    all votes. For example, in a 3-node cluster without a witness and with one node down, pausing a second node is
    refused; with 4 nodes and a witness (5 votes), one node down, pausing a second leaves 3 votes and is allowed.
    Windows' dynamic quorum may survive more; the guard does not count on it. With the legacy disk-only quorum, the
    witness disk must be online and another node C(Up).
  - B(Capacity guard) (with O(drain)) - every running VM role of the node needs its assigned memory
    (C(MemoryAssigned)) on one of the nodes that may take it (the other C(Up) nodes, or O(target_node)). A node
    offers its C(MemoryCapacity) minus the memory assigned to the VMs it already runs minus
    O(host_memory_reserve_mb). The VMs are placed one by one, largest first, on the first node with room, most free
    memory first (first-fit decreasing); the drain is refused if one does not fit. Roles that are offline and roles
    that are not VMs move without memory.
  - O(force=true) overrides both guards; the task then returns a warning that says which guard it overrode and the
    risk taken.
  - A node that is paused and owns no role is left alone (one remote execution). A paused node that still owns roles
    (its drain failed, or it was paused without draining) is drained again - resumed without failback and paused with
    a drain in the same remote execution, because C(Suspend-ClusterNode) acts only on an C(Up) node. The quorum
    guard does not apply to it (the node is already out), the capacity guard does.
  - At most three remote executions - one read, one write, and one more read only when the pause or resume call
    itself fails, to report where the node stands.
options:
  name:
    description:
      - The cluster node to pause or resume, matched case-insensitively (a fully qualified name matches the node of
        that short name).
      - Defaults to the node the task runs on (its computer name), that is the inventory host, or the C(delegate_to)
        host. Any node of the cluster can run the task for any other node.
    type: str
  state:
    description:
      - V(paused) pauses the node (and with O(drain) moves its roles away); V(resumed) resumes it.
    type: str
    required: true
    choices: [paused, resumed]
  drain:
    description:
      - With O(state=paused), whether to drain the node (C(-Drain)). Without a drain the node is paused and keeps its
        roles; no capacity guard applies.
      - Defaults to V(true). Only with O(state=paused).
    type: bool
  force_drain:
    description:
      - With a drain, roles that cannot be moved (for example running VMs for which no node has memory) are shut
        down and moved offline (C(-ForceDrain)), instead of staying on the node with the drain ending C(Failed).
        This means downtime for those VMs.
      - Defaults to V(false). Only with O(state=paused) and a drain.
    type: bool
  target_node:
    description:
      - Drain every role to this node (C(-TargetNode)) instead of letting the cluster choose. It must be another
        C(Up) node of the cluster; the capacity guard then checks this node alone.
      - Only with O(state=paused) and a drain.
    type: str
  host_memory_reserve_mb:
    description:
      - Memory in MB the capacity guard keeps free on every node for its management OS.
      - Defaults to V(2048). Only with O(state=paused).
    type: int
  failback:
    description:
      - With O(state=resumed), which roles come back to the node (C(Resume-ClusterNode -Failback)).
      - V(immediate) moves back (live) the roles the last drain moved away (C(Immediate)).
      - V(policy) moves back only the roles whose failback settings allow it (C(AutoFailbackType) 1, within their
        failback window) (C(Policy)). Roles have failback disabled unless an administrator enabled it, so by default
        nothing moves.
      - V(none) moves nothing back (C(NoFailback)).
      - Defaults to V(policy), which honours the failback each role was configured with. Only with
        O(state=resumed).
    type: str
    choices: [immediate, policy, none]
  force:
    description:
      - Pause even if the quorum guard or the capacity guard refuses. The result carries a warning naming the guard
        and the risk taken. It does not imply O(force_drain).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description:
      - Runs the guards on the read and reports the node as it would be (C(Paused) with C(DrainStatus) C(Completed),
        or C(Up)) and how many roles would move, without changing anything.
      - Where each role would go is not predicted (the cluster chooses). Which roles a resume would fail back is
        not predicted either (Windows does not report which roles a drain moved away); with O(failback=none),
        nothing moves.
  diff_mode:
    support: full
    description: Shows the node's state, drain status and the roles it owns before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with Hyper-V and Failover Clustering.
notes:
  - >-
    The cluster cmdlets do not work over a plain WinRM session (Kerberos double hop). On real clusters run the
    task with C(become=true), C(become_method=runas) and a domain account with rights on the cluster.
  - >-
    C(Suspend-ClusterNode -Wait) has no time limit: it returns when every move has succeeded or failed. To bound the
    task, use the task keyword C(timeout); the drain then goes on in the cluster. Rerunning the task once it has
    ended picks up from the node's state; while it is still in progress the task refuses and says so.
  - >-
    VMs that are not clustered roles are not moved by a drain; the task warns about those running on the node, as
    they stop when the node restarts.
  - The node's roles include the cluster core group (C(Cluster Group)) and C(Available Storage) when it owns them.
seealso:
  - module: hyperv.cluster.cluster_info
  - module: hyperv.cluster.vm_role
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Drain hv1 for maintenance (its VMs live-migrate to the other nodes)
  hyperv.cluster.cluster_node:
    name: hv1
    state: paused
  become: true
  become_method: ansible.builtin.runas
  become_user: '{{ cluster_admin_user }}'
  vars:
    ansible_become_password: '{{ cluster_admin_password }}'

# Rolling maintenance, in a play on the cluster nodes with serial: 1 - each node drains itself, is patched, and
# takes its VMs back.
- name: Drain this node
  hyperv.cluster.cluster_node:
    state: paused

- name: Patch and restart
  ansible.windows.win_updates:
    reboot: true

- name: Resume this node and bring its VMs back
  hyperv.cluster.cluster_node:
    state: resumed
    failback: immediate

- name: Drain hv2 to hv3 only, keeping 8 GiB free per host
  hyperv.cluster.cluster_node:
    name: hv2
    state: paused
    target_node: hv3
    host_memory_reserve_mb: 8192

- name: Pause hv3 without moving its roles
  hyperv.cluster.cluster_node:
    name: hv3
    state: paused
    drain: false
'''

RETURN = r'''
cluster_node:
  description: The node after the task (as it would be, in check mode).
  returned: success and most failures after the read
  type: dict
  contains:
    name:
      description: Node name, as the cluster spells it.
      type: str
      sample: hv1
    cluster:
      description: Cluster the node belongs to.
      type: str
      sample: hvc1
    state:
      description: C(Up), C(Paused), C(Down), C(Joining) or C(Unknown).
      type: str
      sample: Paused
    drain_status:
      description: C(NotInitiated), C(InProgress), C(Completed) or C(Failed).
      type: str
      sample: Completed
    roles:
      description: Names of the roles (cluster groups) the node owns, sorted.
      type: list
      elements: str
      sample: []
roles_moved:
  description:
    - Roles that left the node (V(paused)) or came back to it (V(resumed)), sorted. In check mode, the roles that
      would leave it.
  returned: success and most failures after the read
  type: list
  elements: str
  sample: [instance-00000001, instance-00000004]
roles_moved_count:
  description: Number of roles in RV(roles_moved).
  returned: success and most failures after the read
  type: int
  sample: 2
roles_moved_to:
  description: The owner of each moved role after the task; empty in check mode.
  returned: success and most failures after the read
  type: dict
  sample: {instance-00000001: hv2, instance-00000004: hv3}
duration_s:
  description: Seconds the pause (drain included) or resume took on the host; null when nothing was run.
  returned: success and most failures after the read
  type: float
  sample: 41.2
failback:
  description: The failback policy used to resume.
  returned: when the node was resumed (or would be, in check mode)
  type: str
  sample: policy
guards:
  description: What the guards computed before a pause.
  returned: when the node was paused or drained (or would be), and when a guard refused
  type: dict
  contains:
    quorum:
      description:
        - C(votes) in all, C(available) once the node is out, C(needed) for quorum, C(ok), C(voters) (nodes whose
          votes remain), C(lost) (voting node to the reason it counts as lost), C(witness) (V(none), V(online) or
          V(offline)).
        - Absent when an already paused node is drained again.
      type: dict
    capacity:
      description:
        - C(targets), C(host_memory_reserve_mb), C(needed_mb) (memory of the running VM roles to move),
          C(free_mb) per target, C(running_vms), C(unplaced) (VMs that do not fit), C(unplaced_mb),
          C(unknown_nodes) (targets whose memory could not be read).
        - Only with a drain.
      type: dict
'''
