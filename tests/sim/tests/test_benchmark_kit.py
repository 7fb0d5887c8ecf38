"""The benchmarks' judgments (benchmarks/playbook_scale.py) and their module timing on a lab (benchmarks/_benchkit.py,
_module_timing.py): what counts as a module run, what a re-run is flagged for, and that timing a node's modules
changes neither what they do nor what the lab records."""

import os
import sys
import types

import pytest

from labkit import REPO_ROOT, Lab

sys.path.insert(0, os.path.join(REPO_ROOT, 'benchmarks'))

import _benchkit  # noqa: E402  pylint: disable=wrong-import-position
import playbook_scale  # noqa: E402  pylint: disable=wrong-import-position

WHEN_FALSE = {'skipped': True, 'changed': False, 'skip_reason': 'Conditional result was False', 'false_condition': 'x'}


def item(**result):
    return dict(result, ansible_loop_var='item', item='hv1')


@pytest.mark.parametrize('result, runs', [
    ({'changed': False}, 1),
    (WHEN_FALSE, 0),
    ({'skipped': True, 'skipped_reason': 'No items in the list', 'results': []}, 0),
    # cluster_validation answers skipped after its one read: a module run like any other
    ({'skipped': True, 'changed': False, 'msg': 'Cluster hvc1 exists with every node: validation skipped.'}, 1),
    ({'changed': True, 'results': [item(changed=True), item(**WHEN_FALSE), item(changed=False)]}, 2),
    # a module's own "results" key is not a loop
    ({'changed': False, 'results': [{'name': 'x'}, {'name': 'y'}]}, 1),
])
def test_module_runs_count_what_ran(result, runs):
    assert playbook_scale.module_runs(result) == runs


def rerun(changed_tasks=(), writes=0, executions=4, module_runs=4, state_after=None):
    modes = ['write'] * writes + ['read'] * (executions - writes)
    return types.SimpleNamespace(
        changed=len(changed_tasks), changed_tasks=list(changed_tasks), executions=[{'mode': mode} for mode in modes],
        module_runs=module_runs, modes=modes.count, state_before={'vms': {}},
        state_after={'vms': {}} if state_after is None else state_after)


def test_a_clean_rerun_is_not_flagged():
    assert playbook_scale.rerun_flags(3, rerun()) == []


@pytest.mark.parametrize('measure, flagged', [
    (rerun(changed_tasks=['Set the quorum witness on hv1']), 'changed 1 task result(s): Set the quorum witness on hv1'),
    (rerun(writes=1), 'sent 1 write batch'),
    (rerun(state_after={'vms': {'x': {}}}), 'changed the lab state'),
    (rerun(executions=5), 'cost 5 remote executions for 4 module runs'),
    (rerun(executions=3), 'cost 3 remote executions for 4 module runs'),
])
def test_a_rerun_that_changes_or_costs_more_is_flagged(measure, flagged):
    flags = playbook_scale.rerun_flags(16, measure)
    assert len(flags) == 1 and flags[0].startswith('16 nodes: ') and flagged in flags[0], flags


def test_flatness_compares_the_largest_lab_with_the_smallest():
    def measure(executions, wall):
        return types.SimpleNamespace(executions=[{}] * executions, wall=wall)
    lines = playbook_scale.flatness([(3, measure(15, 9.0)), (64, measure(137, 70.0))])
    assert lines == ['re-run remote executions per node: 3 nodes 5 -> 64 nodes 2.14 (flat)',
                     're-run wall seconds per node: 3 nodes 3 -> 64 nodes 1.09 (flat)']
    assert 'grows 4.0x' in playbook_scale.flatness([(4, measure(4, 4.0)), (16, measure(64, 16.0))])[0]


def test_timed_modules_report_their_times_and_do_the_same(tmp_path):
    lab = Lab.create(str(tmp_path / 'lab'), nodes=2, vms=4, clustered_vms=4)
    _benchkit.time_modules(lab, ['hv1'])
    _benchkit.time_modules(lab, ['hv1'])   # twice is once
    with open(os.path.join(lab.dir, 'bin', 'python-hv1'), encoding='utf-8') as handle:
        assert handle.read().count(_benchkit.TIMING_SHIM) == 1
    playbook = lab.tasks_playbook(tmp_path, [{'name': 'read', 'hyperv.cluster.cluster_info': {}}], hosts='hv1:hv2')
    run = lab.playbook(playbook)
    assert run.rc == 0, run
    for host in ('hv1', 'hv2'):
        assert len(run.result('read', host)['vm_groups']) == 4
    assert [(entry['node'], entry['mode']) for entry in lab.executions()] in (
        [('hv1', 'read'), ('hv2', 'read')], [('hv2', 'read'), ('hv1', 'read')])
    timed = _benchkit.module_times(lab)
    assert [(entry['node'], entry['batches']) for entry in timed] == [('hv1', 1)]   # hv2 was not timed
    assert 0 < timed[0]['cmdlets_s'] <= timed[0]['runner_s'] <= timed[0]['process_s']
    assert _benchkit.task_seconds(run, 'read') > 0 and _benchkit.task_seconds(run, 'no such task') is None


def test_a_verdict_is_the_exit_code_with_the_problems_on_stderr(capsys):
    assert _benchkit.verdict(['3 nodes, rerun: 2 changed'], 'ok: fine', heading='FLAGGED') == 1
    out, err = capsys.readouterr()
    assert out == '' and err == 'FLAGGED:\n  3 nodes, rerun: 2 changed\n'
    assert _benchkit.verdict([], 'ok: fine') == 0
    assert capsys.readouterr().out == 'ok: fine\n'


def test_lab_directory_keeps_a_given_one_fresh_and_removes_a_temporary_one(tmp_path):
    with _benchkit.lab_directory() as temporary:
        assert os.path.isdir(temporary)
    assert not os.path.exists(temporary)
    given = tmp_path / 'lab'
    Lab.create(str(given), nodes=1, preset='bare')
    (given / 'left-over').write_text('x')
    with _benchkit.lab_directory(str(given)) as directory:
        assert directory == str(given) and not os.path.exists(directory)   # the old lab is gone; the new one goes here
        Lab.create(directory, nodes=1, preset='bare')
    assert (given / 'state.json').exists()
