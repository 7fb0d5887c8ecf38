# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/vmhost.py); the module has no code.

DOCUMENTATION = r'''
---
module: vmhost
short_description: Set a Hyper-V host's live migration settings, NUMA spanning and default paths
version_added: 1.0.0
description:
  - Manages the Hyper-V settings of the target node that are given, and leaves the others as they are - live
    migration on or off (C(Enable-VMMigration), C(Disable-VMMigration)), its authentication and performance option,
    how many live and storage migrations run at once, which networks incoming migrations use
    (C(Add-VMMigrationNetwork), C(Remove-VMMigrationNetwork)), NUMA spanning and the default folders of VMs and
    virtual hard disks (C(Set-VMHost)).
  - One remote execution when nothing changes, two otherwise.
options:
  live_migration:
    description: Whether the host takes and sends live migrations.
    type: bool
  authentication:
    description:
      - V(kerberos) needs constrained delegation of the C(cifs) and C(Microsoft Virtual System Migration Service)
        services between the hosts' computer objects; V(credssp) needs an interactive logon on the source host and
        breaks under Credential Guard (Windows Server 2025 enables it by default), so the task warns about it.
    type: str
    choices: [kerberos, credssp]
  performance:
    description: How memory is sent; V(compression) (the Windows default), V(smb) (SMB Direct, multichannel) or V(tcpip).
    type: str
    choices: [tcpip, compression, smb]
  max_live_migrations:
    description:
      - Simultaneous live migrations. On a cluster node the cluster's C(MaximumParallelMigrations) takes precedence.
    type: int
  max_storage_migrations:
    description: Simultaneous storage migrations.
    type: int
  migration_networks:
    description:
      - The networks incoming live migrations use, exactly (others are removed), each with an optional priority
        (lower first). Giving them sets O(use_any_network=false) unless O(use_any_network) says otherwise.
    type: list
    elements: dict
    suboptions:
      subnet:
        description: The network, in CIDR form (V(10.10.2.0/24)); a single address means that address only.
        type: str
        required: true
      priority:
        description: Its priority; when omitted, an existing network keeps its own.
        type: int
  use_any_network:
    description: Whether incoming migrations may use any network instead of O(migration_networks).
    type: bool
  numa_spanning:
    description:
      - Whether VMs may span NUMA nodes. A change applies to VMs started after the Hyper-V Virtual Machine Management
        service restarts; the task warns when it changes it.
    type: bool
  vm_path:
    description: Default folder of new VMs' configuration files.
    type: str
  vhd_path:
    description: Default folder of new virtual hard disks.
    type: str
attributes:
  check_mode:
    support: full
    description: Reports the settings as they would be.
  diff_mode:
    support: full
    description: Shows the settings before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with Hyper-V and its PowerShell module.
seealso:
  - module: hyperv.cluster.host_info
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Live migration over the LiveMigration network only, Kerberos, compression, 4 at a time
  hyperv.cluster.vmhost:
    live_migration: true
    authentication: kerberos
    performance: compression
    max_live_migrations: 4
    migration_networks:
      - subnet: 10.10.2.0/24
        priority: 1
    numa_spanning: false

- name: VMs and disks on the first CSV by default
  hyperv.cluster.vmhost:
    vm_path: C:\ClusterStorage\Volume1\Hyper-V
    vhd_path: C:\ClusterStorage\Volume1\Hyper-V\Virtual Hard Disks
'''

RETURN = r'''
host:
  description: The host's settings after the task (as they would be, in check mode).
  returned: success
  type: dict
  contains:
    live_migration:
      description: Whether live migration is enabled.
      type: bool
    authentication:
      description: V(kerberos) or V(credssp).
      type: str
    performance:
      description: V(tcpip), V(compression) or V(smb).
      type: str
    max_live_migrations:
      description: Simultaneous live migrations.
      type: int
    max_storage_migrations:
      description: Simultaneous storage migrations.
      type: int
    use_any_network:
      description: Whether any network may carry incoming migrations.
      type: bool
    migration_networks:
      description: The migration networks, C(subnet) and C(priority).
      type: list
      elements: dict
    numa_spanning:
      description: Whether NUMA spanning is enabled.
      type: bool
    vm_path:
      description: Default VM folder.
      type: str
    vhd_path:
      description: Default virtual hard disk folder.
      type: str
'''
