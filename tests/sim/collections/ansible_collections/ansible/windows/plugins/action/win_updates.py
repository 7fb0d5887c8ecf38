# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of ansible.windows.win_updates: searches, downloads and installs the simulated node's updates.

The real collection has an action plugin that runs the module once per pass (start / poll / cancel), loops over
passes, reboots between them with ``reboot: true`` and builds the task result; this twin keeps that loop and that
result building (``_run_sync``, ``_get_update_info``, the final counts: ansible.windows 3.3.0
plugins/action/win_updates.py) and replaces a pass of the module on the host by ``hvsim.updates.run_pass`` on the
lab, and the reboot by ``hvsim.power.reboot_host``.

What the real plugin and module check is checked the same way: unknown options (``_VALID_ARGS``: "Invalid options
for ansible.windows.win_updates: ..."), ``reboot`` / ``reboot_timeout`` types, then the module's own validation of
the other options against the real spec (``hvsim.twin_action.basic_module_params``: choices without regard to case,
in Ansible.Basic's words). A powered-off node is unreachable. ``async`` is not simulated (the task fails).
"""

from __future__ import annotations

import os
import sys
import traceback

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.module_utils.common.text.converters import to_native, to_text
from ansible.module_utils.common.validation import check_type_bool, check_type_int
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

# tests/sim (for hvsim), from tests/sim/collections/ansible_collections/ansible/windows/plugins/action/win_updates.py
_SIM_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
if _SIM_ROOT not in sys.path:
    sys.path.insert(0, _SIM_ROOT)

from hvsim import power, twin, twin_action, updates  # noqa: E402  pylint: disable=wrong-import-position
from hvsim.state import LabState  # noqa: E402  pylint: disable=wrong-import-position

FQCN = 'ansible.windows.win_updates'
display = Display()

# The entries of the real plugin's wuerror.h table (_get_hresult_error) for the HRESULTs the simulator produces.
_HRESULT_ERRORS = {
    updates.INSTALLER_FAILURE: ('WU_E_UH_INSTALLERFAILURE',
                                'The installer failed to install (uninstall) one or more updates'),
}


def _get_hresult_error(hresult):
    error_id, error_msg = _HRESULT_ERRORS.get(hresult, ('UNKNOWN', 'Unknown WUA HRESULT %s' % hresult))
    return '%s (%s 0x%08X)' % (error_msg, error_id, hresult & 0xFFFFFFFF)


class _ReturnResultException(Exception):
    """Used to sneak results back to the return dict from an exception (as the real plugin does)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.result = result


class UpdateResult:
    """One pass's outcome, in the shape the real plugin's UpdateResult gives it."""

    def __init__(self, outcome):
        self.updates = {info['id']: info for info in outcome['updates']}
        self.filtered_updates = dict(outcome['filtered'])
        self.selected_updates = set(outcome['selected'])
        self.download_results = {key: dict(value) for key, value in outcome['download_results'].items()}
        self.install_results = {key: dict(value) for key, value in outcome['install_results'].items()}
        self.changed = outcome['changed']
        self.reboot_required = outcome['reboot_required']
        self.failed = outcome['failed']
        self.msg = outcome['msg']
        # win_updates.ps1 returns the PowerShell error record and stack here; the simulator has only the message.
        self.exception = outcome['msg']
        self.hresult = None


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    # As the real plugin: every documented option but the internal _operation and _operation_options.
    _VALID_ARGS = frozenset(name for name in twin.load_spec('ansible.windows.win_updates') if not name.startswith('_'))
    DEFAULT_REBOOT_TIMEOUT = 1200

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._updates = {}
        self._selected_updates = set()
        self._filtered_updates = {}
        self._download_results = {}
        self._install_results = {}
        self._lab = None
        self._failing = False   # an update-fail fault taken by this task: its installs fail in every pass

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}

        try:
            reboot = check_type_bool(self._task.args.get('reboot', False))
        except TypeError as e:
            raise AnsibleActionFail("Invalid value given for 'reboot': %s." % to_native(e))

        try:
            reboot_timeout = check_type_int(self._task.args.get('reboot_timeout', self.DEFAULT_REBOOT_TIMEOUT))
        except TypeError as e:
            raise AnsibleActionFail("Invalid value given for 'reboot_timeout': %s." % to_native(e))

        try:
            self._lab = twin_action.lab_and_node(self._task, task_vars)
        except (OSError, ValueError) as error:
            raise AnsibleActionFail('%s (simulated): %s' % (FQCN, error)) from error

        module_options = self._task.args.copy()
        try:
            result = self._run_sync(task_vars, module_options, reboot, reboot_timeout)
        except Exception as e:  # pylint: disable=broad-except
            # The real plugin reports every failure this way.
            result = {}
            if isinstance(e, _ReturnResultException):
                result.update(e.result)

            if isinstance(e, AnsibleConnectionFailure):
                result['unreachable'] = True
            else:
                result['failed'] = True

            result['msg'] = to_text(e)
            if not result.get('exception', None):
                result['exception'] = traceback.format_exc()

        # Build the final results to return to the caller.
        result['found_update_count'] = 0
        result['failed_update_count'] = 0
        result['installed_update_count'] = 0
        result['updates'] = {}
        result['filtered_updates'] = {}
        for update_id in self._selected_updates:
            update_info = self._get_update_info(update_id)
            result['updates'][update_id] = update_info
            result['found_update_count'] += 1

            if 'failure_hresult_code' in update_info:
                result['failed_update_count'] += 1

            elif update_info['installed']:
                result['installed_update_count'] += 1

        for update_id, reasons in self._filtered_updates.items():
            update_info = self._get_update_info(update_id)
            update_info['filtered_reasons'] = reasons

            result['filtered_updates'][update_id] = update_info

        result['sim_node'] = self._lab[1]
        return result

    def _run_sync(self, task_vars, module_options, reboot, reboot_timeout):
        """Installs the updates with as many passes (and reboots) as needed: the real plugin's loop."""
        result = {
            'changed': False,
            'reboot_required': False,
            'rebooted': False,
        }
        host = task_vars.get('inventory_hostname', None)
        installed_updates = set()
        has_rebooted_on_failure = False
        round_number = 0
        while True:
            round_number += 1
            display.v("Running win_updates - round %s" % round_number, host=host)

            update_result = self._run_updates(module_options)

            self._updates.update(update_result.updates)
            self._filtered_updates.update(update_result.filtered_updates)
            self._selected_updates.update(update_result.selected_updates)
            self._download_results.update(update_result.download_results)
            self._install_results.update(update_result.install_results)

            # An update reported again after it was installed in an earlier pass: rolled back, or failing for good.
            current_updates = set(update_result.install_results)
            new_updates = current_updates.difference(installed_updates)
            installed_updates.update(current_updates)

            if current_updates and not new_updates:
                for update_id in current_updates:
                    self._install_results[update_id]['result_code'] = 4
                    self._install_results[update_id]['hresult'] = -1

                result['failed'] = True
                result['msg'] = (
                    'An update loop was detected, this could be caused by an update being rolled back during a '
                    'reboot or the Windows Update API incorrectly reporting a failed update as being successful.'
                    'Check the Windows Updates logs on the host to gather more information. Updates in the reboot '
                    f'loop are: {", ".join(current_updates)}'
                )
                break

            reboot_required = result['reboot_required'] = update_result.reboot_required
            if update_result.changed:
                result['changed'] = True

            if update_result.failed:
                msg = update_result.msg
                if update_result.hresult:
                    msg += " - " + _get_hresult_error(update_result.hresult)

                # With reboot=True, a failure gets one reboot and another pass before it counts.
                if reboot and not has_rebooted_on_failure and module_options.get('state', '') != 'searched':
                    display.vv("Failure when running win_updates module (Will retry after reboot): %s" % msg,
                               host=host)
                    reboot_required = True
                    has_rebooted_on_failure = True

                else:
                    result['failed'] = True
                    result['msg'] = msg
                    result['exception'] = update_result.exception
                    break

            elif reboot:
                has_rebooted_on_failure = False

            if reboot_required and reboot:
                display.v("Rebooting host after installing updates", host=host)
                if self._task.check_mode:
                    reboot_res = {'failed': False}

                else:
                    reboot_res = power.reboot_host(self._lab[0], self._lab[1], reboot_timeout=reboot_timeout)
                    if reboot_res.get('unreachable'):
                        raise AnsibleConnectionFailure(reboot_res['msg'])

                result['rebooted'] = True

                if reboot_res['failed']:
                    msg = 'Failed to reboot host'
                    if 'msg' in reboot_res:
                        msg += ': ' + str(reboot_res['msg'])
                    reboot_res['msg'] = msg

                    result.update(reboot_res)
                    break

                result['changed'] = True
                result['reboot_required'] = False

            if (
                not reboot or
                self._task.check_mode or
                module_options.get('state', 'installed') != 'installed' or
                (not reboot_required and len(update_result.selected_updates) == 0)
            ):
                break

        return result

    def _run_updates(self, module_options):
        """One pass of the module on the node (start, poll until exit, cancel), against the lab."""
        lab_dir, node = self._lab
        try:
            params = twin_action.basic_module_params(FQCN, module_options)
        except twin_action.ModuleArgumentError as error:
            raise _ReturnResultException(str(error)) from error
        with LabState.open(lab_dir, write=not self._task.check_mode) as state:
            record = state.node(node)
            if record is None or record.get('power') != 'on':
                raise AnsibleConnectionFailure(power.unreachable_message(node))
            outcome = updates.run_pass(state, node, params, check_mode=self._task.check_mode,
                                       failing=self._failing)
        self._failing = outcome['failing']
        return UpdateResult(outcome)

    def _get_update_info(self, update_id):
        """Gets the update results info value to return."""
        raw_info = self._updates[update_id]
        info = {
            'title': raw_info['title'],
            'kb': [(v[2:] if v.startswith("KB") else v) for v in raw_info['kb']],
            'categories': raw_info['categories'],
            'id': update_id,
            'downloaded': False,
            'installed': False,
        }

        for action, results in [
            ('downloaded', self._download_results),
            ('installed', self._install_results),
        ]:
            action_info = results.get(update_id, None)
            if action_info:
                if action_info['result_code'] == 2:
                    info[action] = True

                else:
                    info['failure_hresult_code'] = action_info['hresult']
                    info['failure_msg'] = _get_hresult_error(action_info['hresult'])

        return info
