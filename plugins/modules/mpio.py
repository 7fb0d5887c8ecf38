# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/mpio.py); the module has no code.

DOCUMENTATION = r'''
---
module: mpio
short_description: Set which bus types MPIO claims automatically and its default load-balance policy
version_added: 1.0.0
description:
  - Manages the Microsoft DSM (MSDSM) of Multipath I/O on the target node - whether it automatically claims the
    disks of a bus type (C(Enable-MSDSMAutomaticClaim), C(Disable-MSDSMAutomaticClaim)) and the global default
    load-balance policy (C(Set-MSDSMGlobalDefaultLoadBalancePolicy)). Only the bus types and settings given are
    managed; the others are left as they are.
  - MSDSM claims or releases a bus type's disks when the node next starts, so a claim change returns
    RV(reboot_required=true); restart the node with M(ansible.windows.win_reboot) then. A policy applies to the
    disks MSDSM claims after it is set.
  - Needs the C(Multipath-IO) feature, installed and the node restarted since; without it the task fails saying so,
    before anything changes.
  - One remote execution when nothing changes, two otherwise.
options:
  automatic_claim:
    description:
      - Bus types to claim (V(true)) or release (V(false)), by name - V(iSCSI) or V(SAS), in any case. Bus types not
        given are left as they are.
    type: dict
  load_balance_policy:
    description:
      - The default load-balance policy of the disks MSDSM claims - V(FOO) (fail over only), V(RR) (round robin),
        V(LQD) (least queue depth), V(LB) (least blocks), or V(None) (no default, the Windows default).
    type: str
    choices: [None, FOO, RR, LQD, LB]
attributes:
  check_mode:
    support: full
    description: Reports the settings as they would be, and whether a restart would be needed.
  diff_mode:
    support: full
    description: Shows the claimed bus types and the policy before and after.
  platform:
    support: full
    platforms: windows
    description: Target nodes run Windows Server 2016 or later with the Multipath-IO feature.
seealso:
  - module: ansible.windows.win_feature
  - module: ansible.windows.win_reboot
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Claim iSCSI disks, round robin over their paths
  hyperv.cluster.mpio:
    automatic_claim:
      iSCSI: true
    load_balance_policy: RR
  register: mpio

- name: Restart for the claim to take effect
  ansible.windows.win_reboot:
  when: mpio.reboot_required
'''

RETURN = r'''
mpio:
  description: The node's MPIO settings after the task (as they would be, in check mode).
  returned: success
  type: dict
  contains:
    automatic_claim:
      description: Whether MSDSM claims the disks of each bus type.
      type: dict
      sample: {iSCSI: true, SAS: false}
    load_balance_policy:
      description: The global default load-balance policy, C(None) when there is none.
      type: str
      sample: RR
reboot_required:
  description:
    - Whether a claim changed, so that the node must restart before MSDSM claims or releases the disks (in check
      mode, whether it would). Also returned by a failed change after a claim changed.
  returned: success
  type: bool
  sample: true
'''
