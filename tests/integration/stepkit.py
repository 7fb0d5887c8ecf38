"""Run several tasks in ONE ansible-playbook on a lab, and still see each task's own cost and effect.

An ansible-playbook start costs seconds, so the integration tests put many tasks in one play. After every task
(and once before the first) a marker task, run once on the controller, records two things with lookups:

* how many remote executions ``executions.log`` holds so far, so each task gets its own slice of the log;
* the text of ``state.json``, so each task gets the lab state before and after it (byte for byte, as saved).

Markers are ``ansible.builtin.debug`` tasks: no module runs, nothing is executed "remotely", the log is untouched.
This works because the linear strategy finishes a task on every host before the next task (a marker) starts.
"""

import json

from hvsim import cli
from hvsim.state import LabState

MARK_PREFIX = 'mark: '
START = '(start)'
# What the ``lab`` fixture builds: hvc1 = hv1..hv3; instance-00000001..06 on hv1, hv2, hv3, hv1, hv2, hv3 (CSVs),
# 01..03 clustered (owner = host, priority 2000, no preferred owners); local-0001 on hv1's local disk.
STANDARD = dict(nodes=3, vms=6, clustered_vms=3, local_vms=1)


def _marker(label):
    return {
        'name': MARK_PREFIX + label,
        'run_once': True,
        'ansible.builtin.debug': {'msg': {
            'executions': "{{ lookup('ansible.builtin.pipe', 'cat ' ~ (hyperv_lab_dir | quote) ~ "
                          "'/executions.log 2>/dev/null | wc -l') | int }}",
            'state': "{{ lookup('ansible.builtin.file', hyperv_lab_dir ~ '/state.json') }}",
        }},
    }


class Step:
    """One task of a Steps run: its per-host results, its remote executions, and the lab state around it."""

    def __init__(self, lab, name, results, executions, before_text, after_text):
        self.lab = lab
        self.name = name
        self.results = results
        self.executions = executions
        self.before_text = before_text
        self.after_text = after_text

    def result(self, host='hv1'):
        return self.results[host]

    @property
    def writes(self):
        return [entry for entry in self.executions if entry['mode'] == 'write']

    @property
    def modes(self):
        return [entry['mode'] for entry in self.executions]

    @property
    def nodes(self):
        return sorted({entry['node'] for entry in self.executions})

    @property
    def state_unchanged(self):
        """The saved lab state is byte-identical before and after the task."""
        return self.before_text == self.after_text

    @property
    def raw_before(self):
        return json.loads(self.before_text)

    @property
    def raw_after(self):
        return json.loads(self.after_text)

    def _show(self, text):
        return cli.snapshot(LabState(self.lab.dir, json.loads(text)))

    @property
    def show_before(self):
        """``lab.show()`` as it was just before the task."""
        return self._show(self.before_text)

    @property
    def show_after(self):
        """``lab.show()`` as it was just after the task."""
        return self._show(self.after_text)

    def __repr__(self):
        return '<Step %r executions=%s results=%s>' % (self.name, self.modes, json.dumps(self.results)[:1500])


class Steps:
    """The outcome of ``run_steps``: the PlaybookRun, the lab state before and after, and each task as a Step."""

    def __init__(self, lab, run, raw_before, raw_after, steps):
        self.lab = lab
        self.run = run
        self.raw_before = raw_before
        self.raw_after = raw_after
        self.steps = steps

    def __getitem__(self, name):
        if name not in self.steps:
            raise KeyError('no step %r; ran %s\n%r' % (name, list(self.steps), self.run))
        return self.steps[name]


def run_steps(lab, directory, tasks, hosts='hv1', check=False, diff=False, extra_vars=None, name='steps.yml'):
    """Run ``tasks`` (dicts, each with a unique name) in one play on ``hosts``, with a marker after each.

    Returns Steps; ``steps[task name]`` is a Step. A task missing from the output (its hosts all failed or were
    unreachable before it) has no Step.
    """
    names = [task['name'] for task in tasks]
    assert len(set(names)) == len(names), 'task names must be unique: %s' % names
    play_tasks = [_marker(START)]
    for task in tasks:
        play_tasks += [task, _marker(task['name'])]
    path = lab.tasks_playbook(directory, play_tasks, hosts=hosts, name=name)
    raw_before = lab.raw_state()
    run = lab.playbook(path, check=check, diff=diff, extra_vars=extra_vars)
    raw_after = lab.raw_state()
    log = lab.executions()

    marks = {}
    for task in run.tasks():
        if task['name'].startswith(MARK_PREFIX) and task['hosts']:
            message = next(iter(task['hosts'].values()))['msg']
            if isinstance(message, str):
                message = json.loads(message)
            marks[task['name'][len(MARK_PREFIX):]] = (int(message['executions']), message['state'])
    assert START in marks, 'the playbook did not run:\n%r' % run

    steps = {}
    previous = marks[START]
    for task_name in names:
        if task_name not in marks:
            break
        current = marks[task_name]
        results = {}
        for task in run.tasks(task_name):
            results.update(task['hosts'])
        steps[task_name] = Step(lab, task_name, results, log[previous[0]:current[0]], previous[1], current[1])
        previous = current
    return Steps(lab, run, raw_before, raw_after, steps)
