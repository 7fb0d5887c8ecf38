"""Drive simulated labs from tests: create one, run real playbooks on it, read its state and its counters.

Used by tests/integration, tests/sim/tests and the benchmarks. Playbooks run as a user would run them
(``ansible-playbook`` with the lab's ansible.cfg and inventory); results are read with the ansible.posix.json
callback so that tests assert on each task's real result.
"""

import json
import os
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM_ROOT = os.path.join(REPO_ROOT, 'tests', 'sim')
if SIM_ROOT not in sys.path:
    sys.path.insert(0, SIM_ROOT)

from hvsim import cli, presets  # noqa: E402  pylint: disable=wrong-import-position
from hvsim.state import LabState, execution_counts, read_executions  # noqa: E402  pylint: disable=wrong-import-position


def _bin(name):
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


class PlaybookRun:
    def __init__(self, process, results):
        self.process = process
        self.rc = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.results = results

    def tasks(self, name=None):
        """Each task's per-host results: [{"name", "hosts": {host: result}}], optionally only tasks called name."""
        tasks = []
        for play in self.results.get('plays', []):
            for task in play.get('tasks', []):
                if name is None or task['task']['name'] == name:
                    tasks.append({'name': task['task']['name'], 'hosts': task['hosts']})
        return tasks

    def result(self, name, host):
        """The result of the (last) task called ``name`` on ``host``."""
        matches = [task['hosts'][host] for task in self.tasks(name) if host in task['hosts']]
        if not matches:
            raise KeyError('no task %r ran on %s; output:\n%s\n%s' % (name, host, self.stdout[-3000:], self.stderr))
        return matches[-1]

    def failures(self):
        """{(task name, host): message} of the failed tasks; a loop's message is that of its first failed item."""
        failures = {}
        for task in self.tasks():
            for host, result in task['hosts'].items():
                if result.get('failed'):
                    items = [item for item in result.get('results') or [] if item.get('failed')]
                    failures[(task['name'], host)] = items[0].get('msg', '') if items else result.get('msg', '')
        return failures

    @property
    def stats(self):
        return self.results.get('stats', {})

    def changed(self, host):
        return self.stats.get(host, {}).get('changed', 0)

    def __repr__(self):
        return '<PlaybookRun rc=%s>\n%s\n%s' % (self.rc, self.stdout[-4000:], self.stderr[-2000:])


class Lab:
    """A simulated lab in a directory, as `scripts/lab create` makes it."""

    def __init__(self, directory):
        self.dir = os.path.abspath(directory)

    @classmethod
    def create(cls, directory, **options):
        data = presets.build(**options)
        LabState.create(directory, data)
        cli.write_lab_files(directory, data)
        return cls(directory)

    @property
    def inventory(self):
        return os.path.join(self.dir, 'inventory.yml')

    def show(self):
        with LabState.open(self.dir, write=False) as state:
            return cli.snapshot(state)

    def raw_state(self):
        with LabState.open(self.dir, write=False) as state:
            return json.loads(json.dumps(state.data))

    def executions(self):
        return read_executions(self.dir)

    def execution_counts(self):
        return execution_counts(self.dir)

    def total_executions(self):
        return len(read_executions(self.dir))

    def lab_cli(self, *args):
        return subprocess.run([os.path.join(REPO_ROOT, 'scripts', 'lab')] + list(args), capture_output=True,
                              text=True, check=False, env=dict(os.environ, PYTHON=sys.executable))

    def fault(self, fault, node):
        process = self.lab_cli('fault', self.dir, fault, node)
        assert process.returncode == 0, process.stderr
        return process

    def playbook(self, playbook, extra_vars=None, check=False, diff=False, limit=None, env=None, args=()):
        """Run a playbook file (path) on the lab and return a PlaybookRun with the parsed json results."""
        command = [_bin('ansible-playbook'), '-i', self.inventory, playbook]
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        if limit:
            command += ['--limit', limit]
        command += list(args)
        environment = dict(os.environ)
        environment.update({
            'ANSIBLE_CONFIG': os.path.join(self.dir, 'ansible.cfg'),
            # An inherited collections path would beat the lab's ansible.cfg and hide the twins.
            'ANSIBLE_COLLECTIONS_PATH': '%s:%s' % (cli.TWINS, os.path.join(self.dir, 'collections')),
            'ANSIBLE_STDOUT_CALLBACK': 'ansible.posix.json',
            'ANSIBLE_CALLBACK_RESULT_FORMAT': 'json',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_DEPRECATION_WARNINGS': '0',
            'PATH': os.path.dirname(sys.executable) + os.pathsep + environment.get('PATH', ''),
        })
        environment.update(env or {})
        process = subprocess.run(command, capture_output=True, text=True, check=False, env=environment,
                                 cwd=self.dir)
        try:
            start = process.stdout.index('{')
            results = json.loads(process.stdout[start:])
        except ValueError:
            results = {}
        return PlaybookRun(process, results)

    def tasks_playbook(self, tmp_path, tasks, hosts='hv1', gather_facts=False, name='play.yml'):
        """Write a one-play playbook around ``tasks`` (YAML text or list) and return its path."""
        import yaml  # pylint: disable=import-outside-toplevel
        if isinstance(tasks, str):
            tasks = yaml.safe_load(tasks)
        path = os.path.join(str(tmp_path), name)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump([{'name': 'test', 'hosts': hosts, 'gather_facts': gather_facts, 'tasks': tasks}], handle,
                           sort_keys=False)
        return path
