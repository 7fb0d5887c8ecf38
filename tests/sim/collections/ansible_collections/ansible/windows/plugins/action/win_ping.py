# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of ansible.windows.win_ping: answers for a powered-on simulated node, is unreachable for a powered-off one."""

from __future__ import annotations

import os
import sys

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

# tests/sim (for hvsim), from tests/sim/collections/ansible_collections/ansible/windows/plugins/action/win_ping.py
_SIM_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
if _SIM_ROOT not in sys.path:
    sys.path.insert(0, _SIM_ROOT)

from hvsim import twin, twin_action  # noqa: E402  pylint: disable=wrong-import-position


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        result = super().run(tmp, task_vars)
        _validation, params = self.validate_argument_spec(argument_spec=twin.load_spec('ansible.windows.win_ping'))
        try:
            lab_dir, node = twin_action.lab_and_node(self._task, task_vars or {})
        except (OSError, ValueError) as error:
            raise AnsibleActionFail('ansible.windows.win_ping (simulated): %s' % error) from error
        if not twin_action.node_is_up(lab_dir, node):
            raise AnsibleConnectionFailure('psrp connection failure during runspace pool open: %s is powered off'
                                           % node)
        if params['data'] == 'crash':
            raise AnsibleActionFail('boom')
        result.update(changed=False, ping=params['data'], sim_node=node)
        return result
