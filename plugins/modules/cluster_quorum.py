# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_quorum.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_quorum
short_description: Set the quorum witness of a failover cluster
version_added: 1.0.0
description:
  - Makes the cluster the target node belongs to use node majority with the witness asked for - none, a file share
    witness, an Azure cloud witness or a disk witness - or the legacy disk-only quorum (C(Set-ClusterQuorum)).
  - The current configuration is read the way Windows Server 2016 and later report it - C(QuorumType) C(Majority)
    for every witness kind, the kind told by the witness resource's type, and C(DiskOnly) with the disk as
    C(QuorumResource) for the disk-only quorum - and compared with what is asked; the file share witness by its
    C(SharePath) (case-insensitive), the cloud witness by its storage account (and endpoint when given), a disk by
    its resource name and by C(QuorumType), so the same disk as witness and as disk only are different settings.
    The access key cannot be read back, so it is not compared; O(update_access_key=true) sets it again.
  - A cloud witness cannot be created while another exists, so changing the account (or the key) removes the old
    witness and creates the new one in the same remote execution.
  - With O(witness=auto) (the default) the witness is the one whose settings are given, whatever the node count (a
    witness is always recommended; O(disk_resource) gives a disk witness, never disk only). With no witness setting
    given, the quorum is left as it is - an existing witness is kept - and a cluster with an even number of nodes
    and no witness gets a warning saying which settings to give, since losing half of the nodes would stop it.
    O(witness=none) removes the witness (the same warning on an even node count).
  - O(witness=disk_only) is the legacy quorum where the disk alone has the vote - the nodes have none. The cluster
    runs while one node reaches the disk, but the disk is a single point of failure for the whole cluster, and
    Microsoft does not recommend it; every run that leaves it in place warns so. Prefer O(witness=disk).
  - One remote execution when nothing changes, two otherwise.
options:
  witness:
    description:
      - V(none) - node majority without a witness. V(file_share) - O(file_share_path). V(cloud) -
        O(cloud_account_name) and O(cloud_access_key). V(disk) - a disk witness, O(disk_resource). V(disk_only) -
        the legacy disk-only quorum on O(disk_resource) (not recommended, see above). V(auto) - the witness whose
        options are given, else the quorum as it is.
    type: str
    default: auto
    choices: [auto, none, file_share, cloud, disk, disk_only]
  file_share_path:
    description:
      - UNC path of the folder of the file share witness, on a server outside the cluster. The cluster name object
        (C(<CLUSTER>$)) needs Full Control on it.
    type: str
  cloud_account_name:
    description:
      - Azure storage account of the cloud witness.
    type: str
  cloud_access_key:
    description:
      - An access key of that storage account. Never logged, never returned.
    type: str
  cloud_endpoint:
    description:
      - Azure endpoint, for clouds other than the public one (for example C(core.usgovcloudapi.net)).
    type: str
  disk_resource:
    description:
      - Name of the clustered disk for a disk witness or the disk-only quorum, in Available Storage
        (M(hyperv.cluster.cluster_disk) with C(csv=false)); a small disk (1 GB) is enough.
    type: str
  update_access_key:
    description:
      - Set the cloud witness again even when the account matches, to apply a rotated O(cloud_access_key).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports whether the witness would change and the quorum as it would be.
  diff_mode:
    support: full
    description: Shows the quorum mode and witness before and after (never the access key).
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with the Failover Clustering feature.
notes:
  - >-
    Run the task on one node of the cluster with C(become=true), C(become_method=runas) and a domain account with
    rights on the cluster.
seealso:
  - module: hyperv.cluster.cluster
  - module: hyperv.cluster.cluster_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: File share witness for a cluster with an even number of nodes
  hyperv.cluster.cluster_quorum:
    file_share_path: \\fs01.corp.example.com\witness\hvc1

- name: Cloud witness, key from a vault
  hyperv.cluster.cluster_quorum:
    witness: cloud
    cloud_account_name: hvwitness
    cloud_access_key: "{{ vault_cloud_witness_key }}"

- name: Disk witness on a small clustered disk
  hyperv.cluster.cluster_quorum:
    disk_resource: Witness

- name: Legacy disk-only quorum (warns - the disk is a single point of failure)
  hyperv.cluster.cluster_quorum:
    witness: disk_only
    disk_resource: Quorum

- name: Node majority, no witness
  hyperv.cluster.cluster_quorum:
    witness: none
'''

RETURN = r'''
quorum:
  description: The quorum after the task (as it would be, in check mode).
  returned: success
  type: dict
  contains:
    mode:
      description: >-
        V(node_majority), V(node_and_file_share_majority), V(node_and_cloud_majority), V(node_and_disk_majority)
        or V(disk_only).
      type: str
      sample: node_and_file_share_majority
    witness_type:
      description: V(none), V(file_share), V(cloud) or V(disk) (also for the disk-only quorum).
      type: str
    witness_resource:
      description: Name of the witness resource; null without a witness.
      type: str
      sample: File Share Witness
    share_path:
      description: The file share witness's path; null for other kinds.
      type: str
    account_name:
      description: The cloud witness's storage account; null for other kinds.
      type: str
'''
