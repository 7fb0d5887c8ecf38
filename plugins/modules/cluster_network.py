# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_network.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_network
short_description: Name a failover cluster network, set its role and metric
version_added: 1.0.0
description:
  - Finds the network of the cluster the target node belongs to by its subnet (O(address)) and sets its name, its
    role and its metric, by setting the C(Name), C(Role) and C(Metric) properties of the C(Get-ClusterNetwork)
    object, as no cmdlet sets them.
  - The cluster creates its networks itself, one per subnet of the nodes' adapters, named C(Cluster Network N);
    this module gives them meaningful names and roles, for example a live migration network that carries cluster
    traffic only (O(role=cluster)) or a storage network the cluster must not use (O(role=none)).
  - Setting O(metric) turns the automatic metric off (C(AutoMetric)); lower metrics are preferred for cluster
    traffic (and for live migration when the hosts do not name migration networks).
  - One remote execution when nothing changes, two otherwise.
options:
  address:
    description:
      - The network's subnet, for example V(10.10.2.0/24); the network address alone means a /24.
    type: str
    required: true
  name:
    description:
      - The name to give the network, unique in the cluster.
    type: str
  role:
    description:
      - V(none) - no cluster traffic (for example iSCSI storage). V(cluster) - cluster traffic only (heartbeat, CSV
        redirection, live migration). V(cluster_and_client) - cluster and client traffic (the management network).
    type: str
    choices: [none, cluster, cluster_and_client]
  metric:
    description:
      - The network's metric; setting it turns C(AutoMetric) off.
    type: int
attributes:
  check_mode:
    support: full
    description: Reports the network as it would be.
  diff_mode:
    support: full
    description: Shows the network's name, role and metric before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with the Failover Clustering feature.
notes:
  - Run the task on one node of the cluster with C(become=true), C(become_method=runas).
seealso:
  - module: hyperv.cluster.cluster_info
  - module: hyperv.cluster.cluster
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Name the networks by role
  hyperv.cluster.cluster_network:
    address: "{{ item.address }}"
    name: "{{ item.name }}"
    role: "{{ item.role }}"
  loop:
    - {address: 10.10.0.0/24, name: Management, role: cluster_and_client}
    - {address: 10.10.1.0/24, name: Cluster, role: cluster}
    - {address: 10.10.2.0/24, name: LiveMigration, role: cluster}

- name: Keep cluster traffic off the iSCSI network
  hyperv.cluster.cluster_network:
    address: 10.10.3.0/24
    name: Storage
    role: none
'''

RETURN = r'''
network:
  description: The network after the task (as it would be, in check mode).
  returned: success
  type: dict
  contains:
    name:
      description: Network name.
      type: str
      sample: LiveMigration
    address:
      description: Subnet address.
      type: str
      sample: 10.10.2.0
    address_mask:
      description: Subnet mask.
      type: str
      sample: 255.255.255.0
    role:
      description: V(none), V(cluster), V(client) or V(cluster_and_client).
      type: str
      sample: cluster
    metric:
      description: Metric.
      type: int
    auto_metric:
      description: Whether the cluster chooses the metric.
      type: bool
    state:
      description: C(Up), C(Down), C(Partitioned) or C(Unavailable).
      type: str
'''
