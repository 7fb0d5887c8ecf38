# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of microsoft.ad's membership action plugin: runs the module twin and restarts the node when asked.

The real plugin is ``ActionModuleWithReboot`` (microsoft.ad 1.10 plugins/plugin_utils/_module_with_reboot.py): it
runs the same-named module; with ``reboot: true`` and ``reboot_required`` in the module's result it reboots the host
(not in check mode), then sets ``changed`` true and ``reboot_required`` false; a failed reboot fails the task with
*Failed to reboot after module returned reboot_required, ...* and both results. ``async`` with ``reboot`` is refused.
This twin keeps that flow and reboots with ``hvsim.power.reboot_host``, which completes the pending join.
"""

from __future__ import annotations

import os
import sys

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

# tests/sim (for hvsim), from tests/sim/collections/ansible_collections/microsoft/ad/plugins/action/membership.py
_SIM_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
if _SIM_ROOT not in sys.path:
    sys.path.insert(0, _SIM_ROOT)

from hvsim import power, twin, twin_action  # noqa: E402  pylint: disable=wrong-import-position

FQCN = 'microsoft.ad.membership'
_REBOOT_TIMEOUT = twin.load_spec('microsoft.ad.membership')['reboot_timeout']['default']


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = True

        result = super().run(tmp=tmp, task_vars=task_vars)
        del tmp

        reboot = self._task.args.get('reboot', False)
        reboot_timeout = self._task.args.get('reboot_timeout', _REBOOT_TIMEOUT)
        if self._task.async_val > 0 and reboot:
            return {'failed': True, 'msg': 'async is not supported for this task when reboot=true', 'changed': False}

        module_res = self._execute_module(task_vars=task_vars)
        invocation = module_res.pop('invocation', None)
        if reboot and module_res.get('reboot_required', False):
            reboot_res = {} if self._task.check_mode else self._reboot(task_vars, reboot_timeout)
            if reboot_res.get('failed', False):
                module_res = {
                    'changed': module_res.get('changed', False),
                    'failed': True,
                    'msg': 'Failed to reboot after module returned reboot_required, see reboot_result and '
                           'module_result for more details',
                    'reboot_result': reboot_res,
                    'module_result': module_res,
                }
            else:
                # Regardless of the module result this needs to be True as a reboot happened.
                module_res['changed'] = True
                module_res['reboot_required'] = False
        if invocation is not None:
            module_res['invocation'] = invocation
        return merge_hash(result, module_res)

    def _reboot(self, task_vars, reboot_timeout):
        try:
            lab_dir, node = twin_action.lab_and_node(self._task, task_vars or {})
        except (OSError, ValueError) as error:
            raise AnsibleActionFail('%s (simulated): %s' % (FQCN, error)) from error
        return power.reboot_host(lab_dir, node, reboot_timeout=float(reboot_timeout))
