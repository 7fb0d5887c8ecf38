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
