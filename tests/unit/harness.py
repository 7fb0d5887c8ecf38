"""Run hyperv.cluster action plugins in-process, the ansible.windows unit-test way.

An action plugin is built as ``ActionModule(MagicMock(Task), ...)`` and its ``_execute_module`` is replaced by one
of the executors below, which stand in for ``ansible.windows.win_powershell`` on the target host:

* ``SimExecutor`` forwards the batch to the simulated platform (``hvsim.runner.run_batch``), as the
  win_powershell twin would, and records every call;
* ``ReplayExecutor`` answers from a recording in ``test_data/`` (made by ``record.py``) and checks that the plugin
  sends exactly the recorded batches, so the product is tested on data without the simulator.
"""

import contextlib
import copy
import datetime
import hashlib
import json
import os
from unittest.mock import MagicMock, patch

from ansible.playbook.task import Task

from ansible_collections.hyperv.cluster.plugins.action import cluster_info as cluster_info_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_validation as cluster_validation_action
from ansible_collections.hyperv.cluster.plugins.action import vm_role as vm_role_action

UNIT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(UNIT_DIR))
TEST_DATA = os.path.join(UNIT_DIR, 'test_data')
RUNNER_PATH = os.path.join(REPO_ROOT, 'plugins', 'plugin_utils', 'runner.ps1')

PLUGINS = {
    'cluster_info': cluster_info_action.ActionModule,
    'cluster_validation': cluster_validation_action.ActionModule,
    'vm_role': vm_role_action.ActionModule,
}


def runner_bytes():
    with open(RUNNER_PATH, 'rb') as handle:
        return handle.read()


RUNNER_SHA256 = hashlib.sha256(runner_bytes()).hexdigest()
# The time recordings run at: cluster_validation names its report after it, so a replay sends the recorded batch.
RECORDED_AT = datetime.datetime(2026, 1, 15, 12, 30, 0, tzinfo=datetime.timezone.utc)


@contextlib.contextmanager
def recorded_clock():
    with patch.object(cluster_validation_action, 'utc_now', lambda: RECORDED_AT):
        yield


def make_action(plugin, args, check_mode=False, diff=False, executor=None):
    """An action plugin ``plugin`` ('vm_role', 'cluster_info' or a class) for a task with ``args``."""
    cls = PLUGINS.get(plugin, plugin)
    task = MagicMock(Task)
    task.args = dict(args)
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    task.delegate_to = None
    task.action = 'hyperv.cluster.%s' % getattr(plugin, '__name__', plugin)
    connection = MagicMock()
    connection._shell.tmpdir = '/tmp/not-used'  # pylint: disable=protected-access
    action = cls(task, connection, MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    if executor is not None:
        executor.bind(action)
        action._execute_module = executor  # pylint: disable=protected-access
    return action


def run_action(plugin, args, executor, check_mode=False, diff=False, host='hv1'):
    action = make_action(plugin, args, check_mode=check_mode, diff=diff, executor=executor)
    return action.run(task_vars={'inventory_hostname': host})


class Call:
    """One _execute_module call as the plugin made it."""

    def __init__(self, module_name, module_args, task_vars, wrap_async):
        self.module_name = module_name
        self.module_args = module_args
        self.task_vars = task_vars
        self.wrap_async = wrap_async
        self.batch = json.loads(module_args['parameters']['BatchJson'])

    @property
    def mode(self):
        return self.batch['mode']

    @property
    def steps(self):
        return self.batch['calls']

    def step(self, step_id):
        return next(step for step in self.steps if step['id'] == step_id)

    @property
    def cmdlets(self):
        return [step['cmdlet'] for step in self.steps if step['op'] == 'call']


class _Executor:
    def __init__(self):
        self.calls = []
        self.action = None

    def bind(self, action):
        self.action = action

    @property
    def check_mode(self):
        return bool(self.action._task.check_mode)  # pylint: disable=protected-access

    @property
    def modes(self):
        return [call.mode for call in self.calls]

    @property
    def writes(self):
        return [call for call in self.calls if call.mode == 'write']

    def __call__(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **kwargs):
        assert not kwargs, kwargs
        call = Call(module_name, copy.deepcopy(module_args), task_vars, wrap_async)
        self.calls.append(call)
        return self.respond(call)

    def respond(self, call):
        raise NotImplementedError


class SimExecutor(_Executor):
    """win_powershell on simulated node ``node`` of the lab in ``lab_dir``.

    ``before_write(lab_dir)`` runs before a write batch reaches the lab (to model a change made by someone else
    between the module's read and its write). ``responses`` keeps every raw result, for record.py.
    """

    def __init__(self, lab_dir, node='hv1', before_write=None, keep_responses=True):
        super().__init__()
        self.lab_dir = lab_dir
        self.node = node
        self.before_write = before_write
        self.keep_responses = keep_responses
        self.responses = []

    def respond(self, call):
        from hvsim.runner import run_batch  # pylint: disable=import-outside-toplevel
        if call.mode == 'write' and self.before_write is not None:
            self.before_write(self.lab_dir)
        response = run_batch(self.lab_dir, self.node, call.module_args['parameters'], self.check_mode)
        if self.keep_responses:
            self.responses.append(copy.deepcopy(response))
        return response


class ReplayExecutor(_Executor):
    """Answers from a recording; fails the test if the plugin sends anything but the recorded module calls."""

    def __init__(self, recording):
        super().__init__()
        self.recording = recording
        self.exchanges = list(recording['exchanges'])

    def respond(self, call):
        assert self.exchanges, 'the plugin made more module calls than recorded in %s' % self.recording['name']
        exchange = self.exchanges.pop(0)
        expected = exchange['module_args']
        stale = 'recording %s is stale: rerun tests/unit/record.py' % self.recording['name']
        assert call.module_name == exchange['module_name'], stale
        assert hashlib.sha256(call.module_args['script'].encode('utf-8')).hexdigest() == expected['script_sha256'], \
            stale
        assert {k: v for k, v in call.module_args.items() if k != 'script'} == \
            {k: v for k, v in expected.items() if k != 'script_sha256'}, stale
        return copy.deepcopy(exchange['response'])


def load_recording(name):
    with open(os.path.join(TEST_DATA, name + '.json'), encoding='utf-8') as handle:
        return json.load(handle)


def recording_names():
    return sorted(name[:-5] for name in os.listdir(TEST_DATA) if name.endswith('.json'))


def replay(name, args=None, check_mode=None, diff=False):
    """Run the recorded plugin (optionally with other args that send the same batches) on the recorded data."""
    recording = load_recording(name)
    executor = ReplayExecutor(recording)
    with recorded_clock():
        result = run_action(recording['plugin'], recording['args'] if args is None else args, executor,
                            check_mode=recording['check_mode'] if check_mode is None else check_mode, diff=diff)
    assert not executor.exchanges, 'the plugin made fewer module calls than recorded in %s' % name
    return result, executor


def edit_lab(lab_dir, change):
    """Apply ``change(state_data)`` to a lab's state under its lock (a change made on the platform, not by us)."""
    from hvsim.state import LabState  # pylint: disable=import-outside-toplevel
    with LabState.open(lab_dir, write=True) as state:
        change(state.data)
