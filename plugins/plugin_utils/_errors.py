# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception hierarchy of hyperv.cluster.

FOR INTERNAL COLLECTION USE ONLY. Every module raises one of these; the action base class turns it into a clean
failure whose message names the object, the cause and the fix (see ``HypervClusterError.message``).
"""

from __future__ import annotations


class HypervClusterError(Exception):
    """Base class: a failure to report to the user, never a traceback."""

    def __init__(self, subject, cause, fix=None, **result):
        self.subject = subject
        self.cause = cause
        self.fix = fix
        self.result = result
        super().__init__(self.message)

    @property
    def message(self):
        text = "%s: %s" % (self.subject, self.cause) if self.subject else self.cause
        if self.fix:
            text = "%s %s" % (text.rstrip('.') + '.', self.fix)
        return text

    def to_result(self):
        result = dict(self.result)
        result.update(failed=True, msg=self.message)
        return result


class InvalidInputError(HypervClusterError):
    """The task's arguments cannot be carried out as given."""


class ObjectNotFoundError(HypervClusterError):
    """A named object (VM, node, cluster, disk...) does not exist where the task looked for it."""


class PreconditionError(HypervClusterError):
    """The platform is not in a state where the change is safe or possible; nothing was changed."""


class WindowsCommandError(HypervClusterError):
    """A cmdlet reported an error the module did not expect."""

    def __init__(self, subject, cause, fix=None, records=None, **result):
        self.records = list(records or [])
        super().__init__(subject, cause, fix, **result)


class OperationTimeoutError(HypervClusterError):
    """A change did not finish in the time allowed."""


class RunnerError(HypervClusterError):
    """The batch runner or its transport failed: a defect or an incompatible host, not a user mistake."""


class CommandBindingError(RunnerError):
    """Windows rejected a cmdlet's parameters: a defect in the module, reported as such."""


class MissingCommandError(RunnerError):
    """A cmdlet the module needs is not installed on the host."""
