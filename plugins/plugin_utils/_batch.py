# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cmdlet batches: Windows work described as data, and the results the runner sends back.

FOR INTERNAL COLLECTION USE ONLY.

Protocol (version 1), shared by ``runner.ps1`` and the simulated platform in ``tests/sim``:

* The runner receives one string parameter, ``BatchJson``::

    {"protocol": 1, "mode": "read" | "write",
     "calls": [{"op": "call", "id": "vm", "cmdlet": "Get-VM", "parameters": {"Name": "vm1"}, "select": ["Name"]},
               {"op": "set", "id": "prio", "target": "group", "properties": {"Priority": 3000}},
               {"op": "cim", "id": "cpu", "class": "Win32_Processor", "select": ["Name"]}]}

  A parameter value is JSON data, or a reference to the objects an earlier step returned:
  ``{"__ref__": "<id>"}`` or ``{"__ref__": "<id>", "property": "<name>"}``. ``set`` (write batches only) assigns
  properties of the objects an earlier step returned (the setters of cluster objects commit the change).
* ``cim`` (read and write batches; it only reads) runs ``Get-CimInstance -Namespace root/cimv2 -ClassName <class>``
  from the runner's own code, for a class of the runner's fixed allowlist (``CIM_CLASSES``: Win32_Processor,
  Win32_OperatingSystem, Win32_ComputerSystem). The class name is data compared with that list, never evaluated; any
  other class is that step's error. Why an op rather than a ``call``: CimCmdlets is not in the cmdlet reference that
  calls are bound against, and hardware facts (SLAT, VT-x/AMD-V, DEP, whether the hypervisor runs) exist only as
  CIM properties; a fixed op keeps generic WMI/CIM queries out of the protocol.
* Each step is run with ``-ErrorAction SilentlyContinue -WarningAction SilentlyContinue`` and its error and warning
  records are collected (``-ErrorVariable`` / ``-WarningVariable``), warnings also when the step then fails. Some
  cmdlets report their outcome only as warnings: Test-Cluster's ``Test Result:`` record. A ``read`` batch runs
  every step; a ``write`` batch stops at the first step that reports an error (a warning is no error) and marks the
  rest ``skipped``.
* ``select`` lists dotted property paths; each output object becomes ``{path: value}``. Values are converted the way
  PowerShell displays them: enums by name, GUIDs and objects (ClusterNode, ClusterResourceType...) by their string
  form, collections element by element. Without ``select`` each output is converted as a whole.
* The runner sets ``$Ansible.Result`` to ``{"protocol": 1, "computer_name": ..., "calls": [{"id", "op", "cmdlet",
  "status": "ok" | "error" | "skipped", "output": [...], "errors": [{"message", "fully_qualified_error_id",
  "category", "target", "exception_type"}], "warnings": ["<message>", ...], "elapsed_ms"}]}`` (``cmdlet`` only for
  ``call`` steps) and never reports a change itself: ``changed`` is decided in Python from what was read and
  written. ``StepResult.warnings`` holds a step's warning messages.
* ``warnings`` and ``cim`` joined version 1 without a bump: both only add (a key, an op). The runner is sent by the
  collection itself, so both sides always match; a result without ``warnings`` still parses (as no warnings).
"""

from __future__ import annotations

import json

PROTOCOL = 1

# The CIM classes a ``cim`` step may read: the same list as ``$readableCimClasses`` in runner.ps1.
CIM_CLASSES = ('Win32_Processor', 'Win32_OperatingSystem', 'Win32_ComputerSystem')

# FullyQualifiedErrorId prefixes PowerShell uses when it cannot bind a cmdlet's parameters. Such an error is always
# a defect in the module that built the call, never a state of the host.
_BINDING_ERROR_IDS = (
    'NamedParameterNotFound',
    'AmbiguousParameterSet',
    'ParameterArgumentValidationError',
    'ParameterArgumentTransformationError',
    'MissingMandatoryParameter',
    'PositionalParameterNotFound',
    'CannotConvertArgument',
)


def ref(step_id, prop=None):
    """A parameter value that stands for the objects step ``step_id`` returned (or one property of them)."""
    value = {'__ref__': step_id}
    if prop is not None:
        value['property'] = prop
    return value


class Batch:
    """An ordered list of cmdlet calls and property assignments to run in one remote execution."""

    def __init__(self, mode):
        if mode not in ('read', 'write'):
            raise ValueError("mode must be 'read' or 'write'")
        self.mode = mode
        self.steps = []

    def call(self, step_id, cmdlet, parameters=None, select=None):
        self._check_id(step_id)
        self.steps.append({'op': 'call', 'id': step_id, 'cmdlet': cmdlet, 'parameters': dict(parameters or {}),
                           'select': list(select) if select is not None else None})
        return self

    def set(self, step_id, target, properties):
        if self.mode != 'write':
            raise ValueError('property assignments belong in a write batch')
        self._check_id(step_id)
        if target not in self.ids:
            raise ValueError("set target '%s' is not an earlier step" % target)
        self.steps.append({'op': 'set', 'id': step_id, 'target': target, 'properties': dict(properties),
                           'select': None})
        return self

    def cim(self, step_id, class_name, select):
        """Read the instances of one CIM class of ``CIM_CLASSES`` (root/cimv2); ``select`` names the properties."""
        if class_name not in CIM_CLASSES:
            raise ValueError("CIM class '%s' is not one the runner reads (%s)" % (class_name, ', '.join(CIM_CLASSES)))
        if not select:
            # A CIM instance converted whole is only its class and key: always say which properties to return.
            raise ValueError('a cim step needs the properties to select')
        self._check_id(step_id)
        self.steps.append({'op': 'cim', 'id': step_id, 'class': class_name, 'select': list(select)})
        return self

    @property
    def ids(self):
        return [step['id'] for step in self.steps]

    @property
    def cmdlets(self):
        return [step['cmdlet'] for step in self.steps if step['op'] == 'call']

    def __len__(self):
        return len(self.steps)

    def to_json(self):
        return json.dumps({'protocol': PROTOCOL, 'mode': self.mode, 'calls': self.steps},
                          sort_keys=True, separators=(',', ':'))

    def _check_id(self, step_id):
        if step_id in self.ids:
            raise ValueError("duplicate step id '%s'" % step_id)


class ErrorRecord:
    """One PowerShell ErrorRecord as the runner reports it."""

    def __init__(self, message='', fully_qualified_error_id='', category='', target=None, exception_type=''):
        self.message = message or ''
        self.fully_qualified_error_id = fully_qualified_error_id or ''
        self.category = category or ''
        self.target = target
        self.exception_type = exception_type or ''

    @classmethod
    def from_dict(cls, data):
        data = data if isinstance(data, dict) else {'message': str(data)}
        return cls(**{k: data.get(k) for k in ('message', 'fully_qualified_error_id', 'category', 'target',
                                               'exception_type')})

    @property
    def error_id(self):
        """The part of the FullyQualifiedErrorId before the command name, e.g. ``ObjectNotFound``."""
        return self.fully_qualified_error_id.split(',', 1)[0]

    @property
    def is_binding_error(self):
        return self.error_id.startswith(_BINDING_ERROR_IDS)

    @property
    def is_command_not_found(self):
        return self.error_id == 'CommandNotFoundException'

    @property
    def is_not_found(self):
        return self.category == 'ObjectNotFound'

    def to_dict(self):
        return {'message': self.message, 'fully_qualified_error_id': self.fully_qualified_error_id,
                'category': self.category, 'target': self.target, 'exception_type': self.exception_type}

    def __str__(self):
        return self.message


class StepResult:
    def __init__(self, step_id, op, cmdlet, status, output, errors, elapsed_ms, warnings=()):
        self.id = step_id
        self.op = op
        self.cmdlet = cmdlet
        self.status = status
        self.output = output
        self.errors = errors
        self.elapsed_ms = elapsed_ms
        # The messages of the step's warning records, in order.
        self.warnings = list(warnings)

    @property
    def ok(self):
        return self.status == 'ok'

    @property
    def skipped(self):
        return self.status == 'skipped'

    @property
    def not_found(self):
        """True when the step failed only because what it looked up does not exist."""
        return bool(self.errors) and all(error.is_not_found for error in self.errors)

    def first(self):
        """The first output object, or None."""
        return self.output[0] if self.output else None


class BatchResult:
    def __init__(self, computer_name, steps):
        self.computer_name = computer_name
        self._steps = {step.id: step for step in steps}

    def __getitem__(self, step_id):
        return self._steps[step_id]

    def __iter__(self):
        return iter(self._steps.values())

    @property
    def failed_steps(self):
        return [step for step in self if step.status == 'error']

    @property
    def elapsed_ms(self):
        return sum(step.elapsed_ms for step in self)

    @classmethod
    def parse(cls, batch, result):
        """Validate the runner's ``$Ansible.Result`` against the batch that was sent."""
        if not isinstance(result, dict) or result.get('protocol') != PROTOCOL:
            raise ValueError('the runner returned no protocol %d result: %r' % (PROTOCOL, result))
        calls = result.get('calls')
        if not isinstance(calls, list):
            raise ValueError('the runner result has no list of calls')
        if len(calls) != len(batch.steps):
            raise ValueError('the runner answered %d steps to a batch of %d' % (len(calls), len(batch.steps)))
        steps = []
        for sent, got in zip(batch.steps, calls):
            if not isinstance(got, dict) or got.get('id') != sent['id']:
                raise ValueError("the runner answered step %r where %r was sent" % (got, sent['id']))
            output = got.get('output')
            output = [] if output is None else output if isinstance(output, list) else [output]
            errors = got.get('errors') or []
            errors = errors if isinstance(errors, list) else [errors]
            warnings = got.get('warnings') or []
            warnings = warnings if isinstance(warnings, list) else [warnings]
            steps.append(StepResult(sent['id'], sent['op'], sent.get('cmdlet'), got.get('status'), output,
                                    [ErrorRecord.from_dict(error) for error in errors], got.get('elapsed_ms') or 0,
                                    [str(warning) for warning in warnings]))
        return cls(result.get('computer_name'), steps)
