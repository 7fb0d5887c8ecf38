# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_regedit
short_description: Simulated twin of ansible.windows.win_regedit (hyperv.cluster tests only)
description:
  - Adds, changes and removes registry keys and values of a simulated node (C(hvsim.registry)), following
    win_regedit.ps1 (data conversion per type, C(data_changed) / C(data_type_changed), check mode, the C(--diff)
    before / after of the real module).
  - W32Time reads its parameters when the service starts, so restart C(W32Time) (ansible.windows.win_service) for a
    change to take effect.
  - Loading a hive file (C(hive)) is not simulated. Arguments are validated against the real module's argument spec
    snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Exclude the CSV root from Defender scans by policy
  ansible.windows.win_regedit:
    path: HKLM:\SOFTWARE\Policies\Microsoft\Windows Defender\Exclusions\Paths
    name: C:\ClusterStorage
    data: '0'
    type: string
"""

RETURN = r"""
data_changed:
  description: Whether this invocation changed the data in the registry value.
  returned: success
  type: bool
data_type_changed:
  description: Whether this invocation changed the datatype of the registry value.
  returned: success
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import registry, software
from hvsim.twin import diff_when_asked, run_twin

FQCN = 'ansible.windows.win_regedit'


def handle(module, lab_dir, node):
    def apply(state, node_name):
        try:
            result, warnings = registry.regedit(state.node(node_name), module.params, module.check_mode)
        except registry.RegistryError as error:
            return {'changed': False, 'failed': True, 'msg': str(error), 'data_changed': False,
                    'data_type_changed': False}
        for warning in warnings:
            module.warn(warning)
        return diff_when_asked(module, result)

    return software.twin_call(lab_dir, node, apply)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
