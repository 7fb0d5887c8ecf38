"""Interpreter shim for the benchmarks: run a module as a simulated node's python does, and time where it goes.

A benchmark puts this file between a node's interpreter wrapper (``LAB/bin/python-<node>``) and the AnsiballZ file
Ansible hands it. It runs the module in this process, as python would (AnsiballZ runs its module in-process), and on
exit appends one JSON line to ``$HVSIM_LAB/module-times.log``:

    {"node": "hv1", "process_s": 1.02, "runner_s": 0.91, "cmdlets_s": 0.55, "batches": 1}

``runner_s`` is the time inside ``hvsim.runner.run_batch`` (lock, load the lab state, run the batch), ``cmdlets_s``
the part of it spent running the cmdlets (``hvsim.runner.execute``); ``process_s`` the whole module process after
interpreter start-up. With ``HVSIM_BENCH_PROFILE=FILE`` the module runs under cProfile and the statistics are
dumped to FILE.<pid> (read them with ``python -m pstats``).
"""

import atexit
import cProfile
import json
import os
import runpy
import sys
import time

STARTED = time.monotonic()
TOTALS = {'runner_s': 0.0, 'cmdlets_s': 0.0, 'batches': 0}


def _timed(function, key, count=False):
    def wrapper(*args, **kwargs):
        started = time.monotonic()
        try:
            return function(*args, **kwargs)
        finally:
            TOTALS[key] += time.monotonic() - started
            if count:
                TOTALS['batches'] += 1
    return wrapper


def _instrument_runner():
    try:
        from hvsim import runner  # pylint: disable=import-outside-toplevel
    except ImportError:
        return  # not a simulated node: nothing to time but the process
    # The win_powershell twin imports run_batch when it runs, and run_batch looks execute up as a global: patching
    # the module's attributes reaches both.
    runner.run_batch = _timed(runner.run_batch, 'runner_s', count=True)
    runner.execute = _timed(runner.execute, 'cmdlets_s')


def _report():
    lab = os.environ.get('HVSIM_LAB')
    if not lab:
        return
    line = dict(node=os.environ.get('HVSIM_NODE'), process_s=round(time.monotonic() - STARTED, 4),
                **{key: round(value, 4) if isinstance(value, float) else value for key, value in TOTALS.items()})
    with open(os.path.join(lab, 'module-times.log'), 'a', encoding='utf-8') as handle:
        handle.write(json.dumps(line) + '\n')


def main():
    if len(sys.argv) < 2 or not os.path.isfile(sys.argv[1]):
        # Not a module file (python -c, or a module piped on stdin): be the plain interpreter.
        os.execv(sys.executable, [sys.executable] + sys.argv[1:])
    module_path = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(module_path))   # as when python runs the file itself
    _instrument_runner()
    profile_path = os.environ.get('HVSIM_BENCH_PROFILE')
    if not profile_path:
        atexit.register(_report)
        runpy.run_path(module_path, run_name='__main__')
        return
    profiler = cProfile.Profile()
    # atexit runs last in, first out: the report is written before the statistics are dumped, so that process_s
    # does not count the dump.
    atexit.register(lambda: profiler.dump_stats('%s.%d' % (profile_path, os.getpid())))
    atexit.register(_report)
    profiler.enable()
    try:
        runpy.run_path(module_path, run_name='__main__')
    finally:
        profiler.disable()


if __name__ == '__main__':
    main()
