"""Parameter binding against Microsoft's cmdlet reference (hvsim/reference.py), and the reference subset itself.

Every cmdlet call in the simulator is bound the way PowerShell's parameter binder does it, so that a module that
passes a parameter Windows does not have, or mixes parameter sets, fails here as it would on a real host.
"""

import copy
import inspect
import json
import os

import pytest

from hvsim import errors, reference
from hvsim.cmdlets import load_all

SIM_DATA = os.path.join(os.path.dirname(reference.__file__), 'data', 'cmdlets.json')
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHARED_REFERENCE = os.path.join(os.path.dirname(REPO), 'shared', 'reference', 'cmdlets.json')

# Move-ClusterVirtualMachineRole as the full reference has it (/work/shared/reference/cmdlets.json). The binding tests
# set it in the reference for the duration of a test to exercise enum parameters, so that they do not depend on the
# reference subset (which now has it, since hvsim implements it: test_migration.py).
MOVE_VM_ROLE = {
    'module': 'FailoverClusters',
    'available_in': ['WindowsServer2016', 'WindowsServer2019', 'WindowsServer2022', 'WindowsServer2025'],
    'synopsis': 'Moves the ownership of a clustered virtual machine to a different node.',
    'parameter_sets': {'__AllParameterSets': ['Cancel', 'Cluster', 'IgnoreLocked', 'InputObject', 'MigrationType',
                                              'Name', 'Node', 'VMId', 'Wait']},
    'parameters': {
        'Cancel': {'type': 'SwitchParameter', 'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']},
        'Cluster': {'type': 'String', 'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']},
        'IgnoreLocked': {'type': 'SwitchParameter', 'aliases': [], 'position': 'Named', 'required_in': [],
                         'sets': ['(All)']},
        'InputObject': {'type': 'PSObject', 'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']},
        'MigrationType': {'type': 'VmMigrationType', 'aliases': [], 'position': 'Named', 'required_in': [],
                          'sets': ['(All)'],
                          'accepted_values': ['TurnOff', 'Quick', 'Shutdown', 'ShutdownForce', 'Live']},
        'Name': {'type': 'String', 'aliases': [], 'position': '0', 'required_in': [], 'sets': ['(All)']},
        'Node': {'type': 'String', 'aliases': [], 'position': '1', 'required_in': [], 'sets': ['(All)']},
        'VMId': {'type': 'Guid', 'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']},
        'Wait': {'type': 'Int32', 'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']},
    },
}


@pytest.fixture
def with_move_role(monkeypatch):
    entry = MOVE_VM_ROLE
    if os.path.exists(SHARED_REFERENCE):
        with open(SHARED_REFERENCE, encoding='utf-8') as handle:
            entry = json.load(handle)['cmdlets']['Move-ClusterVirtualMachineRole']
        assert entry == MOVE_VM_ROLE, 'the copy of Move-ClusterVirtualMachineRole in this test is out of date'
    monkeypatch.setitem(reference.reference(), 'Move-ClusterVirtualMachineRole', copy.deepcopy(entry))
    return 'Move-ClusterVirtualMachineRole'


def binding_error(cmdlet, given):
    with pytest.raises(errors.CmdletError) as info:
        reference.bind(cmdlet, given)
    return info.value


def record(error, cmdlet):
    return error.record(cmdlet, reference.module_of(cmdlet))


# --- unknown parameters and aliases ---------------------------------------------------------------------------------

@pytest.mark.parametrize('cmdlet, parameter, command_type', [
    ('Get-VM', 'Bogus', 'Microsoft.HyperV.PowerShell.Commands.GetVM'),
    ('Get-ClusterGroup', 'Owner', 'Microsoft.FailoverClusters.PowerShell.GetClusterGroupCommand'),
    ('Set-ClusterOwnerNode', 'OwnerNodes', 'Microsoft.FailoverClusters.PowerShell.SetClusterOwnerNodeCommand'),
])
def test_unknown_parameter_is_named_parameter_not_found(cmdlet, parameter, command_type):
    error = binding_error(cmdlet, {parameter: 'x'})
    data = record(error, cmdlet)
    assert data['message'] == "A parameter cannot be found that matches parameter name '%s'." % parameter
    assert data['fully_qualified_error_id'] == 'NamedParameterNotFound,%s' % command_type
    assert data['category'] == 'InvalidArgument'
    assert data['exception_type'] == 'System.Management.Automation.ParameterBindingException'


def test_parameter_names_that_are_not_identifiers_are_not_found():
    error = binding_error('Get-VM', {'-Name': 'vm1'})
    assert error.error_id == 'NamedParameterNotFound'
    assert "'-Name'" in error.message


@pytest.mark.parametrize('cmdlet, given, canonical', [
    ('Get-VM', 'VMName', 'Name'),
    ('Get-VM', 'vmname', 'Name'),
    ('Get-VM', 'NAME', 'Name'),
    ('Add-ClusterVirtualMachineRole', 'VM', 'VirtualMachine'),
    ('Get-ClusterOwnerNode', 'Res', 'Resource'),
    ('Get-ClusterOwnerNode', 'restype', 'ResourceType'),
])
def test_aliases_and_case_resolve_to_the_canonical_name(cmdlet, given, canonical):
    _set_name, bound = reference.bind(cmdlet, {given: 'x'})
    assert list(bound) == [canonical]


def test_get_vm_name_binds_in_the_name_set():
    set_name, bound = reference.bind('Get-VM', {'VMName': 'vm1', 'ComputerName': 'hv1'})
    assert set_name == 'Name'
    assert bound == {'Name': ['vm1'], 'ComputerName': ['hv1']}


# --- parameter sets and mandatory parameters ----------------------------------------------------------------------

@pytest.mark.parametrize('given', [
    {'Name': 'vm1', 'ClusterObject': 'hvc1'},
    {'Id': '8a7b6d1e-0000-4000-8000-000000000001', 'Name': 'vm1'},
    {'ClusterObject': 'hvc1', 'ComputerName': 'hv1'},
])
def test_parameters_of_different_sets_are_ambiguous(given):
    error = binding_error('Get-VM', given)
    data = record(error, 'Get-VM')
    assert data['message'] == 'Parameter set cannot be resolved using the specified named parameters.'
    assert data['fully_qualified_error_id'] == 'AmbiguousParameterSet,Microsoft.HyperV.PowerShell.Commands.GetVM'
    assert data['category'] == 'InvalidArgument'


def test_missing_mandatory_parameter():
    error = binding_error('Set-ClusterOwnerNode', {'Group': 'vm1'})
    data = record(error, 'Set-ClusterOwnerNode')
    assert data['message'] == ('Cannot process command because of one or more missing mandatory parameters: '
                               'Owners.')
    assert data['fully_qualified_error_id'] == (
        'MissingMandatoryParameter,Microsoft.FailoverClusters.PowerShell.SetClusterOwnerNodeCommand')
    assert data['category'] == 'InvalidArgument'


def test_mandatory_parameter_of_one_set_only():
    # -ClusterObject is mandatory in its own set only: Get-VM without parameters binds (Name or Id set).
    set_name, bound = reference.bind('Get-VM', {})
    assert bound == {} and set_name in ('Name', 'Id')


def test_unknown_cmdlet_is_command_not_found():
    error = binding_error('Get-Nothing', {})
    assert error.error_id == 'CommandNotFoundException'
    assert error.category == 'ObjectNotFound'


# --- enums --------------------------------------------------------------------------------------------------------

def test_enum_value_outside_the_accepted_values_names_them(with_move_role):
    error = binding_error(with_move_role, {'Name': 'vm1', 'MigrationType': 'Fast'})
    data = record(error, with_move_role)
    assert data['fully_qualified_error_id'] == (
        'CannotConvertArgumentNoMessage,Microsoft.FailoverClusters.PowerShell.MoveClusterVirtualMachineRoleCommand')
    assert data['category'] == 'InvalidArgument'
    assert data['message'].startswith("Cannot bind parameter 'MigrationType'. Cannot convert value \"Fast\" to type ")
    assert 'Unable to match the identifier name Fast to a valid enumerator name.' in data['message']
    assert data['message'].endswith('TurnOff, Quick, Shutdown, ShutdownForce, Live"')


def test_enum_error_names_the_type_not_the_parameter(with_move_role):
    error = binding_error(with_move_role, {'MigrationType': 'Fast'})
    assert 'to type "VmMigrationType"' in error.message


@pytest.mark.parametrize('given, canonical', [('live', 'Live'), ('LIVE', 'Live'), ('shutdownforce', 'ShutdownForce'),
                                              ('Quick', 'Quick')])
def test_enum_binding_is_case_insensitive_and_canonicalises(with_move_role, given, canonical):
    _set_name, bound = reference.bind(with_move_role, {'Name': 'vm1', 'MigrationType': given})
    assert bound['MigrationType'] == canonical


def _one_parameter_cmdlet(monkeypatch, name, details, module='MPIO'):
    details = dict({'aliases': [], 'position': 'Named', 'required_in': [], 'sets': ['(All)']}, **details)
    monkeypatch.setitem(reference.reference(), name, {
        'module': module, 'parameter_sets': {'__AllParameterSets': ['Value']}, 'parameters': {'Value': details}})
    return name


def test_validate_set_on_a_string_checks_case_insensitively_without_canonicalising(monkeypatch):
    # Enable-MSDSMAutomaticClaim -BusType is a String with [ValidateSet('SAS', 'iSCSI')], not an enum.
    cmdlet = _one_parameter_cmdlet(monkeypatch, 'Test-ValidateSet', {'type': 'String',
                                                                     'accepted_values': ['SAS', 'iSCSI']})
    assert reference.bind(cmdlet, {'Value': 'ISCSI'})[1] == {'Value': 'ISCSI'}
    error = binding_error(cmdlet, {'Value': 'FC'})
    assert error.error_id == 'ParameterArgumentValidationError'
    assert error.message == ('Cannot validate argument on parameter \'Value\'. The argument "FC" does not belong to '
                             'the set "SAS,iSCSI" specified by the ValidateSet attribute. Supply an argument that is '
                             'in the set and then try the command again.')


def test_validate_set_on_a_number_converts_first(monkeypatch):
    # New-VHD -LogicalSectorSizeBytes: UInt32 with [ValidateSet(512, 4096)].
    cmdlet = _one_parameter_cmdlet(monkeypatch, 'Test-ValidateSetNumber', {'type': 'UInt32',
                                                                           'accepted_values': ['512', '4096']})
    assert reference.bind(cmdlet, {'Value': '4096'})[1] == {'Value': 4096}
    assert binding_error(cmdlet, {'Value': 1024}).error_id == 'ParameterArgumentValidationError'
    assert binding_error(cmdlet, {'Value': -512}).error_id == 'CannotConvertArgumentNoMessage'


def test_enum_array_canonicalises_each_item(monkeypatch):
    cmdlet = _one_parameter_cmdlet(monkeypatch, 'Test-EnumArray', {'type': 'AddressFamily[]',
                                                                   'accepted_values': ['IPv4', 'IPv6']})
    assert reference.bind(cmdlet, {'Value': ['ipv4', 'IPV6']})[1] == {'Value': ['IPv4', 'IPv6']}
    error = binding_error(cmdlet, {'Value': ['IPv4', 'IPX']})
    assert 'to type "AddressFamily"' in error.message and 'IPX' in error.message


# --- type coercion ------------------------------------------------------------------------------------------------

def test_guid_is_canonicalised_and_invalid_guid_refused():
    _set_name, bound = reference.bind('Get-VM', {'Id': '{8A7B6D1E-0000-4000-8000-000000000001}'})
    assert bound['Id'] == '8a7b6d1e-0000-4000-8000-000000000001'
    error = binding_error('Get-VM', {'Id': 'not-a-guid'})
    assert error.error_id == 'CannotConvertArgumentNoMessage'
    assert error.message == 'Cannot bind parameter \'Id\'. Cannot convert value "not-a-guid" to type "System.Guid".'


def test_int32_from_string_and_unsigned_refuses_negative(with_move_role, monkeypatch):
    _set_name, bound = reference.bind(with_move_role, {'Name': 'vm1', 'Wait': '30'})
    assert bound['Wait'] == 30
    assert binding_error(with_move_role, {'Wait': 'soon'}).error_id == 'CannotConvertArgumentNoMessage'
    cmdlet = _one_parameter_cmdlet(monkeypatch, 'Test-UInt', {'type': 'UInt32'})
    assert reference.bind(cmdlet, {'Value': 3})[1] == {'Value': 3}
    error = binding_error(cmdlet, {'Value': -1})
    assert error.message == 'Cannot bind parameter \'Value\'. Cannot convert value "-1" to type "System.UInt32".'


@pytest.mark.parametrize('value', ['true', 1, 'yes', None])
def test_switch_takes_only_booleans(value):
    error = binding_error('Remove-ClusterGroup', {'Name': 'vm1', 'Force': value})
    assert error.error_id == 'CannotConvertArgumentNoMessage'
    assert 'System.Management.Automation.SwitchParameter' in error.message


def test_switch_binds_booleans():
    _set_name, bound = reference.bind('Remove-ClusterGroup', {'Name': 'vm1', 'Force': True, 'RemoveResources': False})
    assert bound['Force'] is True and bound['RemoveResources'] is False


@pytest.mark.parametrize('cmdlet, parameter', [('Get-VM', 'Name'), ('Get-ClusterGroup', 'Name'),
                                               ('Set-ClusterOwnerNode', 'Owners')])
def test_collections_bind_from_a_scalar(cmdlet, parameter):
    given = {parameter: 'hv1'}
    if cmdlet == 'Set-ClusterOwnerNode':
        given['Group'] = 'vm1'
    _set_name, bound = reference.bind(cmdlet, given)
    assert bound[parameter] == ['hv1']
    _set_name, bound = reference.bind(cmdlet, dict(given, **{parameter: ['hv1', 'hv2']}))
    assert bound[parameter] == ['hv1', 'hv2']


def test_string_parameter_converts_scalars_but_not_structures():
    assert reference.bind('Get-Cluster', {'Name': 42})[1] == {'Name': '42'}
    assert reference.bind('Get-Cluster', {'Name': ['hvc1']})[1] == {'Name': 'hvc1'}
    assert binding_error('Get-Cluster', {'Name': ['hvc1', 'hvc2']}).error_id == 'CannotConvertArgumentNoMessage'
    assert binding_error('Get-Cluster', {'Name': {'a': 1}}).error_id == 'CannotConvertArgumentNoMessage'


def test_guid_collection_items_are_checked():
    assert binding_error('Get-ClusterGroup', {'VMId': ['a', 'b']}).error_id == 'CannotConvertArgumentNoMessage'


# --- the reference subset and the implementations -----------------------------------------------------------------

def _subset():
    with open(SIM_DATA, encoding='utf-8') as handle:
        return json.load(handle)


def test_every_implemented_cmdlet_is_in_the_reference_subset():
    subset = _subset()['cmdlets']
    missing = sorted(set(load_all()) - set(subset))
    assert not missing, 'implemented without a reference entry: %s' % missing


def test_reference_subset_is_a_verbatim_copy_of_the_full_reference():
    if not os.path.exists(SHARED_REFERENCE):
        pytest.skip('the full cmdlet reference (%s) is not present, as in a bare clone' % SHARED_REFERENCE)
    with open(SHARED_REFERENCE, encoding='utf-8') as handle:
        full = json.load(handle)
    subset = _subset()
    assert subset['source'] == full['source']
    for name, entry in subset['cmdlets'].items():
        assert name in full['cmdlets'], '%s is not in the full reference' % name
        assert entry == full['cmdlets'][name], '%s differs from the full reference' % name


@pytest.mark.parametrize('cmdlet', sorted(load_all()))
def test_implementation_takes_exactly_the_reference_parameters(cmdlet):
    function = load_all()[cmdlet]
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())
    assert parameters[0].name == 'ctx'
    assert not any(p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in parameters), \
        '%s must not take *args or **kwargs' % cmdlet
    names = {p.name for p in parameters[1:]}
    assert names == set(reference.reference()[cmdlet]['parameters'])


@pytest.mark.parametrize('cmdlet', sorted(load_all()))
def test_only_reference_mandatory_parameters_lack_a_default(cmdlet):
    # A parameter without a default would make a call that PowerShell binds fail with a TypeError instead.
    spec = reference.reference()[cmdlet]
    parameters = list(inspect.signature(load_all()[cmdlet]).parameters.values())[1:]
    for parameter in parameters:
        if parameter.default is inspect.Parameter.empty:
            assert '(All)' in spec['parameters'][parameter.name].get('required_in', []), (cmdlet, parameter.name)
