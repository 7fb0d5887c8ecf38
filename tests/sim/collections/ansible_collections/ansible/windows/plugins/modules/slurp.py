# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: slurp
short_description: Simulated twin of ansible.windows.slurp (hyperv.cluster tests only)
description:
  - Returns the content of a file of a simulated node (C(hvsim.software) - its own disks, its cluster's CSVs, the
    lab's shares) base64-encoded, as the real module reads it (File.ReadAllBytes).
  - The real module's messages for a directory (C(Path X is a directory)) and a missing path (C(Path X is not
    found)); a file a package installed (a program, no text) reads as empty. A powered-off node is unreachable.
  - Reads only: the lab state is not rewritten. Arguments are validated against the real module's spec snapshot.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Read a validation report
  ansible.windows.slurp:
    src: C:\Windows\Cluster\Reports\validation.htm
"""

RETURN = r"""
sim_node:
  description: The simulated node the twin acted for.
  returned: always
  type: str
"""

import base64

from ansible.module_utils.basic import AnsibleModule

from hvsim import software
from hvsim.state import LabState
from hvsim.twin import TwinError, run_twin

FQCN = 'ansible.windows.slurp'


def handle(module, lab_dir, node):
    src = module.params['src']
    with LabState.open(lab_dir, write=False) as state:
        if state.node(node) is None:
            raise TwinError('no node %s in the lab at %s' % (node, lab_dir))
        down = software.unreachable(state, node)
        if down is not None:
            return down
        entry = software.read_any(state, node, src)
    if entry is not None and entry['type'] == 'directory':
        return {'changed': False, 'failed': True, 'msg': 'Path %s is a directory' % src}
    if entry is None:
        return {'changed': False, 'failed': True, 'msg': 'Path %s is not found' % src}
    content = (entry.get('content') or '').encode('utf-8')
    return {'changed': False, 'content': base64.b64encode(content).decode('ascii'), 'encoding': 'base64'}


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
