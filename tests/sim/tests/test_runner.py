"""The runner twin (hvsim/runner.py) speaks plugins/plugin_utils/runner.ps1's protocol and behaves like it.

Batches go through ``run_batch``, the entry point of the win_powershell twin. A static cross-check at the end makes
sure the strings the two runners must agree on (protocol version, messages, modes, statuses, result keys) appear in
both files, so that an edit of one without the other fails here.
"""

import json
import os
import re

import pytest

from hvsim import errors, runner
from hvsim.cmdlets import IMPLEMENTATIONS, load_all
from hvsim.psobject import PSObject
from hvsim.state import STATE_FILE, read_executions

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RUNNER_PS1 = os.path.join(REPO, 'plugins', 'plugin_utils', 'runner.ps1')
RUNNER_PY = runner.__file__.replace('.pyc', '.py')
BATCH_PY = os.path.join(REPO, 'plugins', 'plugin_utils', '_batch.py')

ERROR_KEYS = {'message', 'fully_qualified_error_id', 'category', 'target', 'exception_type'}


@pytest.fixture
def small(make_lab):
    """hvc1 = hv1..hv3, 3 VMs (instance-00000001 on hv1 clustered), no witness."""
    return make_lab(nodes=3, vms=3, clustered_vms=1)


def state_file(lab):
    return os.path.join(lab.dir, STATE_FILE)


def snapshot_file(path):
    info = os.stat(path)
    with open(path, 'rb') as handle:
        return info.st_ino, info.st_mtime_ns, handle.read()


# --- result shape -------------------------------------------------------------------------------------------------

def test_result_shape(small, sim):
    outcome = sim.run(small, 'hv2', 'read', [sim.call('nodes', 'Get-ClusterNode', select=['Name', 'State'])])
    assert outcome['failed'] is False and outcome['unreachable'] is False and outcome['changed'] is False
    result = outcome['result']
    assert set(result) == {'protocol', 'computer_name', 'calls'}
    assert result['protocol'] == 1
    assert result['computer_name'] == 'HV2'   # $env:COMPUTERNAME
    (step,) = result['calls']
    assert set(step) == {'id', 'op', 'cmdlet', 'status', 'output', 'errors', 'warnings', 'elapsed_ms'}
    assert step['op'] == 'call' and step['cmdlet'] == 'Get-ClusterNode' and step['status'] == 'ok'
    assert step['warnings'] == []
    assert isinstance(step['elapsed_ms'], int)
    assert step['output'] == [{'Name': 'hv1', 'State': 'Up'}, {'Name': 'hv2', 'State': 'Up'},
                              {'Name': 'hv3', 'State': 'Up'}]


def test_error_records_have_the_runner_keys(small, sim):
    step = sim.one(small, 'hv1', 'Get-ClusterGroup', {'Name': 'nope'})
    assert step['status'] == 'error'
    assert [set(error) for error in step['errors']] == [ERROR_KEYS]


# --- read and write batches ---------------------------------------------------------------------------------------

def test_read_batch_runs_every_step(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}, ['Name']),
        sim.call('bad', 'Get-VM', {'Bogus': 1}),
        sim.call('nodes', 'Get-ClusterNode', select=['Name']),
    ])
    steps = sim.steps(outcome)
    assert [steps[i]['status'] for i in ('missing', 'bad', 'nodes')] == ['error', 'error', 'ok']
    assert len(steps['nodes']['output']) == 3


def test_write_batch_stops_at_the_first_error(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('first', 'Get-ClusterNode', select=['Name']),
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}),
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}),
        sim.assign('prio', 'first', {'Priority': 3000}),
    ])
    steps = sim.steps(outcome)
    assert [steps[i]['status'] for i in ('first', 'missing', 'add', 'prio')] == ['ok', 'error', 'skipped', 'skipped']
    assert steps['add'] == {'id': 'add', 'op': 'call', 'cmdlet': 'Add-ClusterVirtualMachineRole', 'status': 'skipped',
                            'output': [], 'errors': [], 'warnings': [], 'elapsed_ms': 0}
    assert 'cmdlet' not in steps['prio']
    assert 'instance-00000002' not in small.show()['clusters']['hvc1']['groups']


def test_write_batch_keeps_what_earlier_steps_did(small, sim):
    # A failing step does not undo the ones before it: Windows has no transactions.
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}),
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}),
    ])
    assert [step['status'] for step in sim.steps(outcome).values()] == ['ok', 'error']
    assert 'instance-00000002' in small.show()['clusters']['hvc1']['groups']


def test_write_batch_in_check_mode_is_refused(small, sim):
    path = state_file(small)
    before = snapshot_file(path)[2]
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'})], check=True)
    assert outcome['failed'] is True and outcome['unreachable'] is False
    assert outcome['msg'] == 'A write batch was sent in check mode; refusing to run it.'
    assert outcome['result'] == {}
    (error,) = outcome['error']
    assert error['message'] == error['fully_qualified_error_id'] == outcome['msg']
    assert error['category'] == 'OperationStopped'
    assert snapshot_file(path)[2] == before


def test_read_batch_in_check_mode_runs(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [sim.call('c', 'Get-Cluster', select=['Name'])], check=True)
    assert sim.steps(outcome)['c']['output'] == [{'Name': 'hvc1'}]


def test_property_assignment_in_a_read_batch_is_a_step_error(small, sim):
    # runner.ps1 throws inside the step's try/catch: the step reports the error, the read batch goes on.
    outcome = sim.run(small, 'hv1', 'read', [
        sim.call('group', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
        sim.assign('prio', 'group', {'Priority': 3000}),
        sim.call('after', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, ['Priority']),
    ])
    steps = sim.steps(outcome)
    assert steps['prio']['status'] == 'error'
    assert [error['message'] for error in steps['prio']['errors']] == ['Property assignments belong in a write batch.']
    assert steps['after']['status'] == 'ok' and steps['after']['output'] == [{'Priority': 2000}]
    assert small.show()['clusters']['hvc1']['groups']['instance-00000001']['priority'] == 2000


def test_property_assignment_in_a_write_batch_commits(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('group', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
        sim.assign('prio', 'group', {'Priority': 3000}),
    ])
    steps = sim.steps(outcome)
    assert steps['prio']['status'] == 'ok'
    assert steps['prio']['output'] == ['instance-00000001']   # the assigned objects, by their string form
    assert small.show()['clusters']['hvc1']['groups']['instance-00000001']['priority'] == 3000


# --- references ---------------------------------------------------------------------------------------------------

def test_reference_with_property_passes_that_property_of_each_object(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [
        sim.call('nodes', 'Get-ClusterNode'),
        sim.call('vms', 'Get-VM', {'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}}, ['Name', 'ComputerName']),
    ])
    output = sim.steps(outcome)['vms']['output']
    assert sorted(row['ComputerName'] for row in output) == ['HV1', 'HV2', 'HV3']


def test_reference_without_property_passes_the_objects(small, sim):
    # A ClusterGroup bound to a String parameter becomes its string form, the group name.
    outcome = sim.run(small, 'hv1', 'read', [
        sim.call('groups', 'Get-ClusterGroup', {'Name': 'instance-*'}),
        sim.call('again', 'Get-ClusterGroup', {'Name': {'__ref__': 'groups'}}, ['Name', 'GroupType']),
    ])
    assert sim.steps(outcome)['again']['output'] == [{'Name': 'instance-00000001', 'GroupType': 'VirtualMachine'}]


def test_reference_to_a_step_that_failed_holds_no_objects(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}),
    ])
    assert sim.steps(outcome)['missing']['status'] == 'error'
    outcome = sim.run(small, 'hv1', 'read', [
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}),
        sim.call('again', 'Get-ClusterGroup', {'Name': {'__ref__': 'missing', 'property': 'Name'}}, ['Name']),
    ])
    steps = sim.steps(outcome)
    # Nothing came out of the failed step, so nothing is passed on: the later call gets an empty list.
    assert steps['missing']['output'] == []
    assert steps['again']['status'] == 'ok'


@pytest.mark.parametrize('mode', ['read', 'write'])
def test_reference_to_an_unknown_step_is_a_step_error(small, sim, mode):
    outcome = sim.run(small, 'hv1', mode, [
        sim.call('vms', 'Get-VM', {'ComputerName': {'__ref__': 'later', 'property': 'Name'}}),
        sim.call('later', 'Get-ClusterNode', select=['Name']),
    ])
    steps = sim.steps(outcome)
    assert steps['vms']['status'] == 'error'
    (error,) = steps['vms']['errors']
    assert error['message'] == "Reference to unknown call 'later'."
    assert error['category'] == 'OperationStopped'
    assert error['exception_type'] == 'System.Management.Automation.RuntimeException'
    # `throw "text"` gives an ErrorRecord whose FullyQualifiedErrorId and TargetObject are the text.
    assert error['fully_qualified_error_id'] == error['message'] == error['target']
    assert steps['later']['status'] == ('ok' if mode == 'read' else 'skipped')


def test_set_of_an_unknown_target_is_a_step_error(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [sim.assign('prio', 'nothing', {'Priority': 3000})])
    step = sim.steps(outcome)['prio']
    assert step['status'] == 'error'
    assert [error['message'] for error in step['errors']] == ["Reference to unknown call 'nothing'."]


def test_object_parameter_that_is_no_reference_is_a_step_error(small, sim):
    step = sim.one(small, 'hv1', 'Get-VM', {'Name': {'name': 'vm1'}})
    assert [error['message'] for error in step['errors']] == [
        'Parameter values must be plain data or references; got an object.']


def test_unknown_operation_is_a_step_error(small, sim):
    calls = [{'op': 'eval', 'id': 'x', 'script': 'Remove-Item C:\\'}, sim.call('c', 'Get-Cluster', select=['Name'])]
    outcome = sim.run(small, 'hv1', 'read', calls)
    steps = sim.steps(outcome)
    assert [error['message'] for error in steps['x']['errors']] == ["Unknown operation 'eval'."]
    assert 'cmdlet' not in steps['x']
    assert steps['c']['status'] == 'ok'


# --- select and conversions ---------------------------------------------------------------------------------------

def test_select_follows_dotted_paths_through_collections(small, sim):
    step = sim.one(small, 'hv1', 'Get-ClusterSharedVolume', {'Name': 'Cluster Disk 1'},
                   ['Name', 'SharedVolumeInfo.FriendlyVolumeName', 'SharedVolumeInfo.Partition.FreeSpace',
                    'SharedVolumeInfo.Partition.Size'])
    (row,) = step['output']
    assert row['Name'] == 'Cluster Disk 1'
    assert row['SharedVolumeInfo.FriendlyVolumeName'] == ['C:\\ClusterStorage\\Volume1']
    free, size = row['SharedVolumeInfo.Partition.FreeSpace'], row['SharedVolumeInfo.Partition.Size']
    assert isinstance(free, list) and len(free) == 1 and isinstance(free[0], int)
    assert 0 < free[0] < size[0]


def test_select_of_a_missing_property_is_null(small, sim):
    step = sim.one(small, 'hv1', 'Get-Cluster', select=['Name', 'NoSuchProperty', 'Name.Length.Nothing'])
    assert step['output'] == [{'Name': 'hvc1', 'NoSuchProperty': None, 'Name.Length.Nothing': None}]


def test_objects_are_converted_to_their_string_form(small, sim):
    step = sim.one(small, 'hv1', 'Get-ClusterGroup', {'Name': 'instance-00000001'},
                   ['OwnerNode', 'State', 'GroupType', 'Priority', 'IsCoreGroup'])
    assert step['output'] == [{'OwnerNode': 'hv1', 'State': 'Online', 'GroupType': 'VirtualMachine',
                               'Priority': 2000, 'IsCoreGroup': False}]


def test_object_properties_can_be_followed(small, sim):
    # OwnerNode is a ClusterNode object (windows.md 3.2), not a string: its properties can be selected.
    step = sim.one(small, 'hv1', 'Get-ClusterGroup', {'Name': 'instance-00000001'},
                   ['OwnerNode.Name', 'OwnerNode.State'])
    assert step['output'] == [{'OwnerNode.Name': 'hv1', 'OwnerNode.State': 'Up'}]


def test_resource_type_object_is_converted_to_its_name(small, sim):
    with sim.edit(small) as state:
        state.clusters['hvc1']['quorum']['witness'] = {'kind': 'file_share', 'share_path': '\\\\fs01\\witness\\hvc1'}
    step = sim.one(small, 'hv1', 'Get-ClusterQuorum',
                   select=['QuorumResource', 'QuorumResource.ResourceType', 'QuorumResource.ResourceType.DisplayName'])
    assert step['output'] == [{'QuorumResource': 'File Share Witness',
                               'QuorumResource.ResourceType': 'File Share Witness',
                               'QuorumResource.ResourceType.DisplayName': 'File Share Quorum Witness'}]


def test_without_select_objects_are_converted_whole(small, sim):
    step = sim.one(small, 'hv1', 'Get-ClusterNode')
    assert step['output'] == ['hv1', 'hv2', 'hv3']


# --- warning records ----------------------------------------------------------------------------------------------

@pytest.fixture
def warning_cmdlet(monkeypatch):
    """Get-Cluster replaced by a cmdlet that writes two warnings, then returns an object or throws (``fail``)."""
    load_all()
    behaviour = {'fail': False}

    def get_cluster(ctx, **_bound):
        ctx.write_warning('Network - Validate Network Communication: The test reported some warnings..')
        ctx.write_warning('Test Result:\nClusterConditionallyApproved')
        if behaviour['fail']:
            raise errors.cluster_error('Get-Cluster', 'It broke after warning.')
        return [PSObject('Cluster', {'Name': 'hvc1'})]

    monkeypatch.setitem(IMPLEMENTATIONS, 'Get-Cluster', get_cluster)
    return behaviour


WARNINGS = ['Network - Validate Network Communication: The test reported some warnings..',
            'Test Result:\nClusterConditionallyApproved']


def test_warnings_are_returned_in_order_with_the_output(small, sim, warning_cmdlet):
    step = sim.one(small, 'hv1', 'Get-Cluster', select=['Name'])
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'hvc1'}]
    assert step['warnings'] == WARNINGS
    assert step['errors'] == []


def test_warnings_written_before_a_terminating_error_are_kept(small, sim, warning_cmdlet):
    warning_cmdlet['fail'] = True
    step = sim.one(small, 'hv1', 'Get-Cluster', select=['Name'])
    assert step['status'] == 'error'
    assert [error['message'] for error in step['errors']] == ['It broke after warning.']
    assert step['warnings'] == WARNINGS


def test_a_warning_does_not_stop_a_write_batch(small, sim, warning_cmdlet):
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('c', 'Get-Cluster', select=['Name']),
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}, ['Name']),
    ])
    steps = sim.steps(outcome)
    assert steps['c']['warnings'] == WARNINGS
    assert steps['add']['status'] == 'ok' and steps['add']['warnings'] == []
    assert 'instance-00000002' in small.show()['clusters']['hvc1']['groups']


def test_steps_without_warnings_and_skipped_steps_have_none(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('missing', 'Get-ClusterGroup', {'Name': 'nope'}),
        sim.call('nodes', 'Get-ClusterNode', select=['Name']),
    ])
    steps = sim.steps(outcome)
    assert steps['missing']['status'] == 'error' and steps['missing']['warnings'] == []
    assert steps['nodes']['status'] == 'skipped' and steps['nodes']['warnings'] == []


# --- cim steps ----------------------------------------------------------------------------------------------------

def cim(step_id, class_name, select=None):
    return {'op': 'cim', 'id': step_id, 'class': class_name, 'select': select}


def test_cim_step_reads_the_class_of_the_node(small, sim):
    outcome = sim.run(small, 'hv2', 'read', [
        cim('cs', 'Win32_ComputerSystem', ['Name', 'Domain', 'PartOfDomain', 'HypervisorPresent']),
        cim('cpu', 'Win32_Processor', ['DeviceID', 'SecondLevelAddressTranslationExtensions']),
        cim('os', 'Win32_OperatingSystem', ['Caption', 'BuildNumber']),
    ])
    steps = sim.steps(outcome)
    assert set(steps['cs']) == {'id', 'op', 'status', 'output', 'errors', 'warnings', 'elapsed_ms'}
    assert steps['cs']['op'] == 'cim' and steps['cs']['status'] == 'ok'
    assert steps['cs']['output'] == [{'Name': 'HV2', 'Domain': 'corp.example.com', 'PartOfDomain': True,
                                      'HypervisorPresent': True}]
    assert [row['DeviceID'] for row in steps['cpu']['output']] == ['CPU0', 'CPU1']
    assert steps['os']['output'] == [{'Caption': 'Microsoft Windows Server 2022 Datacenter', 'BuildNumber': '20348'}]
    # A cim step is no cmdlet call: the execution log lists none.
    assert read_executions(small.dir) == [{'node': 'hv2', 'mode': 'read', 'cmdlets': []}]


def test_cim_class_names_are_case_insensitive(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [cim('cs', 'WIN32_computersystem', ['Name'])])
    assert sim.steps(outcome)['cs']['output'] == [{'Name': 'HV1'}]


def test_cim_without_select_gives_class_and_key(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [cim('cpu', 'Win32_Processor'), cim('cs', 'Win32_ComputerSystem')])
    steps = sim.steps(outcome)
    assert steps['cpu']['output'] == ['Win32_Processor (DeviceID = "CPU0")', 'Win32_Processor (DeviceID = "CPU1")']
    assert steps['cs']['output'] == ['Win32_ComputerSystem (Name = "HV1")']


@pytest.mark.parametrize('class_name', ['Win32_Service', 'MSCluster_Disk', 'Win32_Processor; Remove-Item C:\\',
                                        'Win32_Processor ', '', None])
def test_cim_class_outside_the_allowlist_is_a_step_error(small, sim, class_name):
    outcome = sim.run(small, 'hv1', 'read', [cim('x', class_name, ['Name']), sim.call('c', 'Get-Cluster', select=['Name'])])
    steps = sim.steps(outcome)
    assert steps['x']['status'] == 'error' and steps['x']['output'] == []
    (error,) = steps['x']['errors']
    assert error['message'] == ("CIM class '%s' is not one the runner reads (Win32_Processor, Win32_OperatingSystem, "
                                "Win32_ComputerSystem)." % (class_name or ''))
    assert error['fully_qualified_error_id'] == error['message'] == error['target']
    assert error['category'] == 'OperationStopped'
    assert steps['c']['status'] == 'ok'


def test_cim_step_in_a_write_batch_runs_and_the_batch_goes_on(small, sim):
    outcome = sim.run(small, 'hv1', 'write', [
        cim('cs', 'Win32_ComputerSystem', ['HypervisorPresent']),
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}, ['Name']),
    ])
    steps = sim.steps(outcome)
    assert steps['cs']['status'] == 'ok' and steps['cs']['output'] == [{'HypervisorPresent': True}]
    assert steps['add']['status'] == 'ok'
    assert 'instance-00000002' in small.show()['clusters']['hvc1']['groups']


def test_refused_cim_class_stops_a_write_batch(small, sim):
    path = state_file(small)
    before = snapshot_file(path)[2]
    outcome = sim.run(small, 'hv1', 'write', [
        cim('x', 'Win32_Service', ['Name']),
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}),
    ])
    steps = sim.steps(outcome)
    assert [steps[i]['status'] for i in ('x', 'add')] == ['error', 'skipped']
    assert 'instance-00000002' not in small.show()['clusters']['hvc1']['groups']
    assert json.loads(snapshot_file(path)[2])['clusters'] == json.loads(before)['clusters']


def test_cim_step_runs_in_check_mode(small, sim):
    outcome = sim.run(small, 'hv1', 'read', [cim('os', 'Win32_OperatingSystem', ['Version'])], check=True)
    assert sim.steps(outcome)['os']['output'] == [{'Version': '10.0.20348'}]


# --- cmdlet resolution --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name', ['Get-VM; Remove-Item C:\\', 'Get-VM | Stop-VM', '& Get-VM', 'GetVM', ''])
def test_cmdlet_names_are_validated(small, sim, name):
    step = sim.one(small, 'hv1', name)
    assert step['status'] == 'error'
    (error,) = step['errors']
    assert error['message'] == "'%s' is not a cmdlet name." % name
    assert error['fully_qualified_error_id'] == error['message']
    assert error['category'] == 'OperationStopped'


@pytest.mark.parametrize('preset, cmdlet', [('bare', 'Get-Cluster'), ('bare', 'Get-VM'),
                                            ('clustered', 'Get-NotACmdlet')])
def test_command_not_found(make_lab, sim, preset, cmdlet):
    bare = make_lab(nodes=1, preset=preset)
    step = sim.one(bare, 'hv1', cmdlet)
    (error,) = step['errors']
    # The runner resolves the name with Get-Command -ErrorAction Stop, so the error is Get-Command's.
    assert error['fully_qualified_error_id'] == (
        'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand')
    assert error['category'] == 'ObjectNotFound'
    assert error['target'] == cmdlet
    assert error['message'].startswith("The term '%s' is not recognized as the name of a cmdlet" % cmdlet)


def test_cmdlets_exist_once_their_feature_is_installed(make_lab, sim):
    bare = make_lab(nodes=1, preset='bare')
    with sim.edit(bare) as state:
        state.nodes['hv1']['features']['RSAT-Clustering-PowerShell']['installed'] = True
    step = sim.one(bare, 'hv1', 'Get-Cluster')
    assert step['errors'][0]['fully_qualified_error_id'] == (
        'ClusterRpcConnection,Microsoft.FailoverClusters.PowerShell.GetClusterCommand')


# --- failures of the runner as a whole ----------------------------------------------------------------------------

@pytest.mark.parametrize('protocol', [0, 2, None])
def test_protocol_mismatch_fails_the_runner(small, sim, protocol):
    outcome = sim.run(small, 'hv1', 'read', [sim.call('c', 'Get-Cluster')], protocol=protocol)
    assert outcome['failed'] is True and outcome['result'] == {}
    assert outcome['msg'] == 'hyperv.cluster runner speaks protocol 1 but the batch uses protocol %s.' % protocol


@pytest.mark.parametrize('mode', ['readwrite', None, ''])
def test_unknown_mode_fails_the_runner(small, sim, mode):
    outcome = sim.run(small, 'hv1', mode, [])
    assert outcome['failed'] is True and outcome['msg'] == "Batch mode must be 'read' or 'write'."


@pytest.mark.parametrize('parameters', [{}, {'BatchJson': '{}', 'Extra': 1}, {'batch': '{}'}])
def test_parameters_other_than_batch_json_are_refused(small, parameters):
    outcome = runner.run_batch(small.dir, 'hv1', parameters, False)
    assert outcome['failed'] is True and outcome['unreachable'] is False
    assert 'BatchJson' in outcome['msg']
    assert read_executions(small.dir) == []


def test_invalid_json_fails_the_runner(small):
    outcome = runner.run_batch(small.dir, 'hv1', {'BatchJson': '{"protocol": 1,'}, False)
    assert outcome['failed'] is True and outcome['msg'].startswith('Invalid JSON primitive')
    assert outcome['error'][0]['fully_qualified_error_id'] == (
        'System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand')


def test_powered_off_node_is_unreachable(small, sim):
    with sim.edit(small) as state:
        state.nodes['hv3']['power'] = 'off'
    for mode in ('read', 'write'):
        outcome = sim.run(small, 'hv3', mode, [sim.call('c', 'Get-Cluster')])
        assert outcome['failed'] is True and outcome['unreachable'] is True
        assert 'hv3.corp.example.com' in outcome['msg']
    assert read_executions(small.dir) == []


def test_unknown_node_fails(small, sim):
    outcome = sim.run(small, 'hv9', 'read', [])
    assert outcome['failed'] is True and outcome['unreachable'] is False and 'hv9' in outcome['msg']


def test_node_name_is_case_insensitive(small, sim):
    outcome = sim.run(small, 'HV2', 'read', [sim.call('c', 'Get-Cluster', select=['Name'])])
    assert outcome['result']['computer_name'] == 'HV2'


# --- persistence and accounting -----------------------------------------------------------------------------------

def test_read_batches_never_rewrite_the_state(small, sim):
    path = state_file(small)
    before = snapshot_file(path)
    outcome = sim.run(small, 'hv1', 'read', [sim.call('g', 'Get-ClusterGroup'), sim.call('v', 'Get-VM'),
                                             sim.call('bad', 'Get-VM', {'Nope': 1})])
    assert outcome['failed'] is False
    assert snapshot_file(path) == before


def test_write_batches_save_the_state(small, sim):
    path = state_file(small)
    before = snapshot_file(path)
    outcome = sim.run(small, 'hv1', 'write', [
        sim.call('add', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'})])
    assert sim.steps(outcome)['add']['status'] == 'ok'
    after = snapshot_file(path)
    assert after[2] != before[2]
    assert 'instance-00000002' in json.loads(after[2])['clusters']['hvc1']['groups']


def test_every_execution_is_logged_once(small, sim):
    sim.run(small, 'hv1', 'read', [sim.call('a', 'Get-Cluster'), sim.call('b', 'Get-ClusterNode')])
    sim.run(small, 'hv2', 'write', [sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
                                    sim.assign('p', 'g', {'Priority': 1000})])
    sim.run(small, 'hv3', 'read', [])
    assert read_executions(small.dir) == [
        {'node': 'hv1', 'mode': 'read', 'cmdlets': ['Get-Cluster', 'Get-ClusterNode']},
        {'node': 'hv2', 'mode': 'write', 'cmdlets': ['Get-ClusterGroup']},
        {'node': 'hv3', 'mode': 'read', 'cmdlets': []},
    ]
    assert small.execution_counts() == {'hv1': {'total': 1, 'read': 1, 'write': 0},
                                        'hv2': {'total': 1, 'read': 0, 'write': 1},
                                        'hv3': {'total': 1, 'read': 1, 'write': 0}}


# --- static cross-check with runner.ps1 ---------------------------------------------------------------------------

def _read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


_PS_INTERPOLATION = re.compile(r'\$\((?:[^()]|\([^()]*\))*\)|\$\w+')


def _ps_thrown_messages(text):
    return [match.group(2) for match in re.finditer(r"""throw\s+(["'])(.*?)\1""", text)]


def _ps_hashtable_keys(text, start):
    """Keys of the first @{ ... } literal after ``start`` (one level, keys at the start of a line or after ';')."""
    index = text.index(start)
    body = text[text.index('@{', index) + 2:]
    depth, end = 1, 0
    for end, char in enumerate(body):
        depth += {'{': 1, '}': -1}.get(char, 0)
        if depth == 0:
            break
    body = body[:end]
    return set(re.findall(r'(?:^|[;{\n])\s*([A-Za-z_]+)\s*=', body))


def test_runner_ps1_messages_are_in_the_twin():
    ps1, twin = _read(RUNNER_PS1), _read(RUNNER_PY)
    messages = _ps_thrown_messages(ps1)
    assert len(messages) >= 7, messages
    for message in messages:
        for fragment in _PS_INTERPOLATION.split(message):
            if len(fragment.strip()) > 2:
                assert fragment in twin, 'runner.ps1 message fragment %r is not in hvsim/runner.py' % fragment


@pytest.mark.parametrize('text', [
    'Property assignments belong in a write batch.',
    'A write batch was sent in check mode; refusing to run it.',
    "Batch mode must be 'read' or 'write'.",
    'Parameter values must be plain data or references; got an object.',
    "is not a cmdlet name.",
    '^[A-Za-z]+-[A-Za-z0-9]+$',
])
def test_shared_texts_appear_in_both_runners(text):
    assert text in _read(RUNNER_PS1)
    assert text in _read(RUNNER_PY)


def test_protocol_version_agrees():
    ps1 = re.search(r'^\$runnerVersion\s*=\s*(\d+)\s*$', _read(RUNNER_PS1), re.M)
    twin = re.search(r'^PROTOCOL\s*=\s*(\d+)\s*$', _read(RUNNER_PY), re.M)
    product = re.search(r'^PROTOCOL\s*=\s*(\d+)\s*$', _read(BATCH_PY), re.M)
    assert ps1 and twin and product
    assert int(ps1.group(1)) == int(twin.group(1)) == int(product.group(1)) == runner.PROTOCOL


def test_modes_and_statuses_agree():
    ps1, twin = _read(RUNNER_PS1), _read(RUNNER_PY)
    assert re.search(r"-notin @\('read', 'write'\)", ps1)
    assert "('read', 'write')" in twin
    for status in ('ok', 'error', 'skipped'):
        assert "'%s'" % status in ps1 and "'%s'" % status in twin, status


def test_result_and_step_and_error_keys_agree():
    ps1, twin = _read(RUNNER_PS1), _read(RUNNER_PY)
    assert _ps_hashtable_keys(ps1, '$Ansible.Result') == {'protocol', 'computer_name', 'calls'}
    assert _ps_hashtable_keys(ps1, '$entry = ') == {'id', 'op', 'status', 'output', 'errors', 'warnings',
                                                    'elapsed_ms'}
    assert '$entry.cmdlet = $step.cmdlet' in ps1
    assert _ps_hashtable_keys(ps1, 'Function ConvertTo-ErrorData') == ERROR_KEYS
    for key in ('protocol', 'computer_name', 'calls', 'id', 'op', 'cmdlet', 'status', 'output', 'errors',
                'warnings', 'elapsed_ms'):
        assert "'%s'" % key in twin, key
    errors_py = _read(os.path.join(os.path.dirname(RUNNER_PY), 'errors.py'))
    for key in ERROR_KEYS:
        assert "'%s'" % key in errors_py, key


def test_cim_allowlist_agrees():
    ps1 = re.search(r'^\$readableCimClasses\s*=\s*@\(([^)]*)\)', _read(RUNNER_PS1), re.M)
    assert ps1
    listed = tuple(re.findall(r"'([A-Za-z0-9_]+)'", ps1.group(1)))
    product = re.search(r'^CIM_CLASSES\s*=\s*\(([^)]*)\)', _read(BATCH_PY), re.M)
    assert listed == runner.CIM_CLASSES == tuple(re.findall(r"'([A-Za-z0-9_]+)'", product.group(1)))
    assert listed == ('Win32_Processor', 'Win32_OperatingSystem', 'Win32_ComputerSystem')
    # The class given to Get-CimInstance is the allowlist's string, in the one namespace.
    assert "-Namespace 'root/cimv2' -ClassName $cimClass" in _read(RUNNER_PS1)


def test_both_runners_collect_warnings():
    ps1 = _read(RUNNER_PS1)
    assert "$arguments['WarningAction'] = 'SilentlyContinue'" in ps1
    assert "$arguments['WarningVariable'] = 'commandWarnings'" in ps1
    assert '-WarningAction SilentlyContinue -WarningVariable commandWarnings' in ps1
    assert '$entry.warnings = $callWarnings' in ps1
    assert "entry['warnings'] = list(step_warnings)" in _read(RUNNER_PY)
