# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of ansible.windows.win_reboot: restarts a simulated node (hvsim.power).

As the real action plugin (ansible.windows 3.3.0 plugins/action/win_reboot.py): check mode returns
``{changed: true, elapsed: 0, rebooted: true}`` at once, without touching the node or the options; unknown options
fail with "Invalid options for ansible.windows.win_reboot: ..." (``_VALID_ARGS``: the documented options and their
aliases, from the real spec snapshot, plus the undocumented ``shutdown_timeout`` the real plugin still accepts); set
options are type-checked the same way ("Invalid value given for 'reboot_timeout': ..."). Then the result is
``plugin_utils/_reboot.py`` ``reboot_host``'s, for a node that takes ``hvsim.power.BOOT_SECONDS`` of simulated time
to come back: ``{changed, elapsed, failed, unreachable, rebooted}``; a powered-off node is unreachable.
``test_command``, ``msg``, ``boot_time_command``, ``connect_timeout`` and ``pre_reboot_delay`` are accepted and have
no further effect.
"""

from __future__ import annotations

import os
import sys

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.validation import check_type_float, check_type_str
from ansible.plugins.action import ActionBase

# tests/sim (for hvsim), from tests/sim/collections/ansible_collections/ansible/windows/plugins/action/win_reboot.py
_SIM_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
if _SIM_ROOT not in sys.path:
    sys.path.insert(0, _SIM_ROOT)

from hvsim import power, twin, twin_action  # noqa: E402  pylint: disable=wrong-import-position

FQCN = 'ansible.windows.win_reboot'
_SPEC = twin.load_spec('ansible.windows.win_reboot')
# Option name groups (the option, then its aliases), in the real plugin's order (alphabetical).
_NAME_GROUPS = [[name] + list(option.get('aliases') or []) for name, option in sorted(_SPEC.items())]


def _positive_float(val):
    float_val = check_type_float(val)
    if float_val < 0:
        return 0
    return float_val


_CHECKS = {'float': _positive_float, 'str': check_type_str}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset([name for names in _NAME_GROUPS for name in names]
                            + ['shutdown_timeout', 'shutdown_timeout_sec'])

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True

        if self._task.check_mode:
            return {'changed': True, 'elapsed': 0, 'rebooted': True}

        task_vars = task_vars or {}
        super().run(tmp, task_vars)

        parameters = {}
        for names in _NAME_GROUPS:
            for name in names:
                value = self._task.args.get(name, None)
                if value:
                    break
            else:
                value = None

            if value is not None:
                try:
                    value = _CHECKS[_SPEC[names[0]]['type']](value)
                except TypeError as e:
                    raise AnsibleError("Invalid value given for '%s': %s." % (names[0], to_native(e)))

                if names[0] == 'pre_reboot_delay' and value < 2:
                    continue

                parameters[names[0]] = value

        try:
            lab_dir, node = twin_action.lab_and_node(self._task, task_vars)
        except (OSError, ValueError) as error:
            raise AnsibleActionFail('%s (simulated): %s' % (FQCN, error)) from error

        result = power.reboot_host(lab_dir, node, reboot_timeout=parameters.get('reboot_timeout', 600),
                                   post_reboot_delay=parameters.get('post_reboot_delay', 0))
        result['sim_node'] = node
        return result
