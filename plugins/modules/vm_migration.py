# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/vm_migration.py); the module has no code.

DOCUMENTATION = r'''
---
module: vm_migration
short_description: Move one Hyper-V virtual machine to another node, choosing how
version_added: 1.0.0
description:
  - Moves an existing virtual machine to the node O(destination) and picks the migration path itself. The result
    says which path it took (RV(migration.path)), from where to where, and how long it took.
  - V(none) - the VM already runs on the destination; nothing changes.
  - V(cluster_live) / V(cluster_quick) - the VM is a clustered role and the destination is a node of the same
    cluster; the cluster moves the role (C(Move-ClusterVirtualMachineRole -MigrationType Live), or C(Quick) with
    O(type=quick)), then the module checks that the destination owns the role and that it is C(Online). A VM that
    is not running just changes owner (C(-MigrationType Quick)).
  - V(shared_nothing) - the destination is a node of another cluster or a standalone host, or the VM is not a
    clustered role. A clustered VM is removed from its cluster first (the VM itself is kept, running), moved with
    C(Move-VM) together with its storage, and made a clustered role again at the destination when the destination
    is a cluster node, with the same priority. Storage stays in place when the destination already reaches every
    file (an SMB share; a Cluster Shared Volume of the same cluster, for an unclustered VM moving inside its
    cluster). An unclustered VM stays unclustered.
  - V(cold) - with O(type=cold), the VM is shut down (or saved, O(cold_action=save)), moved and started again, with
    the same clustering rules. Inside the cluster of a clustered VM the cluster does this itself
    (C(-MigrationType Shutdown), or C(Quick) when saving).
  - Before anything changes the module checks, each with its own error, that the VM exists, the destination exists
    and is C(Up) (not C(Paused) or C(Down)), the destination has free memory for the VM plus
    O(host_memory_reserve_mb), it has a virtual switch of the same name for every network adapter of the VM, no
    other VM or cluster role there has the VM's name or Id, and (for a live or saved move) its processor can run
    the VM (C(Compare-VM)). Live migration must be enabled on both hosts for C(Move-VM), and a VM that will be
    clustered at the destination must have its files on shared storage there.
  - When the migration fails or times out, the module cancels a hung cluster move, finds where the VM is, and puts
    it back on its source, clustered as before (same priority and preferred owners) and running if it ran; then it
    fails with a message that says what happened and where the VM is now. Windows never leaves two registered
    copies of the VM, and the module checks that.
  - One remote execution when nothing changes, two when the migration succeeds; a failure costs up to three more
    (find the VM, put it back, find it again).
  - The task runs on a node of the cluster the VM is in (any node), or on the standalone host that runs the VM.
    Everything is done from there; the destination is reached by name (C(-ComputerName), C(-Cluster)).
options:
  name:
    description:
      - Name of the virtual machine, which is also the name of its cluster role when it is clustered.
      - Names with the wildcard characters C(*), C(?), C([) or C(]) are refused.
    type: str
    required: true
  destination:
    description:
      - The node to move the VM to, by its short name or FQDN. It may be a node of the VM's cluster, of another
        cluster, or a standalone Hyper-V host.
    type: str
    required: true
  type:
    description:
      - V(live) moves a running VM without stopping it (a cluster live migration inside its cluster, a
        shared-nothing live migration otherwise).
      - V(quick) saves, moves and restores a clustered VM inside its cluster; it is refused for any other move.
      - V(cold) shuts the VM down (or saves it), moves it and starts it again; a VM that was not running is moved as
        it is and left so.
    type: str
    default: live
    choices: [live, quick, cold]
  cold_action:
    description:
      - With O(type=cold), how the VM is stopped before the move. V(shutdown) (the default) shuts the guest down;
        V(save) saves its state, which needs a destination whose processor can restore it.
      - Only with O(type=cold).
    type: str
    choices: [shutdown, save]
  destination_storage_path:
    description:
      - Folder under which the VM's files go when C(Move-VM) moves its storage; the VM gets its own folder
        C(<destination_storage_path>\<name>), its configuration there and its virtual hard disks in
        C(<destination_storage_path>\<name>\Virtual Hard Disks).
      - When omitted, the destination's default virtual machine folder (C(Get-VMHost) C(VirtualMachinePath)) is
        used, and storage the destination already reaches is not moved.
      - A VM that will be clustered at the destination needs a folder on a Cluster Shared Volume of the
        destination's cluster or on an SMB share; a folder on the destination's local disks is refused.
      - Not used by moves inside a cluster, which keep the files where they are.
    type: str
  timeout:
    description:
      - Seconds a cluster move may take (C(Move-ClusterVirtualMachineRole -Wait)). A move still running after that
        is cancelled and the VM is left on its source.
      - C(Move-VM) has no such limit; Windows' own timeouts apply to it.
    type: int
    default: 600
  host_memory_reserve_mb:
    description:
      - Memory, in megabytes, that must stay free on the destination for the host itself once the VM runs there.
      - Free memory is the destination's installed memory minus the memory assigned to the VMs running on it.
    type: int
    default: 2048
attributes:
  check_mode:
    support: full
    description: >-
      Reads only. Checks every precondition and reports the path the migration would take and the VM as it would
      be afterwards.
  diff_mode:
    support: full
    description: Shows the VM's host, state, cluster, owner node, priority, preferred owners and folder before and after.
  platform:
    support: full
    platforms: windows
    description: Nodes run Windows Server 2016 or later with Hyper-V (and Failover Clustering for clustered VMs).
notes:
  - >-
    The cluster and Hyper-V cmdlets reach the other nodes and the destination from the task's host: over a plain
    WinRM session that is a second hop (Kerberos double hop) and fails. Run the task with C(become=true),
    C(become_method=runas) and a domain account with rights on both clusters and both hosts (for example the
    AWX machine credential's become user). CredSSP is not needed.
  - >-
    A shared-nothing live migration (C(Move-VM)) between hosts that are not in the same cluster also needs
    Kerberos constrained delegation: on each source computer object, allow delegation to the destination for the
    services C(cifs) and C(Microsoft Virtual System Migration Service) with "Use any authentication protocol", in
    both directions, and set C(VirtualMachineMigrationAuthenticationType) to C(Kerberos) on the hosts.
  - >-
    Preferred owners are nodes of one cluster: when a clustered VM moves to another cluster, the ones that are not
    nodes of the destination's cluster are dropped (with a warning); set new ones with M(hyperv.cluster.vm_role).
  - >-
    A clustered VM moved to a host that is not in a cluster, or whose cluster cannot be reached, is no longer
    clustered afterwards; the task warns about it.
  - >-
    A VM is found by its name on the nodes of the task host's cluster (or on the task's standalone host) and on the
    destination; a VM already on the destination is left alone (V(none)), which makes a rerun after a successful
    migration change nothing.
  - >-
    When the move has to be undone after C(Move-VM) moved the storage, the storage is moved back into the VM's
    original folder, with the virtual hard disks in its C(Virtual Hard Disks) subfolder.
seealso:
  - module: hyperv.cluster.vm_role
  - module: hyperv.cluster.cluster_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Live-migrate instance-00000001 to hv2 (a node of its cluster, or anywhere else)
  hyperv.cluster.vm_migration:
    name: instance-00000001
    destination: hv2
  become: true
  become_method: ansible.builtin.runas
  become_user: '{{ cluster_admin_user }}'
  vars:
    ansible_become_password: '{{ cluster_admin_password }}'

- name: Move a clustered VM to another cluster, onto one of its Cluster Shared Volumes
  hyperv.cluster.vm_migration:
    name: instance-00000002
    destination: hv4.corp.example.com
    destination_storage_path: C:\ClusterStorage\Volume1
    timeout: 900
  register: moved

- name: Show which way it went
  ansible.builtin.debug:
    msg: "{{ moved.migration.path }} from {{ moved.migration.source }} in {{ moved.migration.duration_ms }} ms"

- name: Move a VM to a host of another processor vendor (it is shut down and started again)
  hyperv.cluster.vm_migration:
    name: instance-00000003
    destination: hv9
    type: cold
'''

RETURN = r'''
migration:
  description: The migration, and the VM as it is after the task (as it would be, in check mode).
  returned: success, and on failure after the migration started
  type: dict
  contains:
    path:
      description: V(none), V(cluster_live), V(cluster_quick), V(shared_nothing) or V(cold).
      type: str
      sample: shared_nothing
    source:
      description: Node the VM was on before the task.
      type: str
      sample: hv1
    destination:
      description: The destination node, as its cluster (or its Hyper-V host) spells it.
      type: str
      sample: hv4
    duration_ms:
      description: >-
        Time Windows spent in the migration's steps (stopping, unclustering, moving, clustering, starting), as
        measured on the host; 0 for V(none) and in check mode.
      type: int
      sample: 2051
    storage_moved:
      description: Whether C(Move-VM) moved the VM's files.
      type: bool
      sample: true
    vm:
      description: The VM after the task; on failure, where it is now.
      type: dict
      contains:
        name:
          description: VM name.
          type: str
          sample: instance-00000002
        id:
          description: VM Id.
          type: str
          sample: 0d7b2c8e-2c3f-5e4a-9b1d-7f3f0d6f4a11
        host:
          description: Node the VM is registered on.
          type: str
          sample: hv4
        state:
          description: C(Running), C(Off), C(Saved) or C(Paused).
          type: str
          sample: Running
        clustered:
          description: Whether the VM is a clustered role.
          type: bool
          sample: true
        cluster:
          description: Cluster of the node the VM is on; null on a standalone host.
          type: str
          sample: hvc2
        owner_node:
          description: Node that owns the VM's role; null when not clustered.
          type: str
          sample: hv4
        priority:
          description: Start priority of the role (3000, 2000, 1000 or 0); null when not clustered.
          type: int
          sample: 3000
        preferred_owners:
          description: Preferred owner nodes of the role, in order; empty when none are set or not clustered.
          type: list
          elements: str
          sample: []
        path:
          description: Folder of the VM's configuration.
          type: str
          sample: C:\ClusterStorage\Volume1\instance-00000002
'''
