"""What the twins of ecosystem modules (tests/sim/collections) call.

A twin is a module file named like the real one (``ansible.windows.win_powershell``...) in a shadow collection that
replaces the real collection when ``tests/sim/collections`` is first on ANSIBLE_COLLECTIONS_PATH. It validates its
arguments against the real module's argument spec, snapshotted by ``scripts/snapshot-module-specs`` into
``data/module_specs.json``, so a wrong option or choice fails with exactly the message the real module gives.

The twin learns which lab and which node it acts for from ``HVSIM_LAB`` and ``HVSIM_NODE``, which the lab's
per-node interpreter wrapper (``LAB/bin/python-<node>``) exports; the wrapper also puts ``tests/sim`` on PYTHONPATH.

This module runs inside the AnsiballZ module process, where the ``ansible`` package holds only the module_utils the
twin module file imports: import nothing from ``ansible`` here but ``ansible.module_utils.basic``.
"""

import copy
import functools
import json
import os
from pathlib import Path

LAB_ENV = 'HVSIM_LAB'
NODE_ENV = 'HVSIM_NODE'
SPECS_FILE = Path(__file__).resolve().parent / 'data' / 'module_specs.json'
# The hyperv.cluster checkout this hvsim belongs to (tests/sim/hvsim/twin.py -> repository root).
REPO_ROOT = Path(__file__).resolve().parents[3]
RUNNER_SCRIPT = REPO_ROOT / 'plugins' / 'plugin_utils' / 'runner.ps1'


class TwinError(Exception):
    """A twin cannot do what it was asked; run_twin reports it as a module failure."""


@functools.lru_cache(maxsize=None)
def _load_specs():
    with open(SPECS_FILE, encoding='utf-8') as handle:
        return json.load(handle)


def spec_entry(fqcn):
    """The snapshot entry of a module: argument_spec, collection version, kind (module or action)."""
    specs = _load_specs()
    if fqcn not in specs:
        raise KeyError('no argument spec snapshot for %s in %s: add it to MODULES in scripts/snapshot-module-specs '
                       'and run that script' % (fqcn, SPECS_FILE))
    return specs[fqcn]


def load_spec(fqcn):
    """The real module's argument_spec (a fresh copy: AnsibleModule must not alter the cached one)."""
    return copy.deepcopy(spec_entry(fqcn)['argument_spec'])


def runner_script_bytes():
    """The hyperv.cluster runner script, the only script the win_powershell twin runs."""
    return RUNNER_SCRIPT.read_bytes()


def lab_and_node(environ=None):
    """(lab directory, node) from the environment; raises TwinError naming what is missing."""
    environ = os.environ if environ is None else environ
    lab_dir = environ.get(LAB_ENV)
    node = environ.get(NODE_ENV)
    missing = [name for name, value in ((LAB_ENV, lab_dir), (NODE_ENV, node)) if not value]
    if missing:
        raise TwinError('%s not set: this twin runs only through a simulated lab host, whose interpreter wrapper '
                        '(LAB/bin/python-<node>, set as ansible_python_interpreter) exports HVSIM_LAB and '
                        'HVSIM_NODE' % ' and '.join(missing))
    if not os.path.isdir(lab_dir):
        raise TwinError('%s=%s is not a directory (create a lab with scripts/lab create)' % (LAB_ENV, lab_dir))
    return lab_dir, node


def diff_when_asked(module, result):
    """The result with its ``diff`` kept only under --diff, as a real module returns it."""
    diff = result.pop('diff', None)
    if module._diff and diff is not None:  # pylint: disable=protected-access
        result['diff'] = diff
    return result


def run_twin(fqcn, handler, extra=None, module_class=None):
    """Validate the task's arguments like the real module, run ``handler(module, lab_dir, node)``, exit with its result.

    ``extra`` holds AnsibleModule rules that the real module has in code rather than in its docs
    (mutually_exclusive, required_one_of, required_if, required_together...). ``module_class`` is the AnsibleModule
    class; twin module files pass the one they import, which is what makes Ansible ship them as new-style modules.

    The handler returns a result dict; ``failed: True`` (with ``msg``) makes it a failure, ``unreachable: True`` is
    passed on for the caller's action layer. Raising TwinError fails the task with its message. ``sim_node`` is added.
    """
    if module_class is None:
        from ansible.module_utils.basic import AnsibleModule as module_class  # pylint: disable=import-outside-toplevel
    module = module_class(argument_spec=load_spec(fqcn), supports_check_mode=True, **(extra or {}))
    try:
        lab_dir, node = lab_and_node()
        result = dict(handler(module, lab_dir, node) or {})
    except TwinError as error:
        node = os.environ.get(NODE_ENV)
        result = {'failed': True, 'changed': False, 'msg': '%s (simulated): %s' % (fqcn, error)}
    result['sim_node'] = node
    if result.pop('failed', False):
        msg = result.pop('msg', None) or '%s (simulated) failed' % fqcn
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)
