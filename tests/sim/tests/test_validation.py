"""Test-Cluster on the simulator (hvsim/cmdlets/validation.py): outcomes seeded from the lab, the report file, the
fault; the contract is CLUSTERING.md ("Validation")."""

import json
import os

import pytest

from hvsim import software
from hvsim.cmdlets.validation import TESTS
from hvsim.state import STATE_FILE

REPORT = 'C:\\Windows\\Cluster\\Reports\\hyperv-cluster-validation-test'
REPORT_FILE = REPORT + '.htm'


@pytest.fixture
def prepared(make_lab):
    """hv1..hv3 prepared (domain-joined, features, 5 shared disks seen by all), no cluster."""
    return make_lab(nodes=3, preset='prepared')


def validate(sim, lab, nodes=('hv1', 'hv2', 'hv3'), node='hv1', **parameters):
    parameters = dict({'Node': list(nodes), 'ReportName': REPORT}, **parameters)
    outcome = sim.run(lab, node, 'write', [sim.call('test', 'Test-Cluster', parameters,
                                                    ['FullName', 'Name', 'Length'])])
    return sim.steps(outcome)['test']


def result_record(step):
    results = [warning for warning in step['warnings'] if warning.startswith('Test Result:')]
    assert len(results) <= 1
    return results[0] if results else None


def flags(step):
    record = result_record(step)
    return record.split('\n')[1].split(', ') if record else []


def failed_tests(step):
    return [error['message'].split(': The test failed.')[0] for error in step['errors']]


def report_text(lab, node='hv1', path=REPORT_FILE):
    with sim_state(lab) as state:
        entry = software.get_entry(state, node, path)
    return entry and entry.get('content')


def sim_state(lab):
    from hvsim.state import LabState  # pylint: disable=import-outside-toplevel
    return LabState.open(lab.dir, write=False)


def test_prepared_nodes_pass_and_the_report_is_written(prepared, sim):
    step = validate(sim, prepared)
    assert step['status'] == 'ok' and step['errors'] == []
    assert step['warnings'] == []          # nothing to report: no per-test warning, no Test Result record
    (report,) = step['output']
    assert report['FullName'] == REPORT_FILE          # Windows appends .htm to -ReportName
    assert report['Name'] == 'hyperv-cluster-validation-test.htm'
    text = report_text(prepared)
    assert report['Length'] == len(text.encode())
    for node in ('hv1', 'hv2', 'hv3'):
        assert node in text
    assert 'ClusterApproved' in text


def test_report_is_visible_with_lab_file(prepared, sim):
    validate(sim, prepared)
    shown = prepared.lab_cli('file', prepared.dir, 'hv1', REPORT_FILE, '--json')
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data['type'] == 'file' and 'Failover Cluster Validation Report' in data['content']


def test_different_os_builds_fail_system_configuration(prepared, sim):
    with sim.edit(prepared) as state:
        state.nodes['hv3']['os'].update(version='10.0.26100', build=26100)
    step = validate(sim, prepared)
    assert step['status'] == 'error' and step['output'], 'the report is still written'
    assert failed_tests(step) == ['System Configuration - Validate Operating System Version']
    assert 'hv3 10.0.26100 (build 26100)' in step['errors'][0]['message']
    assert step['errors'][0]['fully_qualified_error_id'] == (
        'ClusterValidationTestFailed,Microsoft.FailoverClusters.PowerShell.TestClusterCommand')
    assert flags(step) == ['ClusterNotApproved']
    assert result_record(step).endswith('Test report file path: %s' % REPORT_FILE)


def test_no_shared_disk_is_a_storage_warning(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    with sim.edit(lab) as state:
        for disk in state.data['shared_disks']:
            disk['nodes'] = ['hv1']
    step = validate(sim, lab, nodes=('hv1', 'hv2'))
    assert step['status'] == 'ok'
    assert step['warnings'][:2] == ['Storage - List Potential Cluster Disks: The test reported some warnings..',
                                    'Storage - Validate Disk Failover: The test reported some warnings..']
    assert flags(step) == ['ClusterConditionallyApproved']


@pytest.mark.parametrize('change, failed', [
    (lambda node: node.update(power='off'), 'Network - Validate Network Communication'),
    (lambda node: node.update(domain=None), 'System Configuration - Validate Active Directory Configuration'),
    (lambda node: node['features']['Failover-Clustering'].update(installed=False),
     'System Configuration - Validate Cluster Service and Driver Settings'),
    (lambda node: node['features']['Hyper-V'].update(installed=False),
     'Hyper-V Configuration - Validate Hyper-V Role Installed'),
    (lambda node: node['hardware'].update(cpu_vendor='AuthenticAMD'),
     'Hyper-V Configuration - Validate Matching Processor Manufacturers'),
])
def test_node_problems_fail_their_test(prepared, sim, change, failed):
    with sim.edit(prepared) as state:
        change(state.nodes['hv2'])
    step = validate(sim, prepared)
    assert failed in failed_tests(step)
    assert 'hv2' in ' '.join(error['message'] for error in step['errors'])
    assert 'ClusterNotApproved' in flags(step)


def test_unknown_computer_fails_like_an_unreachable_one(prepared, sim):
    step = validate(sim, prepared, nodes=('hv1', 'hv9'))
    assert failed_tests(step) == ['Network - Validate Network Communication']
    assert 'hv9' in step['errors'][0]['message']


def test_include_and_ignore_select_tests_and_flag_unselected(prepared, sim):
    with sim.edit(prepared) as state:
        state.nodes['hv3']['os'].update(build=17763, version='10.0.17763')
    step = validate(sim, prepared, Ignore=['System Configuration'])
    assert step['errors'] == [] and step['status'] == 'ok'
    assert flags(step) == ['HadUnselectedTests']
    step = validate(sim, prepared, Include=['validate operating system version'])
    assert failed_tests(step) == ['System Configuration - Validate Operating System Version']
    assert flags(step) == ['HadUnselectedTests', 'ClusterNotApproved']


def test_unknown_test_name_is_a_terminating_error_and_writes_nothing(prepared, sim):
    before = open(os.path.join(prepared.dir, STATE_FILE), encoding='utf-8').read()
    step = validate(sim, prepared, Include=['Storrage'])
    assert step['status'] == 'error' and step['output'] == []
    assert step['errors'][0]['message'].startswith("The test or category 'Storrage' was not found.")
    assert report_text(prepared) is None
    assert json.loads(open(os.path.join(prepared.dir, STATE_FILE), encoding='utf-8').read()) == json.loads(before)


def test_list_returns_cluster_test_info(prepared, sim):
    step = sim.one(prepared, 'hv1', 'Test-Cluster', {'List': True}, ['Category', 'DisplayName', 'Description'])
    assert [(row['Category'], row['DisplayName']) for row in step['output']] == [test[:2] for test in TESTS]
    step = sim.one(prepared, 'hv1', 'Test-Cluster', {'List': True, 'Include': ['Storage']}, ['DisplayName'])
    assert [row['DisplayName'] for row in step['output']] == ['List Potential Cluster Disks', 'Validate Disk Failover']


def test_a_clustered_node_brings_its_whole_cluster(make_lab, sim):
    lab = make_lab(nodes=3)
    step = validate(sim, lab, nodes=('hv1',))
    text = report_text(lab)
    for node in ('hv1', 'hv2', 'hv3'):
        assert node in text
    # The clustered preset has no shared disks left to test: storage warns.
    assert 'ClusterConditionallyApproved' in flags(step)


def test_report_directory_must_exist_unless_it_is_the_cluster_reports_folder(prepared, sim):
    step = validate(sim, prepared, ReportName='D:\\nowhere\\report')
    assert step['status'] == 'error' and step['output'] == []
    assert step['errors'][0]['message'] == "Could not find a part of the path 'D:\\nowhere\\report.htm'."
    assert step['errors'][0]['exception_type'] == 'System.IO.DirectoryNotFoundException'


def test_validation_fail_fault_fails_network_once(prepared, sim):
    shown = prepared.lab_cli('fault', prepared.dir, 'validation-fail', 'hv2')
    assert shown.returncode == 0, shown.stderr
    assert 'armed validation-fail on hv2' in shown.stdout
    assert prepared.show()['faults'] == [{'kind': 'validation-fail', 'node': 'hv2'}]
    # Not consumed while the Network tests are not run.
    validate(sim, prepared, Ignore=['Network'])
    assert prepared.show()['faults'] == [{'kind': 'validation-fail', 'node': 'hv2'}]
    step = validate(sim, prepared)
    assert failed_tests(step) == ['Network - Validate Network Communication']
    assert 'Node hv2 is not reachable' in step['errors'][0]['message']
    assert prepared.show()['faults'] == []
    assert validate(sim, prepared)['errors'] == []


def test_whatif_runs_nothing(prepared, sim):
    outcome = sim.run(prepared, 'hv1', 'read', [sim.call('test', 'Test-Cluster', {'Node': ['hv1', 'hv2'],
                                                                                  'ReportName': REPORT})], check=True)
    assert sim.steps(outcome)['test']['output'] == []
    assert report_text(prepared) is None


# --- the ansible.windows.slurp twin reads the report back --------------------------------------------------------

def _slurp(lab, node, src):
    import base64  # pylint: disable=import-outside-toplevel
    import importlib.util  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'collections',
                        'ansible_collections', 'ansible', 'windows', 'plugins', 'modules', 'slurp.py')
    spec = importlib.util.spec_from_file_location('twin_slurp', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.handle(types.SimpleNamespace(params={'src': src}), lab.dir, node)
    if 'content' in result:
        result['text'] = base64.b64decode(result['content']).decode('utf-8')
    return result


def test_slurp_twin_returns_the_report_and_the_real_messages(prepared, sim):
    validate(sim, prepared)
    before = open(os.path.join(prepared.dir, STATE_FILE), encoding='utf-8').read()
    result = _slurp(prepared, 'hv1', REPORT_FILE.upper())          # Windows paths are case-insensitive
    assert result['encoding'] == 'base64' and result['changed'] is False
    assert result['text'] == report_text(prepared)
    assert _slurp(prepared, 'hv2', REPORT_FILE) == {'changed': False, 'failed': True,
                                                    'msg': 'Path %s is not found' % REPORT_FILE}
    assert _slurp(prepared, 'hv1', 'C:\\Windows\\Cluster\\Reports')['msg'] == \
        'Path C:\\Windows\\Cluster\\Reports is a directory'
    assert open(os.path.join(prepared.dir, STATE_FILE), encoding='utf-8').read() == before
    with sim.edit(prepared) as state:
        state.nodes['hv1']['power'] = 'off'
    assert _slurp(prepared, 'hv1', REPORT_FILE)['unreachable'] is True
