"""Fixtures of the simulator's own tests.

``make_lab`` and ``lab`` are tests/conftest.py's: pytest loads that file itself when its rootdir is the repository
(pytest.ini), but not when these tests are collected on their own (no ini file: the conftest search stops at
tests/sim/tests), so it is loaded here under a private name and its fixtures are re-exported. Defining them twice
is harmless: a fixture in a nearer conftest overrides the same fixture further up.

``sim`` runs cmdlet batches on a lab through ``hvsim.runner.run_batch``, the entry point the win_powershell twin
calls, so that the tests exercise exactly the code path playbooks do, without the cost of ansible-playbook.
"""

import importlib.util
import json
import os
import types

import pytest

_TESTS_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SPEC = importlib.util.spec_from_file_location('_hyperv_tests_conftest', os.path.join(_TESTS_DIR, 'conftest.py'))
_SHARED = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_SHARED)  # also puts tests/ and tests/sim on sys.path (through labkit)

make_lab = _SHARED.make_lab
lab = _SHARED.lab

from hvsim import runner  # noqa: E402  pylint: disable=wrong-import-position
from hvsim.state import LabState  # noqa: E402  pylint: disable=wrong-import-position


def call(step_id, cmdlet, parameters=None, select=None):
    return {'op': 'call', 'id': step_id, 'cmdlet': cmdlet, 'parameters': dict(parameters or {}), 'select': select}


def assign(step_id, target, properties):
    return {'op': 'set', 'id': step_id, 'target': target, 'properties': dict(properties), 'select': None}


def run(lab_or_dir, node, mode, calls, check=False, protocol=1):
    """The win_powershell twin's view of one runner execution: {'failed', 'unreachable', 'result', 'msg', ...}."""
    lab_dir = getattr(lab_or_dir, 'dir', lab_or_dir)
    batch = json.dumps({'protocol': protocol, 'mode': mode, 'calls': calls})
    return runner.run_batch(lab_dir, node, {'BatchJson': batch}, check)


def steps(outcome):
    """{step id: step result} of a runner execution that did not fail as a whole."""
    assert outcome['failed'] is False, outcome
    return {step['id']: step for step in outcome['result']['calls']}


def one(lab_or_dir, node, cmdlet, parameters=None, select=None, mode='read'):
    """Run one cmdlet and return its step result."""
    return steps(run(lab_or_dir, node, mode, [call('s', cmdlet, parameters, select)]))['s']


def error_ids(step):
    return [error['fully_qualified_error_id'] for error in step['errors']]


def edit(lab_or_dir):
    """Change a lab's state directly: ``with edit(lab) as state: ...``."""
    return LabState.open(getattr(lab_or_dir, 'dir', lab_or_dir))


@pytest.fixture
def sim():
    return types.SimpleNamespace(call=call, assign=assign, run=run, steps=steps, one=one, error_ids=error_ids,
                                 edit=edit)
