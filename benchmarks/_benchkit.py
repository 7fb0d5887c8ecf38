"""What several benchmarks do the same way: where their labs live, how they report a verdict, a task's own time, and the
time of module processes on lab nodes."""

import contextlib
import datetime
import json
import os
import shutil
import sys
import tempfile

BENCHMARKS = os.path.dirname(os.path.abspath(__file__))
TIMING_SHIM = os.path.join(BENCHMARKS, '_module_timing.py')
MODULE_TIMES_LOG = 'module-times.log'


@contextlib.contextmanager
def lab_directory(given=None):
    """The directory a benchmark builds its lab(s) in: ``given`` (``--lab-dir``: a lab left there by an earlier run is
    removed first, the new one is kept to look at), else a temporary one, removed at the end."""
    directory = given or tempfile.mkdtemp(prefix='hvsim-bench-')
    if given and os.path.exists(os.path.join(directory, 'state.json')):
        shutil.rmtree(directory)
    try:
        yield directory
    finally:
        if not given:
            shutil.rmtree(directory, ignore_errors=True)


def verdict(problems, ok_message=None, heading='FAILED'):
    """The exit code: 1 with the problems on stderr, else 0 (after ``ok_message``, when there is one)."""
    if problems:
        print('%s:\n  %s' % (heading, '\n  '.join(problems)), file=sys.stderr)
        return 1
    if ok_message:
        print(ok_message)
    return 0


def duration_seconds(task):
    """A task's duration from the start and end times the ansible.posix.json callback gives it, or None."""
    duration = task['task'].get('duration') or {}
    if 'start' not in duration or 'end' not in duration:
        return None
    start, end = (datetime.datetime.fromisoformat(duration[key].replace('Z', '+00:00')) for key in ('start', 'end'))
    return (end - start).total_seconds()


def task_seconds(run, name):
    """The duration of the first task called ``name``, or None."""
    for play in run.results.get('plays', []):
        for task in play.get('tasks', []):
            if task['task']['name'] == name:
                return duration_seconds(task)
    return None


def time_modules(lab, nodes, profile=None):
    """Make the modules that run on ``nodes`` report their times (see _module_timing.py) to LAB/module-times.log.

    Rewrites the nodes' interpreter wrappers (LAB/bin/python-<node>, a lab's own file) to run the module through the
    timing shim; ``profile``: a path prefix for the cProfile statistics of each module process.
    """
    python = "'%s'" % sys.executable
    for node in nodes:
        wrapper = os.path.join(lab.dir, 'bin', 'python-%s' % node)
        with open(wrapper, encoding='utf-8') as handle:
            text = handle.read()
        if TIMING_SHIM in text:
            continue
        if python + ' "$@"' not in text:
            raise RuntimeError('%s does not end with exec %s "$@"; cannot time its modules' % (wrapper, python))
        shimmed = "exec %s '%s' \"$@\"" % (python, TIMING_SHIM)
        if profile:
            shimmed = "HVSIM_BENCH_PROFILE='%s' %s" % (profile, shimmed)
        text = text.replace('exec ' + python + ' "$@"', shimmed)
        with open(wrapper, 'w', encoding='utf-8') as handle:
            handle.write(text)


def module_times(lab):
    """Every module process timed so far: [{"node", "process_s", "runner_s", "cmdlets_s", "batches"}]."""
    path = os.path.join(lab.dir, MODULE_TIMES_LOG)
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]
