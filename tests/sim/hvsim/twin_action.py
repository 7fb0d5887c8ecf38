"""What the action-plugin twins call: they run in the controller process, not in a module process on the node.

An action twin exists where a real module's behaviour cannot be had from a module process: a node that is powered
off must make the task *unreachable* (a module can only fail), as a real dead WinRM endpoint does.
"""

import re

from hvsim.state import LabState

_WRAPPER_VARIABLE = re.compile(r"HVSIM_(LAB|NODE)='([^']*)'")


def lab_and_node(task, task_vars):
    """(lab directory, node) of the host a task runs on, delegation included, from its interpreter wrapper."""
    host = task.delegate_to or task_vars['inventory_hostname']
    host_vars = task_vars
    if task.delegate_to:
        host_vars = (task_vars.get('ansible_delegated_vars') or {}).get(host, {})
    interpreter = host_vars.get('ansible_python_interpreter')
    if not interpreter:
        raise ValueError('host %s has no ansible_python_interpreter: it is not a simulated lab host' % host)
    with open(interpreter, encoding='utf-8') as handle:
        found = dict(_WRAPPER_VARIABLE.findall(handle.read()))
    if 'LAB' not in found or 'NODE' not in found:
        raise ValueError('%s is not a hvsim interpreter wrapper' % interpreter)
    return found['LAB'], found['NODE']


def node_is_up(lab_dir, node):
    with LabState.open(lab_dir, write=False) as state:
        record = state.node(node)
        return record is not None and record.get('power') == 'on'


class ModuleArgumentError(Exception):
    """The module options of a task are invalid (the message is the real module's)."""


def basic_module_params(fqcn, args):
    """Validate ``args`` as a PowerShell module (Ansible.Basic) validates its options, with the real module's spec
    snapshot: defaults, aliases and type conversion from the spec; choices compared without regard to case and
    reported in Ansible.Basic's words (``value of X must be one of: a, b. Got no match for: c``), the value passed on
    as the choice it matched. Unknown options are the action plugin's business (``_VALID_ARGS``).
    """
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel

    from hvsim import twin  # pylint: disable=import-outside-toplevel

    spec = twin.load_spec(fqcn)
    choices = {name: option.pop('choices') for name, option in spec.items() if 'choices' in option}
    validation = ArgumentSpecValidator(spec).validate(dict(args))
    if validation.error_messages:
        raise ModuleArgumentError(validation.errors.msg)
    params = validation.validated_parameters
    for name, allowed in sorted(choices.items()):
        value = params.get(name)
        if value is None:
            continue
        by_lower = {str(choice).lower(): choice for choice in allowed}
        values = value if isinstance(value, list) else [value]
        unmatched = [str(item) for item in values if str(item).lower() not in by_lower]
        if unmatched:
            raise ModuleArgumentError('value of %s must be %s: %s. Got no match for: %s' % (
                name, 'one or more of' if isinstance(value, list) else 'one of',
                ', '.join(str(choice) for choice in allowed), ', '.join(unmatched)))
        matched = [by_lower[str(item).lower()] for item in values]
        params[name] = matched if isinstance(value, list) else matched[0]
    return params
