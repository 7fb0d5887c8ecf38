"""hyperv.cluster.cluster_validation on recorded results (test_data/validation_*.json, made by record.py) and on
hand-made answers: the outcome read from Test-Cluster's records, accept, the skip of a built cluster, check mode,
the report brought back, and bad input refused before anything runs."""

import base64
import copy
import json

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster_validation as plugin
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, BatchResult

from harness import load_recording, make_action, recorded_clock, replay

REPORT = 'C:\\Windows\\Cluster\\Reports\\hyperv-cluster-validation-20260115-123000.htm'
NODES = ['hv1', 'hv2', 'hv3']


# --- recorded outcomes ------------------------------------------------------------------------------------------

def test_passed():
    result, executor = replay('validation_passed')
    # cluster hvc1 does not exist: one read, then Test-Cluster as a write (it writes the report).
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets == ['Test-Cluster']
    assert executor.calls[1].step('validate')['parameters'] == {
        'Node': NODES, 'ReportName': 'C:\\Windows\\Cluster\\Reports\\hyperv-cluster-validation-20260115-123000'}
    assert 'failed' not in result and result['changed'] is False
    assert result['outcome'] == 'passed'
    assert (result['flags'], result['test_warnings'], result['failed_tests']) == ([], [], [])
    assert result['report_path'] == REPORT
    assert result['local_report_path'] is None
    assert 'warnings' not in result


def test_passed_with_warnings_warns_and_goes_on():
    result, executor = replay('validation_passed_with_warnings')
    assert executor.modes == ['write']
    assert 'failed' not in result
    assert result['outcome'] == 'passed_with_warnings'
    assert result['flags'] == ['ClusterConditionallyApproved']
    assert [(test['category'], test['test']) for test in result['test_warnings']] == [
        ('Storage', 'List Potential Cluster Disks'), ('Storage', 'Validate Disk Failover')]
    (warning,) = result['warnings']
    assert 'Storage - List Potential Cluster Disks' in warning and REPORT in warning


def test_failed_stops_with_the_failed_tests_and_the_fix():
    result, _executor = replay('validation_failed')
    assert result['failed'] is True and result['changed'] is False
    assert result['outcome'] == 'failed'
    assert [(test['category'], test['test']) for test in result['failed_tests']] == [
        ('System Configuration', 'Validate Operating System Version')]
    assert result['accepted_tests'] == []
    assert result['report_path'] == REPORT
    message = result['msg']
    assert message.startswith('cluster validation of hv1, hv2, hv3: Test-Cluster failed 1 test(s): System '
                              'Configuration - Validate Operating System Version: The test failed.')
    assert 'hv3 10.0.26100 (build 26100)' in message
    assert REPORT in message
    assert 'accept: [System Configuration]' in message and 'Nothing was changed.' in message


def test_failed_but_accepted_goes_on_with_a_warning():
    result, _executor = replay('validation_failed_accepted')
    assert 'failed' not in result
    assert result['outcome'] == 'failed'
    assert result['accepted_tests'] == result['failed_tests'] and len(result['failed_tests']) == 1
    (warning,) = result['warnings']
    assert warning.startswith('Cluster validation failed tests that were accepted: System Configuration - Validate '
                              'Operating System Version')


@pytest.mark.parametrize('accept', [['Validate Operating System Version'], ['SYSTEM CONFIGURATION', 'Storage']])
def test_accept_by_test_name_or_category_in_any_case(accept):
    result, _executor = replay('validation_failed', args={'nodes': NODES, 'accept': accept})
    assert 'failed' not in result and len(result['accepted_tests']) == 1


def test_accepting_another_category_still_fails():
    result, _executor = replay('validation_failed', args={'nodes': NODES, 'accept': ['Storage', 'Network']})
    assert result['failed'] is True and result['accepted_tests'] == []


def test_include_flags_unselected_tests():
    result, executor = replay('validation_storage_only')
    parameters = executor.calls[0].step('validate')['parameters']
    assert parameters['Include'] == ['Storage'] and 'Ignore' not in parameters
    assert parameters['ReportName'].startswith('C:\\Windows\\Temp\\hyperv-cluster-validation-')
    assert result['flags'][0] == 'HadUnselectedTests'
    assert result['report_path'].startswith('C:\\Windows\\Temp\\')


def test_a_cluster_with_every_node_skips_validation_after_one_read():
    result, executor = replay('validation_cluster_exists')
    assert executor.modes == ['read']
    assert result['skipped'] is True and result['changed'] is False and result['outcome'] is None
    assert result['msg'] == 'Cluster hvc1 exists with every node (hv1, hv2, hv3): validation skipped.'


def test_a_cluster_that_lacks_a_node_is_validated():
    # The same read, for four nodes: hv4 is not a member, so validation would run (the write is not recorded).
    recording = load_recording('validation_cluster_exists')
    executor = _Scripted([recording['exchanges'][0]['response'], _test_cluster_answer()])
    result = _run({'nodes': NODES + ['hv4'], 'cluster': 'HVC1'}, executor)
    assert [call['module'] for call in executor.calls] == ['ansible.windows.win_powershell'] * 2
    assert result['outcome'] == 'passed'


def test_check_mode_runs_nothing_and_says_why():
    executor = _Scripted([])
    result = _run({'nodes': NODES}, executor, check_mode=True)
    assert executor.calls == []
    assert result['skipped'] is True and result['changed'] is False and 'failed' not in result
    assert result['msg'] == plugin.CHECK_MODE_MESSAGE


def test_check_mode_with_a_built_cluster_reads_once():
    result, executor = replay('validation_cluster_exists', check_mode=True)
    assert executor.modes == ['read'] and result['skipped'] is True


# --- bringing the report back ---------------------------------------------------------------------------------

class _Scripted:
    """_execute_module answering win_powershell with the given raw results in order, slurp with ``files``."""

    def __init__(self, answers, files=None):
        self.answers = list(answers)
        self.files = dict(files or {})
        self.calls = []

    def __call__(self, module_name=None, module_args=None, task_vars=None, wrap_async=False):
        self.calls.append({'module': module_name, 'args': copy.deepcopy(module_args)})
        if module_name == 'ansible.windows.slurp':
            content = self.files.get(module_args['src'])
            if content is None:
                return {'failed': True, 'changed': False, 'msg': 'Path %s is not found' % module_args['src']}
            return {'changed': False, 'content': base64.b64encode(content).decode(), 'encoding': 'base64'}
        return self.answers.pop(0)

    def bind(self, action):
        self.action = action  # pylint: disable=attribute-defined-outside-init


def _run(args, executor, check_mode=False):
    with recorded_clock():
        action = make_action(plugin.ActionModule, args, check_mode=check_mode, executor=executor)
        action._loader = _Loader()  # pylint: disable=protected-access
        return action.run(task_vars={'inventory_hostname': 'hv1'})


class _Loader:
    base = '/playbooks'

    def path_dwim(self, path):
        return '%s/%s' % (self.base, path)


def _test_cluster_answer(errors=(), warnings=(), output=True):
    call = {'id': 'validate', 'op': 'call', 'cmdlet': 'Test-Cluster', 'status': 'error' if errors else 'ok',
            'output': [{'FullName': REPORT, 'Length': 10}] if output else [], 'errors': list(errors),
            'warnings': list(warnings), 'elapsed_ms': 1}
    return {'failed': False, 'changed': False, 'result': {'protocol': 1, 'computer_name': 'HV1', 'calls': [call]}}


def test_dest_brings_the_report_to_the_controller(tmp_path):
    executor = _Scripted([_test_cluster_answer()], files={REPORT: b'<html>hv1 hv2</html>'})
    result = _run({'nodes': ['hv1', 'hv2'], 'dest': str(tmp_path / 'reports')}, executor)
    local = tmp_path / 'reports' / 'hv1' / 'hyperv-cluster-validation-20260115-123000.htm'
    assert result['local_report_path'] == str(local)
    assert local.read_bytes() == b'<html>hv1 hv2</html>'
    assert executor.calls[1] == {'module': 'ansible.windows.slurp', 'args': {'src': REPORT}}


def test_a_report_that_cannot_be_read_fails_with_its_path(tmp_path):
    executor = _Scripted([_test_cluster_answer()])
    result = _run({'nodes': ['hv1', 'hv2'], 'dest': str(tmp_path)}, executor)
    assert result['failed'] is True
    assert 'reading %s failed: Path %s is not found' % (REPORT, REPORT) in result['msg']
    assert result['report_path'] == REPORT
    assert not list(tmp_path.iterdir())


def test_a_relative_dest_is_relative_to_the_playbook(tmp_path, monkeypatch):
    monkeypatch.setattr(_Loader, 'base', str(tmp_path / 'playbooks'))
    executor = _Scripted([_test_cluster_answer()], files={REPORT: b'x'})
    result = _run({'nodes': ['hv1'], 'dest': 'reports'}, executor)
    local = tmp_path / 'playbooks' / 'reports' / 'hv1' / 'hyperv-cluster-validation-20260115-123000.htm'
    assert result['local_report_path'] == str(local)
    assert local.read_bytes() == b'x'


# --- Windows' answers without a report ----------------------------------------------------------------------------

def test_test_cluster_that_did_not_complete_fails_with_its_error():
    error = {'message': "The test or category 'Storrage' was not found.", 'category': 'InvalidArgument',
             'fully_qualified_error_id': 'InvalidArgument,Microsoft.FailoverClusters.PowerShell.TestClusterCommand',
             'target': 'Storrage', 'exception_type': 'System.Exception'}
    executor = _Scripted([_test_cluster_answer(errors=[error], output=False)])
    result = _run({'nodes': ['hv1'], 'include': ['Storrage']}, executor)
    assert result['failed'] is True
    assert result['msg'].startswith('cluster validation of hv1: Test-Cluster did not complete: Test-Cluster reported: '
                                    "The test or category 'Storrage' was not found.")
    assert 'Test-Cluster -List' in result['msg']


def test_not_approved_without_a_failed_test_still_fails():
    executor = _Scripted([_test_cluster_answer(warnings=['Test Result: ClusterNotApproved\nSee the report.'])])
    result = _run({'nodes': ['hv1'], 'accept': ['Storage']}, executor)
    assert result['failed'] is True
    assert 'Test-Cluster did not approve the configuration (ClusterNotApproved' in result['msg']


# --- bad input, refused before anything runs ------------------------------------------------------------------

@pytest.mark.parametrize('args, fragment', [
    ({'nodes': []}, 'nodes must list at least one computer name'),
    ({'nodes': ['hv1', ' ']}, 'nodes must list at least one computer name'),
    ({'nodes': ['hv1'], 'include': ['Storage'], 'ignore': ['storage']}, 'storage is both included and ignored'),
    ({'nodes': ['hv1'], 'accept': ['']}, 'accept has an empty name'),
    ({'nodes': ['hv1'], 'report_dir': 'reports'}, "report_dir 'reports' is not an absolute Windows path"),
    ({'nodes': ['hv1'], 'report_dir': '/tmp/reports'}, 'is not an absolute Windows path'),
])
def test_bad_input(args, fragment):
    executor = _Scripted([])
    result = _run(args, executor)
    assert result['failed'] is True and fragment in result['msg']
    assert executor.calls == []


@pytest.mark.parametrize('report_dir', ['D:\\Reports', 'C:\\Windows\\Cluster\\Reports\\', '\\\\fs01\\reports'])
def test_report_dir_forms(report_dir):
    executor = _Scripted([_test_cluster_answer()])
    _run({'nodes': ['hv1'], 'report_dir': report_dir}, executor)
    name = json.loads(executor.calls[0]['args']['parameters']['BatchJson'])['calls'][0]['parameters']['ReportName']
    assert name == report_dir.rstrip('\\') + '\\hyperv-cluster-validation-20260115-123000'


# --- parsing --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('record, flags', [
    ('Test Result:\nHadUnselectedTests, ClusterConditionallyApproved\nTesting has completed.', [
        'HadUnselectedTests', 'ClusterConditionallyApproved']),
    ('Test Result:\r\nClusterConditionallyApproved\r\nTest report file path: C:\\x.htm', [
        'ClusterConditionallyApproved']),
    ('Test Result: ClusterNotApproved', ['ClusterNotApproved']),
    ('Test Result:', []),
])
def test_parse_flags(record, flags):
    assert plugin.parse_flags(record) == flags


@pytest.mark.parametrize('message, category, test', [
    ('Network - Validate Network Communication: The test reported some warnings..', 'Network',
     'Validate Network Communication'),
    ('Hyper-V Configuration - Validate Hyper-V Role Installed: The test failed.', 'Hyper-V Configuration',
     'Validate Hyper-V Role Installed'),
    ('Something else went wrong', None, None),
])
def test_parse_test_record(message, category, test):
    assert plugin.parse_test_record(message) == {'category': category, 'test': test, 'message': message}


def _step(warnings=(), errors=()):
    batch = Batch('write').call('validate', 'Test-Cluster')
    return BatchResult.parse(batch, _test_cluster_answer(errors, warnings)['result'])['validate']


def test_outcome_from_the_records():
    assert plugin.parse_outcome(_step())['outcome'] == 'passed'
    assert plugin.parse_outcome(_step(['Test Result:\nClusterConditionallyApproved']))['outcome'] == \
        'passed_with_warnings'
    assert plugin.parse_outcome(_step(['Storage - List Disks: The test reported some warnings..']))['outcome'] == \
        'passed_with_warnings'
    failed = plugin.parse_outcome(_step(errors=[{'message': 'Network - Validate IP Configuration: The test failed.'}]))
    assert failed['outcome'] == 'failed' and failed['failed_tests'][0]['test'] == 'Validate IP Configuration'
