# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_info.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_info
short_description: Report a Hyper-V failover cluster with its nodes, quorum, CSVs, networks and VM roles
version_added: 1.0.0
description:
  - Reads the failover cluster that the target node belongs to, in one remote execution, however many VMs the
    cluster holds.
  - Reports the cluster, its nodes and their state, the quorum configuration with the witness kind, the Cluster
    Shared Volumes with size and free space, the cluster networks, and the clustered virtual machine roles with
    owner node, state and priority.
  - When the target node is not in a cluster, has no Failover Clustering module, or its cluster service is not
    running (for example after the cluster lost quorum), the module does not fail; it returns
    RV(clustered=false).
  - Runs through M(ansible.windows.win_powershell) with the collection's fixed cmdlet runner, so the task's
    connection, credentials and C(become) apply.
options:
  gather_subset:
    description:
      - Which parts of the cluster to read. The cluster itself is always read.
      - V(all) reads everything; a smaller subset makes the read cheaper on very large clusters.
    type: list
    elements: str
    default: [all]
    choices: [all, nodes, quorum, csvs, networks, vm_groups]
  vms:
    description:
      - Only report the VM roles whose name matches one of these names or shell-style patterns
        (case-insensitive), for example V(instance-*).
    type: list
    elements: str
  owner_nodes:
    description:
      - Only report the VM roles owned by one of these nodes (names or patterns, case-insensitive).
    type: list
    elements: str
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
    description: Target nodes run Windows Server 2016 or later with the Failover Clustering PowerShell module.
notes:
  - >-
    Reading other nodes of the cluster over WinRM is a second hop; on real clusters run the task with
    C(become=true), C(become_method=runas) and a domain account, as the playbooks of this collection do.
seealso:
  - module: hyperv.cluster.vm_role
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Read the whole cluster
  hyperv.cluster.cluster_info:
  register: cluster

- name: Show the nodes that are not Up
  ansible.builtin.debug:
    msg: "{{ cluster.nodes | rejectattr('state', 'equalto', 'Up') | map(attribute='name') | list }}"

- name: Only the nova instances owned by hv1, without networks and quorum
  hyperv.cluster.cluster_info:
    gather_subset: [nodes, vm_groups]
    vms: ['instance-*']
    owner_nodes: [hv1]
  register: hv1_instances
'''

RETURN = r'''
clustered:
  description: >-
    Whether the target node is an active member of a running failover cluster. False also when the cluster service
    is stopped on the node, for example after the cluster lost quorum.
  returned: always
  type: bool
  sample: true
cluster:
  description: The cluster, or null when RV(clustered=false).
  returned: always
  type: dict
  contains:
    name:
      description: Cluster name.
      type: str
      sample: hvc1
    domain:
      description: Active Directory domain of the cluster.
      type: str
      sample: corp.example.com
    id:
      description: Cluster id.
      type: str
    shared_volumes_root:
      description: Folder under which every CSV is mounted on every node.
      type: str
      sample: C:\ClusterStorage
nodes:
  description: Cluster nodes in node id order.
  returned: when nodes are gathered
  type: list
  elements: dict
  contains:
    name:
      description: Node name.
      type: str
    id:
      description: Node id.
      type: str
    state:
      description: V(Up), V(Down), V(Paused), V(Joining) or V(Unknown).
      type: str
    drain_status:
      description: V(NotInitiated), V(InProgress), V(Completed) or V(Failed).
      type: str
    status_information:
      description: Node status flags, for example V(Normal) or V(Quarantined).
      type: str
quorum:
  description: Quorum configuration, or null when the node is not clustered.
  returned: when quorum is gathered
  type: dict
  contains:
    quorum_type:
      description: What Get-ClusterQuorum reports (V(Majority) or V(DiskOnly) on Windows Server 2016 and later).
      type: str
    mode:
      description: >-
        V(node_majority), V(node_and_disk_majority), V(node_and_file_share_majority), V(node_and_cloud_majority)
        or V(disk_only).
      type: str
    witness_type:
      description: V(none), V(disk), V(file_share), V(cloud) or V(other).
      type: str
    witness_resource:
      description: Name of the witness resource, if any.
      type: str
csvs:
  description: Cluster Shared Volumes.
  returned: when csvs are gathered
  type: list
  elements: dict
  contains:
    name:
      description: Disk resource name, for example V(Cluster Disk 1).
      type: str
    path:
      description: Mount path on every node.
      type: str
      sample: C:\ClusterStorage\Volume1
    state:
      description: Resource state, for example V(Online).
      type: str
    owner_node:
      description: Coordinator node.
      type: str
    size_bytes:
      description: Volume size.
      type: int
    free_bytes:
      description: Free space.
      type: int
    used_bytes:
      description: Used space.
      type: int
    percent_free:
      description: Free space in percent.
      type: float
    fault_state:
      description: V(NoFaults), V(Redirected), V(NoAccess) or V(InMaintenance).
      type: str
    id:
      description: Resource id.
      type: str
networks:
  description: Cluster networks.
  returned: when networks are gathered
  type: list
  elements: dict
  contains:
    name:
      description: Network name.
      type: str
    address:
      description: Subnet address.
      type: str
    address_mask:
      description: Subnet mask.
      type: str
    role:
      description: V(None), V(Cluster), V(Client) or V(ClusterAndClient).
      type: str
    metric:
      description: Network metric; lower is preferred for cluster traffic.
      type: int
    auto_metric:
      description: Whether the metric is chosen by the cluster.
      type: bool
    state:
      description: V(Up), V(Down), V(Partitioned) or V(Unavailable).
      type: str
vm_groups:
  description: Clustered virtual machine roles, after the O(vms) and O(owner_nodes) filters.
  returned: when vm_groups are gathered
  type: list
  elements: dict
  contains:
    name:
      description: Role (group) name; the VM's name for roles made by Add-ClusterVirtualMachineRole.
      type: str
    owner_node:
      description: Node that owns the role, where the VM runs.
      type: str
    state:
      description: V(Online), V(Offline), V(Failed), V(PartialOnline) or V(Pending).
      type: str
    priority:
      description: Start priority, 3000, 2000, 1000 or 0.
      type: int
    priority_name:
      description: V(high), V(medium), V(low) or V(no_auto_start).
      type: str
    group_type:
      description: Always V(VirtualMachine).
      type: str
    id:
      description: Group id.
      type: str
'''
