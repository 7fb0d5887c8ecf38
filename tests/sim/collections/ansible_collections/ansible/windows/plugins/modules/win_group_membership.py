# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_group_membership
short_description: Simulated twin of ansible.windows.win_group_membership (hyperv.cluster tests only)
description:
  - Adds or removes members of a local group of a simulated node (C(hvsim.software)).
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Make the nova account a Hyper-V administrator
  ansible.windows.win_group_membership:
    name: Hyper-V Administrators
    members: ['CORP\svc-nova']
"""

RETURN = r"""
name:
  description: The group.
  returned: always
  type: str
added:
  description: Members added (state present or pure).
  returned: success and state is present or pure
  type: list
removed:
  description: Members removed (state absent or pure).
  returned: success and state is absent or pure
  type: list
members:
  description: The members after the change.
  returned: success
  type: list
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_group_membership'


def apply(state, node, params, check_mode):
    return software.set_group_membership(state, node, params['name'], params['members'], params['state'],
                                         check_mode)


def handle(module, lab_dir, node):
    return software.twin_call(lab_dir, node, apply, module.params, module.check_mode)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
