# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster
short_description: Create a failover cluster, add nodes to it and evict nodes from it
version_added: 1.0.0
description:
  - Makes sure the failover cluster O(name) exists with every node of O(nodes) a member, and that the nodes of
    O(evict) are not members.
  - When the cluster does not exist, it is created with all of O(nodes) at once (C(New-Cluster -NoStorage)), with
    its cluster name object in Active Directory unless O(access_point=dns) or O(access_point=none), and the given
    O(static_address) and O(ignore_network). Storage is added later, on purpose, disk by disk.
  - When it exists, the nodes of O(nodes) that are not members join it (C(Add-ClusterNode -NoStorage)) and the
    members named in O(evict) leave it (C(Remove-ClusterNode -Force); their roles fail over to the other nodes
    first). Nodes that are members are never added again, whatever their state - a C(Down) or C(Paused) member
    stays as it is; other members not named anywhere are left alone.
  - Checked before anything changes, each with its own error; the name (at most 15 characters, a NetBIOS computer
    name), nodes that belong to another cluster, a name that is a computer of another cluster, evicting every node.
    Windows' own refusals (missing rights on the cluster name object in AD, a node that cannot be reached, the
    Failover Clustering feature missing, a static address on no cluster network) fail with the cause and a fix.
  - One remote execution when nothing changes, two otherwise.
options:
  name:
    description:
      - The cluster's name, also the name of its computer object in AD and DNS. At most 15 characters; letters,
        digits and hyphens.
    type: str
    required: true
  nodes:
    description:
      - The nodes that must be members, by short name or FQDN.
      - Defaults to the node the task runs on.
    type: list
    elements: str
  evict:
    description:
      - Nodes that must not be members. A node that is no member is not an error.
    type: list
    elements: str
    default: []
  static_address:
    description:
      - IPv4 addresses of the cluster name on its networks (C(-StaticAddress)), when the cluster is created.
      - Without it the cluster name takes an address from DHCP on networks that use DHCP.
      - Not compared or changed once the cluster exists (the task warns).
    type: list
    elements: str
    default: []
  ignore_network:
    description:
      - Networks, in CIDR form, that the new cluster must not use (C(-IgnoreNetwork)), for example a storage network.
      - Only when the cluster is created.
    type: list
    elements: str
    default: []
  access_point:
    description:
      - The cluster's administrative access point (C(-AdministrativeAccessPoint)), when it is created.
      - V(active_directory_and_dns) creates the cluster name object in AD; the account that runs the task needs the
        right to create computer objects in the nodes' OU, or Full Control over a prestaged object of that name.
    type: str
    default: active_directory_and_dns
    choices: [active_directory_and_dns, dns, none]
attributes:
  check_mode:
    support: full
    description: Reports whether the cluster would be created and which nodes would join or leave.
  diff_mode:
    support: full
    description: Shows the cluster's members and their states before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with the Failover Clustering feature.
notes:
  - >-
    New-Cluster and Add-ClusterNode reach the other nodes: over WinRM that is a second hop. Run the task on one node
    with C(become=true), C(become_method=runas) and a domain account with the rights above.
  - >-
    Run C(Test-Cluster) on the nodes first: Microsoft supports a cluster only once it passed validation.
seealso:
  - module: hyperv.cluster.cluster_info
  - module: hyperv.cluster.cluster_node
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Create cluster hvc1 of three nodes, with a static address, keeping the storage network out
  hyperv.cluster.cluster:
    name: hvc1
    nodes: [hv1, hv2, hv3]
    static_address: [10.10.0.50]
    ignore_network: [10.10.3.0/24]
  become: true
  become_method: ansible.builtin.runas

- name: Add a fourth node later (only hv4 changes)
  hyperv.cluster.cluster:
    name: hvc1
    nodes: [hv1, hv2, hv3, hv4]

- name: Evict a retired node
  hyperv.cluster.cluster:
    name: hvc1
    nodes: [hv1, hv2, hv4]
    evict: [hv3]
'''

RETURN = r'''
cluster:
  description: The cluster after the task (as it would be, in check mode).
  returned: success, and with the members before the change on a failure of the change
  type: dict
  contains:
    name:
      description: Cluster name.
      type: str
      sample: hvc1
    exists:
      description: Whether the cluster has members.
      type: bool
    nodes:
      description: Members and their states (C(Up), C(Down), C(Paused), C(Joining)), sorted by name.
      type: list
      elements: dict
created:
  description: Whether the task created the cluster.
  returned: success
  type: bool
added:
  description: Nodes that joined (all of them when the cluster was created).
  returned: success
  type: list
  elements: str
evicted:
  description: Nodes that left.
  returned: success
  type: list
  elements: str
'''
