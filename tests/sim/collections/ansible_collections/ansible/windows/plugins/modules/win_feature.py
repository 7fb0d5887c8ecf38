# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_feature
short_description: Simulated twin of ansible.windows.win_feature (hyperv.cluster tests only)
description:
  - Installs and removes Windows features of a simulated node (C(hvsim.features)), following win_feature.ps1 around
    Install-WindowsFeature / Uninstall-WindowsFeature, with the same result keys.
  - Hyper-V needs a restart; until the node restarts (ansible.windows.win_reboot) the features of that operation are
    pending and their cmdlets unavailable. Hyper-V fails, changing nothing, on hardware without SLAT, VM Monitor Mode
    extensions, firmware virtualization or DEP.
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Install Hyper-V with its management tools
  ansible.windows.win_feature:
    name: [Hyper-V, Failover-Clustering, Multipath-IO]
    include_management_tools: true
  register: features
"""

RETURN = r"""
exitcode:
  description: Success, SuccessRestartRequired or NoChangeNeeded.
  returned: always
  type: str
feature_result:
  description: The features installed or removed (id, display_name, message, reboot_required, skip_reason, success).
  returned: success
  type: list
reboot_required:
  description: True when the node must restart for the change (or an earlier one) to take effect.
  returned: success
  type: bool
success:
  description: Whether the operation succeeded.
  returned: success
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import features, software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_feature'


def apply(state, node_name, params, check_mode):
    node = state.node(node_name)
    present = params['state'] == 'present'
    if present and params.get('source') and software.read_any(state, node_name, params['source']) is None:
        return {'changed': False, 'failed': True,
                'msg': 'Failed to find source path %s for feature install' % params['source']}
    try:
        return features.change(node, params['name'], present=present,
                               management_tools=params['include_management_tools'],
                               sub_features=present and params['include_sub_features'], check_mode=check_mode)
    except features.FeatureError as error:
        return {'changed': False, 'failed': True, 'msg': 'Failed to %s Windows Feature: %s' % (
            'install' if present else 'uninstall', error)}


def handle(module, lab_dir, node):
    return software.twin_call(lab_dir, node, apply, module.params, module.check_mode)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
