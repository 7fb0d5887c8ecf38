# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/vm_role.py); the module has no code.

DOCUMENTATION = r'''
---
module: vm_role
short_description: Cluster or uncluster one Hyper-V virtual machine
version_added: 1.0.0
description:
  - With O(state=present), makes an existing virtual machine a highly available role of the failover cluster the
    target node belongs to (C(Add-ClusterVirtualMachineRole)), and sets its start priority and preferred owners.
  - With O(state=absent), removes the VM's cluster role (C(Remove-ClusterGroup -RemoveResources)). The VM itself
    is never deleted, stopped or moved; it stays registered and running on the node that owned it.
  - The VM may run on any node of the cluster; the task runs on any node of that cluster.
  - Refuses, without changing anything, a VM that does not exist, a VM whose files are not all on a Cluster
    Shared Volume or an SMB share, a node that is not in a cluster, and preferred owners that are not cluster
    nodes.
  - One remote execution when nothing changes, two when something does.
options:
  name:
    description:
      - Name of the virtual machine, which is also the name of its cluster role.
      - Names with the wildcard characters C(*), C(?), C([) or C(]) are refused, because Get-VM and the cluster
        cmdlets would treat them as patterns.
    type: str
    required: true
  state:
    description:
      - V(present) makes the VM a clustered role; V(absent) removes the role and keeps the VM.
    type: str
    default: present
    choices: [present, absent]
  priority:
    description:
      - Start priority of the role. V(high), V(medium) and V(low) are 3000, 2000 and 1000; V(no_auto_start) (0)
        means the cluster never starts the role by itself, also not after a failover.
      - When omitted, a new role gets the Windows default (medium) and an existing role keeps its priority.
      - Only with O(state=present).
    type: str
    choices: [high, medium, low, no_auto_start]
  preferred_owners:
    description:
      - Ordered list of nodes that should own the role (C(Set-ClusterOwnerNode)). Names are matched
        case-insensitively against the cluster's nodes; a node listed twice counts once.
      - When omitted, the preferred owners are left as they are. An empty list is refused, because Windows
        cannot set an empty owner list.
      - Only with O(state=present).
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: Reports exactly what would change, and the role as it would be, without changing anything.
  diff_mode:
    support: full
    description: Shows clustered, owner node, priority and preferred owners before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with Hyper-V and Failover Clustering.
notes:
  - >-
    The cluster cmdlets do not work over a plain WinRM session (Kerberos double hop). On real clusters run the
    task with C(become=true), C(become_method=runas) and a domain account with rights on the cluster.
  - The VM's configuration and every virtual hard disk must be on a Cluster Shared Volume or an SMB share, or no
    other node could start it after a failover.
seealso:
  - module: hyperv.cluster.cluster_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Make instance-00000001 highly available, started first after a failover
  hyperv.cluster.vm_role:
    name: instance-00000001
    priority: high
    preferred_owners: [hv1, hv2]
  become: true
  become_method: ansible.builtin.runas
  become_user: '{{ cluster_admin_user }}'
  vars:
    ansible_become_password: '{{ cluster_admin_password }}'

- name: Take the VM out of the cluster but keep it running where it is
  hyperv.cluster.vm_role:
    name: instance-00000001
    state: absent
'''

RETURN = r'''
vm_role:
  description: The VM's cluster role after the task (as it would be, in check mode).
  returned: success
  type: dict
  contains:
    name:
      description: VM and role name.
      type: str
      sample: instance-00000001
    cluster:
      description: Cluster the target node belongs to.
      type: str
      sample: hvc1
    clustered:
      description: Whether the VM is a clustered role.
      type: bool
      sample: true
    owner_node:
      description: Node that owns the role; null when not clustered.
      type: str
      sample: hv1
    priority:
      description: Start priority (3000, 2000, 1000 or 0); null when not clustered.
      type: int
      sample: 3000
    priority_name:
      description: V(high), V(medium), V(low) or V(no_auto_start); null when not clustered.
      type: str
      sample: high
    preferred_owners:
      description: Preferred owner nodes in order; empty when none are set.
      type: list
      elements: str
      sample: [hv1, hv2]
'''
