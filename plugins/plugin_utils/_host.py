# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs cmdlet batches on the task's Windows host through ansible.windows.win_powershell.

FOR INTERNAL COLLECTION USE ONLY. This is the only place in the collection that executes anything remotely, so
the task's connection (winrm, psrp, ssh), user, become (runas) and check mode apply to every module unchanged.
"""

from __future__ import annotations

import base64
import binascii
import os
import pkgutil

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import BatchResult
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    CommandBindingError,
    MissingCommandError,
    RunnerError,
)

RUNNER_MODULE = 'ansible.windows.win_powershell'
# Reads a file of the host (base64), as ansible.builtin.fetch does under become: with become the connection's own
# file transfer would still run as the connection user, the module runs as the become user.
FETCH_MODULE = 'ansible.windows.slurp'
# Deep enough for result -> calls -> step -> output -> object -> list -> value; the runner flattens anything deeper.
RESULT_DEPTH = 8

# Which Windows feature provides the cmdlets of a module, for the "fix" part of a missing-cmdlet error.
_FEATURE_FOR_COMMAND_PREFIX = (
    ('Cluster', 'the Failover-Clustering feature with RSAT-Clustering-PowerShell'),
    ('VM', 'the Hyper-V feature with Hyper-V-PowerShell'),
    ('MSDSM', 'the Multipath-IO feature'),
    ('MPIO', 'the Multipath-IO feature'),
)


def _load_runner_script():
    try:
        data = pkgutil.get_data('ansible_collections.hyperv.cluster.plugins.plugin_utils', 'runner.ps1')
    except (OSError, ImportError):
        data = None
    if data is None:
        with open(os.path.join(os.path.dirname(__file__), 'runner.ps1'), 'rb') as handle:
            data = handle.read()
    return data.decode('utf-8')


RUNNER_SCRIPT = _load_runner_script()


class WindowsHost:
    """The task's target host, seen as something that runs batches. Counts its remote executions."""

    def __init__(self, action, task_vars):
        self._action = action
        self._task_vars = task_vars
        self.executions = 0

    @property
    def check_mode(self):
        return bool(self._action._task.check_mode)

    @property
    def name(self):
        return self._action._task.delegate_to or self._task_vars.get('inventory_hostname')

    def read(self, batch, missing_ok=()):
        """Run a read batch. Cmdlets named in ``missing_ok`` may be absent from the host: their absence is an
        answer (e.g. no Failover Clustering module means no cluster), not a defect."""
        if batch.mode != 'read':
            raise ValueError('read() takes a read batch')
        return self._run(batch, missing_ok)

    def write(self, batch):
        if batch.mode != 'write':
            raise ValueError('write() takes a write batch')
        if self.check_mode:
            # Modules decide what they would change from a read; a write in check mode is a defect.
            raise RuntimeError('write batch attempted in check mode')
        return self._run(batch)

    def fetch(self, path):
        """The bytes of the file ``path`` on the host (one remote execution; check mode reads as well)."""
        self.executions += 1
        raw = self._action._execute_module(module_name=FETCH_MODULE, module_args={'src': path},
                                           task_vars=self._task_vars, wrap_async=False)
        if raw.get('unreachable'):
            raise AnsibleConnectionFailure(raw.get('msg') or 'host %s is unreachable' % self.name)
        if raw.get('failed') or raw.get('encoding') != 'base64':
            raise RunnerError('host %s' % self.name, 'reading %s failed: %s' % (path, raw.get('msg') or 'no content'),
                              'Check that the file exists and that the task user can read it.')
        try:
            return base64.b64decode(raw.get('content') or '', validate=True)
        except (binascii.Error, ValueError) as error:
            raise RunnerError('host %s' % self.name, 'reading %s returned no base64 content (%s)' % (path, error),
                              'Rerun with -vvv for the module result.') from error

    def _run(self, batch, missing_ok=()):
        self.executions += 1
        raw = self._action._execute_module(
            module_name=RUNNER_MODULE,
            module_args={
                'script': RUNNER_SCRIPT,
                'parameters': {'BatchJson': batch.to_json()},
                'depth': RESULT_DEPTH,
                'error_action': 'stop',
            },
            task_vars=self._task_vars,
            wrap_async=False,
        )
        if raw.get('unreachable'):
            # The host could not be reached: let Ansible mark it unreachable, as it does for any other module.
            raise AnsibleConnectionFailure(raw.get('msg') or 'host %s is unreachable' % self.name)
        if raw.get('failed') or 'result' not in raw:
            records = raw.get('error') or []
            detail = '; '.join(str(record.get('message', record)) if isinstance(record, dict) else str(record)
                               for record in records) or raw.get('msg') or 'no detail returned'
            raise RunnerError(
                'host %s' % self.name,
                'the cmdlet batch runner failed before it could report results (%s)' % detail,
                'Check that the host runs Windows PowerShell 5.1 or later and that the connection user can run '
                'scripts; rerun with -vvv for the transport details.',
            )
        try:
            result = BatchResult.parse(batch, raw['result'])
        except ValueError as error:
            raise RunnerError('host %s' % self.name, 'the runner returned an unexpected result: %s' % error,
                              'Make sure the hyperv.cluster collection on the controller is not mixed with an '
                              'older copy.')
        self._raise_for_defects(result, missing_ok, _empty_reference_steps(batch, result))
        return result

    def _raise_for_defects(self, result, missing_ok=(), unbound_ok=()):
        for step in result.failed_steps:
            for error in step.errors:
                if error.is_binding_error and step.id in unbound_ok:
                    # The step refers to objects an earlier step did not find (e.g. Get-VM -ComputerName on the
                    # nodes of a cluster the host is not in): it could not bind, and that is an answer.
                    continue
                if error.is_command_not_found and step.cmdlet not in missing_ok:
                    raise MissingCommandError(
                        'host %s' % self.name,
                        "the cmdlet '%s' is not available (%s)" % (step.cmdlet, error.message),
                        'Install %s on the host (the cluster_prereqs role does).' % _feature_for(step.cmdlet),
                    )
                if error.is_binding_error:
                    raise CommandBindingError(
                        'host %s' % self.name,
                        "Windows rejected the parameters of %s: %s" % (step.cmdlet, error.message),
                        'This is a defect in hyperv.cluster; please report it with this message.',
                    )


def _empty_reference_steps(batch, result):
    """Ids of the read steps with a parameter that refers to a step which returned no objects.

    Windows rejects an empty argument for most parameters (``[ValidateNotNullOrEmpty()]``) with a binding error. In
    a read batch that is the expected consequence of an earlier answer, not a defect of the module."""
    if batch.mode != 'read':
        return set()
    empty = {step.id for step in result if not step.output}
    unbound = set()
    for step in batch.steps:
        for value in (step.get('parameters') or {}).values():
            if isinstance(value, dict) and value.get('__ref__') in empty:
                unbound.add(step['id'])
    return unbound


def _feature_for(cmdlet):
    noun = cmdlet.split('-', 1)[-1]
    for prefix, feature in _FEATURE_FOR_COMMAND_PREFIX:
        if noun.startswith(prefix):
            return feature
    return 'the Windows feature that provides it'
