# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: setup
short_description: Simulated twin of ansible.windows.setup (hyperv.cluster tests only)
description:
  - Returns Windows facts of a simulated node, read from the lab state (C(hvsim.facts.windows_facts)).
  - Reached by C(gather_facts) with the host var C(ansible_facts_modules=[ansible.windows.setup]).
  - Arguments are validated against the real module's argument spec snapshot; C(gather_subset) is returned as given
    but all modelled facts are always returned.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Gather the simulated node's facts
  ansible.windows.setup:
"""

RETURN = r"""
ansible_facts:
  description: Windows facts of the simulated node.
  returned: always
  type: dict
sim_node:
  description: The simulated node the twin acted for.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim.facts import NodeUnreachable, windows_facts
from hvsim.twin import TwinError, run_twin

FQCN = 'ansible.windows.setup'


def handle(module, lab_dir, node):
    try:
        facts = windows_facts(lab_dir, node)
    except NodeUnreachable as error:
        return dict(changed=False, failed=True, unreachable=True, msg=str(error))
    except (LookupError, FileNotFoundError) as error:
        raise TwinError(str(error)) from error
    # setup.ps1 always adds these two.
    facts['gather_subset'] = module.params['gather_subset']
    facts['module_setup'] = True
    return dict(changed=False, ansible_facts=facts)


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
