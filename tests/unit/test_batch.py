"""plugin_utils/_batch.py: building batches, their JSON, and validating what the runner answers."""

import json

import pytest

from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import (
    CIM_CLASSES,
    PROTOCOL,
    Batch,
    BatchResult,
    ErrorRecord,
    StepResult,
    ref,
)


def _answer(batch, **overrides):
    """A well-formed runner result for ``batch``: every step ok with no output."""
    calls = []
    for step in batch.steps:
        entry = {'id': step['id'], 'op': step['op'], 'status': 'ok', 'output': [], 'errors': [], 'warnings': [],
                 'elapsed_ms': 1}
        if step['op'] == 'call':
            entry['cmdlet'] = step['cmdlet']
        entry.update(overrides.get(step['id'], {}))
        calls.append(entry)
    return {'protocol': PROTOCOL, 'computer_name': 'HV1', 'calls': calls}


# --- building ---------------------------------------------------------------------------------------------------

def test_protocol_is_1():
    assert PROTOCOL == 1


def test_to_json_is_sorted_compact_protocol_1():
    batch = Batch('read')
    batch.call('vm', 'Get-VM', {'Name': 'vm1', 'ComputerName': ref('nodes', 'Name')}, select=['Name', 'Id'])
    text = batch.to_json()
    assert text == (
        '{"calls":[{"cmdlet":"Get-VM","id":"vm","op":"call",'
        '"parameters":{"ComputerName":{"__ref__":"nodes","property":"Name"},"Name":"vm1"},'
        '"select":["Name","Id"]}],"mode":"read","protocol":1}')
    assert ' ' not in text
    assert json.loads(text)['protocol'] == 1


def test_to_json_is_the_same_for_the_same_batch_whatever_the_dict_order():
    first = Batch('read').call('a', 'Get-VM', {'Name': 'x', 'ComputerName': 'hv1'})
    second = Batch('read').call('a', 'Get-VM', {'ComputerName': 'hv1', 'Name': 'x'})
    assert first.to_json() == second.to_json()


def test_to_json_escapes_data_as_json():
    name = 'a"b\\c\n\x00\u202e\U0001F600'
    batch = Batch('read').call('vm', 'Get-VM', {'Name': name})
    assert json.loads(batch.to_json())['calls'][0]['parameters']['Name'] == name


def test_call_steps_keep_order_and_copy_their_inputs():
    parameters = {'Name': 'vm1'}
    select = ['Name']
    batch = Batch('read')
    assert batch.call('one', 'Get-Cluster') is batch
    batch.call('two', 'Get-VM', parameters, select=select)
    parameters['Name'] = 'changed'
    select.append('Id')
    assert batch.ids == ['one', 'two']
    assert batch.cmdlets == ['Get-Cluster', 'Get-VM']
    assert len(batch) == 2
    assert batch.steps[0] == {'op': 'call', 'id': 'one', 'cmdlet': 'Get-Cluster', 'parameters': {}, 'select': None}
    assert batch.steps[1]['parameters'] == {'Name': 'vm1'}
    assert batch.steps[1]['select'] == ['Name']


def test_empty_select_is_kept_distinct_from_no_select():
    batch = Batch('read').call('a', 'Get-Cluster', select=[])
    assert batch.steps[0]['select'] == []


@pytest.mark.parametrize('mode', ['READ', 'rw', '', None])
def test_mode_must_be_read_or_write(mode):
    with pytest.raises(ValueError, match="mode must be 'read' or 'write'"):
        Batch(mode)


def test_duplicate_ids_are_refused():
    batch = Batch('write').call('group', 'Get-ClusterGroup', {'Name': 'vm1'})
    with pytest.raises(ValueError, match="duplicate step id 'group'"):
        batch.call('group', 'Get-ClusterGroup', {'Name': 'vm2'})
    with pytest.raises(ValueError, match="duplicate step id 'group'"):
        batch.set('group', 'group', {'Priority': 3000})
    assert batch.ids == ['group']


def test_set_only_in_write_batches():
    batch = Batch('read').call('group', 'Get-ClusterGroup', {'Name': 'vm1'})
    with pytest.raises(ValueError, match='write batch'):
        batch.set('priority', 'group', {'Priority': 3000})
    assert batch.ids == ['group']


def test_set_only_on_earlier_steps():
    batch = Batch('write')
    with pytest.raises(ValueError, match="set target 'group' is not an earlier step"):
        batch.set('priority', 'group', {'Priority': 3000})
    batch.call('group', 'Get-ClusterGroup', {'Name': 'vm1'})
    properties = {'Priority': 3000}
    batch.set('priority', 'group', properties)
    properties['Priority'] = 0
    assert batch.steps[-1] == {'op': 'set', 'id': 'priority', 'target': 'group', 'properties': {'Priority': 3000},
                               'select': None}
    # A set step is not a cmdlet.
    assert batch.cmdlets == ['Get-ClusterGroup']
    # A set step is itself an earlier step another set can target.
    batch.set('again', 'priority', {'Priority': 1000})
    assert batch.ids == ['group', 'priority', 'again']


@pytest.mark.parametrize('mode', ['read', 'write'])
def test_cim_steps_in_both_modes(mode):
    select = ['Name', 'HypervisorPresent']
    batch = Batch(mode).cim('cs', 'Win32_ComputerSystem', select)
    select.append('Domain')
    assert batch.steps == [{'op': 'cim', 'id': 'cs', 'class': 'Win32_ComputerSystem',
                            'select': ['Name', 'HypervisorPresent']}]
    # A cim step is not a cmdlet of the reference.
    assert batch.cmdlets == []
    assert json.loads(batch.to_json())['calls'][0]['class'] == 'Win32_ComputerSystem'


def test_cim_classes_are_the_runner_allowlist():
    assert CIM_CLASSES == ('Win32_Processor', 'Win32_OperatingSystem', 'Win32_ComputerSystem')


@pytest.mark.parametrize('class_name', ['Win32_Service', 'win32_processor', 'MSCluster_Disk', '', None])
def test_cim_class_outside_the_allowlist_is_refused(class_name):
    batch = Batch('read')
    with pytest.raises(ValueError, match="is not one the runner reads"):
        batch.cim('x', class_name, ['Name'])
    assert batch.steps == []


@pytest.mark.parametrize('select', [None, []])
def test_cim_step_needs_a_select(select):
    with pytest.raises(ValueError, match='needs the properties'):
        Batch('read').cim('cpu', 'Win32_Processor', select)


def test_cim_ids_are_unique_with_the_other_steps():
    batch = Batch('read').call('cpu', 'Get-VMHost')
    with pytest.raises(ValueError, match="duplicate step id 'cpu'"):
        batch.cim('cpu', 'Win32_Processor', ['Name'])


def test_ref():
    assert ref('nodes') == {'__ref__': 'nodes'}
    assert ref('nodes', 'Name') == {'__ref__': 'nodes', 'property': 'Name'}


# --- parsing ----------------------------------------------------------------------------------------------------

def _read_batch():
    return Batch('read').call('cluster', 'Get-Cluster').call('vm', 'Get-VM', {'Name': 'vm1'})


@pytest.mark.parametrize('result', [
    None, [], 'text', {}, {'protocol': 2, 'calls': []}, {'protocol': '1', 'calls': []}, {'calls': []},
])
def test_parse_rejects_results_without_protocol_1(result):
    with pytest.raises(ValueError, match='no protocol 1 result'):
        BatchResult.parse(_read_batch(), result)


@pytest.mark.parametrize('calls', [None, {}, 'calls'])
def test_parse_rejects_results_without_a_list_of_calls(calls):
    with pytest.raises(ValueError, match='no list of calls'):
        BatchResult.parse(_read_batch(), {'protocol': 1, 'calls': calls})


def test_parse_rejects_steps_with_other_ids():
    batch = _read_batch()
    result = _answer(batch)
    result['calls'][1]['id'] = 'other'
    with pytest.raises(ValueError, match="answered step .* where 'vm' was sent"):
        BatchResult.parse(batch, result)


def test_parse_rejects_steps_in_another_order():
    batch = _read_batch()
    result = _answer(batch)
    result['calls'].reverse()
    with pytest.raises(ValueError, match="where 'cluster' was sent"):
        BatchResult.parse(batch, result)


def test_parse_rejects_steps_that_are_not_objects():
    batch = _read_batch()
    result = _answer(batch)
    result['calls'][0] = 'cluster'
    with pytest.raises(ValueError, match="where 'cluster' was sent"):
        BatchResult.parse(batch, result)


def test_parse_rejects_missing_steps():
    batch = _read_batch()
    result = _answer(batch)
    del result['calls'][1]
    with pytest.raises(ValueError, match='answered 1 steps to a batch of 2'):
        BatchResult.parse(batch, result)


def test_parse_rejects_extra_steps():
    batch = _read_batch()
    result = _answer(batch)
    result['calls'].append({'id': 'extra', 'op': 'call', 'cmdlet': 'Remove-VM', 'status': 'ok', 'output': [],
                            'errors': [], 'elapsed_ms': 0})
    with pytest.raises(ValueError, match='answered 3 steps to a batch of 2'):
        BatchResult.parse(batch, result)


def test_parse_normalises_outputs_and_errors():
    batch = Batch('read').call('a', 'Get-Cluster').call('b', 'Get-VM').call('c', 'Get-ClusterNode')
    result = _answer(batch, a={'output': {'Name': 'hvc1'}, 'elapsed_ms': 5},
                     b={'output': None, 'status': 'error',
                        'errors': {'message': 'boom', 'fully_qualified_error_id': 'X,Y', 'category': 'NotSpecified'}},
                     c={'output': 'hv1', 'errors': None, 'elapsed_ms': None})
    parsed = BatchResult.parse(batch, result)
    assert parsed.computer_name == 'HV1'
    assert parsed['a'].output == [{'Name': 'hvc1'}]
    assert parsed['b'].output == []
    assert parsed['c'].output == ['hv1']
    assert parsed['c'].errors == []
    assert [error.message for error in parsed['b'].errors] == ['boom']
    assert isinstance(parsed['b'].errors[0], ErrorRecord)
    assert parsed['c'].elapsed_ms == 0
    assert parsed.elapsed_ms == 5 + 1 + 0
    assert [step.id for step in parsed] == ['a', 'b', 'c']
    assert [step.id for step in parsed.failed_steps] == ['b']


def test_parse_exposes_warnings_per_step():
    batch = Batch('read').call('test', 'Test-Cluster').call('nodes', 'Get-ClusterNode').cim(
        'cs', 'Win32_ComputerSystem', ['Name'])
    result = _answer(batch, test={'warnings': ['Storage - Validate Disk Failover: The test reported some warnings..',
                                               'Test Result:\nClusterConditionallyApproved']},
                     nodes={'warnings': None}, cs={'warnings': 'one message'})
    parsed = BatchResult.parse(batch, result)
    assert parsed['test'].warnings == ['Storage - Validate Disk Failover: The test reported some warnings..',
                                       'Test Result:\nClusterConditionallyApproved']
    assert parsed['nodes'].warnings == []
    assert parsed['cs'].warnings == ['one message']
    assert parsed['cs'].op == 'cim' and parsed['cs'].cmdlet is None
    # Warnings are no errors.
    assert parsed.failed_steps == []


def test_parse_of_a_result_without_warnings_reads_none():
    # Results of a runner from before warnings existed (or a hand-built fake) still parse.
    batch = _read_batch()
    result = _answer(batch)
    for entry in result['calls']:
        del entry['warnings']
    parsed = BatchResult.parse(batch, result)
    assert [step.warnings for step in parsed] == [[], []]


def test_parse_takes_op_and_cmdlet_from_the_batch_sent():
    batch = Batch('write').call('group', 'Get-ClusterGroup').set('prio', 'group', {'Priority': 0})
    result = _answer(batch)
    result['calls'][0]['cmdlet'] = 'Remove-ClusterGroup'
    result['calls'][1]['op'] = 'call'
    parsed = BatchResult.parse(batch, result)
    assert (parsed['group'].op, parsed['group'].cmdlet) == ('call', 'Get-ClusterGroup')
    assert (parsed['prio'].op, parsed['prio'].cmdlet) == ('set', None)


def test_parse_keeps_statuses():
    batch = Batch('write').call('a', 'Add-ClusterVirtualMachineRole').call('b', 'Set-ClusterOwnerNode')
    result = _answer(batch, a={'status': 'error', 'errors': [{'message': 'no'}]}, b={'status': 'skipped'})
    parsed = BatchResult.parse(batch, result)
    assert not parsed['a'].ok and not parsed['a'].skipped
    assert parsed['b'].skipped and not parsed['b'].ok
    assert parsed.failed_steps == [parsed['a']]
    with pytest.raises(KeyError):
        parsed['c']  # pylint: disable=pointless-statement


# --- error records ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('error_id', [
    'NamedParameterNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'AmbiguousParameterSet,Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand',
    'ParameterArgumentValidationError,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'ParameterArgumentValidationErrorNullNotAllowed,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'ParameterArgumentTransformationError,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'MissingMandatoryParameter,Microsoft.FailoverClusters.PowerShell.SetClusterOwnerNodeCommand',
    'PositionalParameterNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'CannotConvertArgumentNoMessage,Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand',
    'CannotConvertArgument,Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand',
])
def test_binding_errors(error_id):
    record = ErrorRecord('bad parameter', error_id, 'InvalidArgument')
    assert record.is_binding_error
    assert not record.is_command_not_found
    assert not record.is_not_found


@pytest.mark.parametrize('error_id', [
    'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
    'ClusterRpcConnection,Microsoft.FailoverClusters.PowerShell.GetClusterCommand',
    'Get-ClusterGroup,Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand',
    # The error id is the part before the comma: a command type mentioning a binding id is not a binding error.
    'InvalidOperation,NamedParameterNotFound',
    '',
])
def test_not_binding_errors(error_id):
    assert not ErrorRecord('x', error_id, 'InvalidOperation').is_binding_error


def test_command_not_found():
    record = ErrorRecord.from_dict({
        'message': "The term 'Get-ClusterGroup' is not recognized as the name of a cmdlet",
        'fully_qualified_error_id': 'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand',
        'category': 'ObjectNotFound', 'target': 'Get-ClusterGroup',
        'exception_type': 'System.Management.Automation.CommandNotFoundException'})
    assert record.error_id == 'CommandNotFoundException'
    assert record.is_command_not_found
    assert not record.is_binding_error
    assert ErrorRecord('x', 'CommandNotFoundException').is_command_not_found
    assert not ErrorRecord('x', 'CommandNotFoundExceptionX,Y').is_command_not_found


def test_not_found_is_the_object_not_found_category():
    assert ErrorRecord('gone', 'Get-ClusterGroup,T', 'ObjectNotFound').is_not_found
    assert not ErrorRecord('gone', 'InvalidParameter,T', 'InvalidArgument').is_not_found


def test_error_record_from_dict_and_back():
    data = {'message': 'm', 'fully_qualified_error_id': 'A,B', 'category': 'C', 'target': 't',
            'exception_type': 'E'}
    record = ErrorRecord.from_dict(dict(data, extra='ignored'))
    assert record.to_dict() == data
    assert record.error_id == 'A'
    assert str(record) == 'm'


def test_error_record_from_partial_or_odd_data():
    record = ErrorRecord.from_dict({'message': None, 'category': None})
    assert record.to_dict() == {'message': '', 'fully_qualified_error_id': '', 'category': '', 'target': None,
                                'exception_type': ''}
    assert record.error_id == ''
    assert ErrorRecord.from_dict('plain text').message == 'plain text'
    assert ErrorRecord.from_dict(42).message == '42'


# --- step results -----------------------------------------------------------------------------------------------

def _step(status='ok', output=None, errors=None):
    return StepResult('s', 'call', 'Get-VM', status, output or [], errors or [], 0)


def test_step_result_helpers():
    assert _step().ok and not _step().skipped
    assert _step().warnings == []
    assert _step('skipped').skipped and not _step('skipped').ok
    assert not _step('error').ok
    assert _step().first() is None
    assert _step(output=[{'Name': 'a'}, {'Name': 'b'}]).first() == {'Name': 'a'}


def test_step_not_found_only_when_every_error_is_not_found():
    missing = ErrorRecord('no group', 'Get-ClusterGroup,T', 'ObjectNotFound')
    other = ErrorRecord('rpc', 'ClusterRpcConnection,T', 'ConnectionError')
    assert _step('error', errors=[missing]).not_found
    assert _step('error', errors=[missing, missing]).not_found
    assert not _step('error', errors=[missing, other]).not_found
    assert not _step('ok').not_found
