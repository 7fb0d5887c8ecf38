# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_file
short_description: Simulated twin of ansible.windows.win_file (hyperv.cluster tests only)
description:
  - Creates, touches and removes files and directories of a simulated node (C(hvsim.software)); paths on a CSV of
    the node's cluster are seen by every node of that cluster, UNC paths by every node.
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Create a directory
  ansible.windows.win_file:
    path: C:\OpenStack\Log
    state: directory
"""

RETURN = r"""
sim_node:
  description: The simulated node the twin acted for.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_file'


def apply(state, node, params, check_mode):
    path, wanted = params['path'], params['state']
    entry = software.get_entry(state, node, path)
    if wanted is None:
        wanted = 'directory' if entry is not None and entry['type'] == 'directory' else 'file'
    if wanted == 'absent':
        if entry is None:
            return {'changed': False}
        if not check_mode:
            software.remove_path(state, node, path)
        return {'changed': True}
    if wanted == 'directory':
        if entry is not None:
            if entry['type'] != 'directory':
                raise software.SoftwareError('path %s is not a directory' % path)
            return {'changed': False}
        if not check_mode:
            software.make_directories(state, node, path)
        return {'changed': True}
    if wanted == 'file':
        if entry is None:
            raise software.SoftwareError('path %s will not be created' % path)
        if entry['type'] != 'file':
            raise software.SoftwareError('path %s is not a file' % path)
        return {'changed': False}
    # touch: an existing file only gets a new timestamp, which the simulation does not keep
    if entry is not None and entry['type'] == 'directory':
        raise software.SoftwareError('path %s is not a file' % path)
    if not check_mode:
        software.write_file(state, node, path, entry['content'] if entry else '')
    return {'changed': True}


def handle(module, lab_dir, node):
    return software.twin_call(lab_dir, node, apply, module.params, module.check_mode)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
