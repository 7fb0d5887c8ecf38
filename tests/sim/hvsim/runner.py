"""The Python twin of plugins/plugin_utils/runner.ps1: runs a cmdlet batch on a simulated node.

Same protocol, same conversions, same stop-on-first-error rule for write batches; each cmdlet call is bound against
the cmdlet reference before it runs (see reference.py). ``run_batch`` is what the win_powershell twin calls.
"""

import json
import re
import time

from hvsim import cim, errors, features, migration, reference
from hvsim.cmdlets import IMPLEMENTATIONS, MODULE_FEATURES, load_all
from hvsim.psobject import PSObject, property_path, to_plain
from hvsim.state import LabState, record_execution

PROTOCOL = 1
# runner.ps1's $readableCimClasses: the classes a 'cim' step may read.
CIM_CLASSES = ('Win32_Processor', 'Win32_OperatingSystem', 'Win32_ComputerSystem')


class Context:
    """What a cmdlet implementation sees: the lab, the node it runs on, and the error and warning streams."""

    def __init__(self, state, node, cmdlet, whatif):
        self.state = state
        self.node_name = state.node(node)['name']
        self.node = state.node(node)
        self.cmdlet = cmdlet
        self.module = reference.module_of(cmdlet)
        self.whatif = whatif
        self.errors = []
        self.warnings = []
        # How long the real operation would have taken (migrations, drains); reported as the step's elapsed time.
        self.simulated_ms = 0

    def write_error(self, error):
        self.errors.append(error)

    def write_warning(self, message):
        """A warning record (Write-Warning): the runner returns its message in the step's ``warnings``."""
        self.warnings.append(str(message))


class RunnerFailure(Exception):
    """A terminating error of the runner script itself (win_powershell reports failed: true).

    Only the checks runner.ps1 makes before its step loop end the whole script; whatever is thrown inside a step
    (bad reference, property assignment in a read batch, unknown operation) is caught by the step's try/catch and
    becomes that step's error (``errors.script_error``).
    """


def _resolve(value, raw_outputs):
    # Like runner.ps1's Resolve-Argument, its throws end the step (caught by the step's try/catch), not the batch.
    if isinstance(value, dict):
        if '__ref__' not in value:
            raise errors.script_error('Parameter values must be plain data or references; got an object.')
        step_id = value['__ref__']
        if step_id not in raw_outputs:
            raise errors.script_error("Reference to unknown call '%s'." % step_id)
        objects = raw_outputs[step_id]
        if 'property' in value:
            return [obj.get(value['property']) if isinstance(obj, PSObject) else None for obj in objects]
        return list(objects)
    if isinstance(value, list):
        return [_resolve(item, raw_outputs) for item in value]
    return value


def _select(objects, select):
    if not select:
        return [to_plain(obj) for obj in objects]
    return [{path: to_plain(property_path(obj, path.split('.'))) for path in select} for obj in objects]


def _invoke(state, node, step, raw_outputs, whatif):
    cmdlet = step.get('cmdlet') or ''
    if not re.match(r'^[A-Za-z]+-[A-Za-z0-9]+$', cmdlet):
        raise errors.script_error("'%s' is not a cmdlet name." % cmdlet)
    load_all()
    module = reference.module_of(cmdlet)
    feature = MODULE_FEATURES.get(module)
    node_data = state.node(node)
    # A feature whose install waits for a restart does not count yet (hvsim/features.py).
    if module is None or cmdlet not in IMPLEMENTATIONS or (feature and not features.available(node_data, feature)):
        # Not in the reference, not simulated, or its PowerShell module is not installed on this node.
        if module is not None and cmdlet not in IMPLEMENTATIONS and (
                not feature or features.available(node_data, feature)):
            raise NotImplementedError('hvsim does not simulate %s yet' % cmdlet)
        raise errors.command_not_found(cmdlet)
    parameters = {name: _resolve(value, raw_outputs) for name, value in (step.get('parameters') or {}).items()}
    _set_name, bound = reference.bind(cmdlet, parameters)
    # Moves and drains that returned before they were done complete when a cmdlet next reaches their cluster.
    migration.settle(state, migration.clusters_reached(state, node, cmdlet, bound))
    ctx = Context(state, node, cmdlet, whatif)
    try:
        output = IMPLEMENTATIONS[cmdlet](ctx, **bound)
    except errors.CmdletError as error:
        # A migration that fails after a while (a timeout) still took that long: the step reports the time. Warnings
        # written before a terminating error are in -WarningVariable all the same.
        error.simulated_ms = ctx.simulated_ms
        error.warnings = ctx.warnings
        raise
    return list(output or []), ctx.errors, ctx.warnings, ctx.simulated_ms


def _read_cim(state, node, step):
    # runner.ps1 compares the class with its allowlist (case-insensitively, as -eq does) and passes the list's
    # own spelling to Get-CimInstance.
    requested = str(step.get('class') or '')
    allowed = [name for name in CIM_CLASSES if name.lower() == requested.lower()]
    if not allowed:
        raise errors.script_error("CIM class '%s' is not one the runner reads (%s)."
                                  % (requested, ', '.join(CIM_CLASSES)))
    return cim.instances(state, node, allowed[0])


def execute(state, node, batch, whatif=False):
    """Run a parsed batch; return the runner's ``$Ansible.Result``."""
    if batch.get('protocol') != PROTOCOL:
        raise RunnerFailure('hyperv.cluster runner speaks protocol %d but the batch uses protocol %s.'
                            % (PROTOCOL, batch.get('protocol')))
    mode = batch.get('mode')
    if mode not in ('read', 'write'):
        raise RunnerFailure("Batch mode must be 'read' or 'write'.")
    if mode == 'write' and whatif:
        raise RunnerFailure('A write batch was sent in check mode; refusing to run it.')

    raw_outputs = {}
    results = []
    stopped = False
    for step in batch.get('calls') or []:
        entry = {'id': step.get('id'), 'op': step.get('op'), 'status': 'skipped', 'output': [], 'errors': [],
                 'warnings': [], 'elapsed_ms': 0}
        if step.get('op') == 'call':
            entry['cmdlet'] = step.get('cmdlet')
        if stopped:
            results.append(entry)
            continue
        started = time.monotonic()
        objects, step_errors, step_warnings, simulated_ms = [], [], [], 0
        try:
            if step.get('op') == 'call':
                objects, step_errors, step_warnings, simulated_ms = _invoke(state, node, step, raw_outputs, whatif)
            elif step.get('op') == 'cim':
                objects = _read_cim(state, node, step)
            elif step.get('op') == 'set':
                if mode != 'write':
                    raise errors.script_error('Property assignments belong in a write batch.')
                target = step.get('target')
                if target not in raw_outputs:
                    raise errors.script_error("Reference to unknown call '%s'." % target)
                for obj in raw_outputs[target]:
                    for name, value in (step.get('properties') or {}).items():
                        obj.set(name, value)
                objects = list(raw_outputs[target])
            else:
                raise errors.script_error("Unknown operation '%s'." % step.get('op'))
        except errors.CmdletError as error:
            step_errors = list(step_errors) + [error]
            step_warnings = getattr(error, 'warnings', [])
            simulated_ms = getattr(error, 'simulated_ms', 0)
        module = reference.module_of(step.get('cmdlet') or '') if step.get('op') == 'call' else None
        raw_outputs[str(step.get('id'))] = objects
        entry['status'] = 'error' if step_errors else 'ok'
        entry['output'] = _select(objects, step.get('select'))
        entry['errors'] = [error.record(step.get('cmdlet'), module) for error in step_errors]
        entry['warnings'] = list(step_warnings)
        entry['elapsed_ms'] = int((time.monotonic() - started) * 1000) + simulated_ms
        results.append(entry)
        if step_errors and mode == 'write':
            stopped = True
    return {'protocol': PROTOCOL, 'computer_name': state.node(node)['name'].upper(), 'calls': results}


def run_batch(lab_dir, node, parameters, check_mode):
    """Entry point of the win_powershell twin. Returns the module result keys the product reads."""
    if set(parameters or {}) != {'BatchJson'}:
        return {'failed': True, 'unreachable': False, 'changed': False, 'result': {}, 'output': [],
                'msg': "The runner takes exactly one parameter, BatchJson; got %s" % sorted(parameters or {}),
                'error': []}
    try:
        batch = json.loads(parameters['BatchJson'])
    except ValueError as error:
        return _failure('Invalid JSON primitive: %s' % error,
                        'System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand',
                        'NotSpecified', 'System.ArgumentException')
    # A read batch only takes a shared lock and never rewrites the state: reading a lab of 8,000 VMs stays cheap.
    # Unless a move or drain is waiting to complete (migration.settle): then its cmdlets change the state.
    outcome = _run_locked(lab_dir, node, batch, check_mode, write=batch.get('mode') == 'write')
    if outcome is _NEEDS_WRITE_LOCK:
        outcome = _run_locked(lab_dir, node, batch, check_mode, write=True)
    return outcome


_NEEDS_WRITE_LOCK = object()


def _run_locked(lab_dir, node, batch, check_mode, write):
    with LabState.open(lab_dir, write=write) as state:
        if not write and migration.has_settleable(state):
            return _NEEDS_WRITE_LOCK
        node_data = state.node(node)
        if node_data is None:
            return _failure('hvsim: no node %s in the lab at %s' % (node, lab_dir))
        if node_data.get('power') != 'on':
            return {'failed': True, 'unreachable': True, 'changed': False, 'result': {}, 'output': [], 'error': [],
                    'msg': 'psrp connection failure during runspace pool open: HTTPConnectionPool(host=%s, '
                           'port=5985): Max retries exceeded (Connection refused)' % node_data.get('fqdn', node)}
        cmdlets = [step.get('cmdlet') for step in batch.get('calls') or [] if step.get('op') == 'call']
        record_execution(lab_dir, node_data['name'], batch.get('mode'), cmdlets)
        try:
            result = execute(state, node_data['name'], batch, whatif=check_mode)
        except RunnerFailure as failure:
            return _failure(str(failure))
    return {'failed': False, 'unreachable': False, 'changed': False, 'result': result, 'output': [], 'error': []}


def _failure(message, fqeid=None, category='OperationStopped',
             exception_type='System.Management.Automation.RuntimeException'):
    # By default what runner.ps1's own `throw "<message>"` gives: the error id and the target are the message.
    record = {'message': message, 'fully_qualified_error_id': fqeid or message, 'category': category,
              'target': None if fqeid else message, 'exception_type': exception_type}
    return {'failed': True, 'unreachable': False, 'changed': False, 'result': {}, 'output': [], 'error': [record],
            'msg': message}
