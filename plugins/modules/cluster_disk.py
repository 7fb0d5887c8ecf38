# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_disk.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_disk
short_description: Add a shared disk to a failover cluster, name it, and make it a Cluster Shared Volume
version_added: 1.0.0
description:
  - Makes sure the cluster the target node belongs to has a disk resource named O(name) and, with O(csv=true) (the
    default), that it is a Cluster Shared Volume, mounted on every node under C(C:\ClusterStorage).
  - When no disk resource of that name exists, the disk O(number) (as C(Get-Disk) numbers it on the target node),
    the one disk whose C(FriendlyName) is O(label), or the one available disk of O(size_gb), is added to the cluster
    (C(Add-ClusterDisk)), given the name O(name), and made a CSV (C(Add-ClusterSharedVolume)), all in one remote
    execution.
  - Refused before anything changes, each with its own message - a disk that is not GPT, smaller than
    O(min_size_gb), already clustered under another name, not seen by every node, or a label or size that matches
    no disk or several.
  - The resource is found by its name on later runs, so renaming it outside this module makes the module add
    another disk.
  - One remote execution when nothing changes, two otherwise.
options:
  name:
    description:
      - Name of the disk resource, for example V(CSV-A) or V(Witness).
    type: str
    required: true
  number:
    description:
      - Disk number of the shared disk, as C(Get-Disk) shows it on the target node. Needed (or O(label) or
        O(size_gb)) only when the resource does not exist yet.
    type: int
  label:
    description:
      - Pick the one disk whose C(FriendlyName), as C(Get-Disk) shows it on the target node, is this (case
        aside), for example V(MSFT Virtual HD CSV-A).
      - The whole name, not only its end after the vendor's model string (that could match a disk nobody meant);
        a label that is only the end of a name fails naming the whole one. No match or several fail listing every
        disk the node sees (number, name, size).
      - Mutually exclusive with O(number) and O(size_gb).
    type: str
  size_gb:
    description:
      - Pick the one disk available to the cluster whose size rounds to this many GiB.
      - Mutually exclusive with O(number) and O(label).
    type: int
  csv:
    description:
      - Make the disk a Cluster Shared Volume. V(false) leaves it in Available Storage, for example for a disk
        witness.
    type: bool
    default: true
  min_size_gb:
    description:
      - Refuse disks smaller than this. Defaults to V(10) for a CSV and V(1) otherwise.
    type: int
attributes:
  check_mode:
    support: full
    description: Reports whether the disk would be added or made a CSV.
  diff_mode:
    support: full
    description: Shows the disk resource before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with the Failover Clustering feature.
notes:
  - Run the task on one node of the cluster with C(become=true), C(become_method=runas).
  - The disk must be presented to every node (iSCSI or SAS, claimed by MPIO) and be an empty or NTFS/ReFS-formatted
    basic GPT disk.
seealso:
  - module: hyperv.cluster.cluster_info
  - module: hyperv.cluster.cluster_quorum
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Two CSVs for the instances
  hyperv.cluster.cluster_disk:
    name: "{{ item.name }}"
    number: "{{ item.number }}"
  loop:
    - {name: CSV-A, number: 2}
    - {name: CSV-B, number: 3}

- name: A disk for the witness, not a CSV
  hyperv.cluster.cluster_disk:
    name: Witness
    size_gb: 1
    csv: false

- name: A disk found by the name the SAN gave its LUN
  hyperv.cluster.cluster_disk:
    name: CSV-C
    label: MSFT Virtual HD CSV-C
'''

RETURN = r'''
disk:
  description: The disk resource after the task (as it would be, in check mode).
  returned: success
  type: dict
  contains:
    name:
      description: Resource name.
      type: str
      sample: CSV-A
    exists:
      description: Whether the resource exists.
      type: bool
    csv:
      description: Whether it is a Cluster Shared Volume.
      type: bool
    path:
      description: The CSV's mount folder on every node; null for a disk that is not a CSV (and in check mode).
      type: str
      sample: C:\ClusterStorage\Volume1
    number:
      description: Disk number, when the task added the disk.
      type: int
    size_bytes:
      description: Disk size, when the task added the disk.
      type: int
    state:
      description: Resource state (C(Online)...).
      type: str
'''
