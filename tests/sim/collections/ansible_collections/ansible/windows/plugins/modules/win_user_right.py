# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_user_right
short_description: Simulated twin of ansible.windows.win_user_right (hyperv.cluster tests only)
description:
  - Adds, removes or sets the accounts holding a user right on a simulated node (C(hvsim.software)); accounts must
    translate to a SID on the node (domain accounts need a domain-joined node and an existing AD user or group).
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Let the nova account log on as a service
  ansible.windows.win_user_right:
    name: SeServiceLogonRight
    users: ['CORP\svc-nova']
    action: add
"""

RETURN = r"""
added:
  description: Accounts added to the right.
  returned: success
  type: list
removed:
  description: Accounts removed from the right.
  returned: success
  type: list
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_user_right'


def apply(state, node, params, check_mode):
    return software.set_user_right(state, node, params['name'], params['users'], params['action'], check_mode)


def handle(module, lab_dir, node):
    return software.twin_call(lab_dir, node, apply, module.params, module.check_mode)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
