# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class of every hyperv.cluster module (each is an action plugin plus a doc stub).

FOR INTERNAL COLLECTION USE ONLY. A module subclasses ``ClusterAction``, declares its ``ARGUMENT_SPEC`` and
implements ``execute(params, host)``: one read batch, a decision in Python, at most one write batch. Failures are
raised as ``HypervClusterError`` subclasses and returned as clean task failures.
"""

from __future__ import annotations

from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import HypervClusterError
from ansible_collections.hyperv.cluster.plugins.plugin_utils._host import WindowsHost


class ClusterAction(ActionBase):
    TRANSFERS_FILES = False
    ARGUMENT_SPEC = {}
    MUTUALLY_EXCLUSIVE = []
    REQUIRED_IF = []

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super().run(tmp, task_vars)
        del tmp
        _validation, params = self.validate_argument_spec(
            argument_spec=self.ARGUMENT_SPEC,
            mutually_exclusive=self.MUTUALLY_EXCLUSIVE,
            required_if=self.REQUIRED_IF,
        )
        host = WindowsHost(self, task_vars or {})
        # Secrets (no_log options) never leave the task, even inside a message Windows echoed them in.
        secrets = getattr(_validation, '_no_log_values', set()) or set()
        try:
            outcome = self.execute(params, host)
        except HypervClusterError as error:
            result.update(remove_values(error.to_result(), secrets) if secrets else error.to_result())
            return result
        diff = outcome.pop('diff', None)
        if diff is not None and self._task.diff:
            result['diff'] = diff
        result.update(outcome)
        return remove_values(result, secrets) if secrets else result

    @property
    def check_mode(self):
        return bool(self._task.check_mode)

    def execute(self, params, host):
        raise NotImplementedError
