"""plugin_utils/_host.py: every batch is one ansible.windows.win_powershell call running the fixed runner script."""

import json
import types

import pytest

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _host
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    CommandBindingError,
    MissingCommandError,
    RunnerError,
)
from ansible_collections.hyperv.cluster.plugins.plugin_utils._host import WindowsHost

from harness import SimExecutor, edit_lab, runner_bytes


class FakeAction:
    """The parts of an action plugin WindowsHost uses; _execute_module records its calls and returns ``raw``."""

    def __init__(self, raw=None, check_mode=False, delegate_to=None, respond=None):
        self._task = types.SimpleNamespace(check_mode=check_mode, delegate_to=delegate_to)
        self.raw = raw
        self.respond = respond
        self.calls = []

    def _execute_module(self, **kwargs):
        self.calls.append(kwargs)
        if self.respond is not None:
            return self.respond(kwargs)
        return self.raw


def ok_answer(batch, **per_step):
    calls = []
    for step in batch.steps:
        entry = {'id': step['id'], 'op': step['op'], 'status': 'ok', 'output': [], 'errors': [], 'elapsed_ms': 0}
        if step['op'] == 'call':
            entry['cmdlet'] = step['cmdlet']
        entry.update(per_step.get(step['id'], {}))
        calls.append(entry)
    return {'changed': False, 'failed': False, 'result': {'protocol': 1, 'computer_name': 'HV1', 'calls': calls}}


def read_batch():
    return Batch('read').call('cluster', 'Get-Cluster', select=['Name']).call('vm', 'Get-VM', {'Name': 'vm1'})


def write_batch():
    return Batch('write').call('remove', 'Remove-ClusterGroup',
                               {'Name': 'vm1', 'RemoveResources': True, 'Force': True})


def host_for(action, task_vars=None):
    return WindowsHost(action, {'inventory_hostname': 'hv1'} if task_vars is None else task_vars)


# --- the module call --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('mode', ['read', 'write'])
def test_one_win_powershell_call_per_batch(mode):
    batch = read_batch() if mode == 'read' else write_batch()
    action = FakeAction(ok_answer(batch))
    task_vars = {'inventory_hostname': 'hv1', 'ansible_connection': 'psrp'}
    host = WindowsHost(action, task_vars)
    result = host.read(batch) if mode == 'read' else host.write(batch)

    assert host.executions == 1
    assert len(action.calls) == 1
    call = action.calls[0]
    assert call['module_name'] == 'ansible.windows.win_powershell'
    assert call['task_vars'] is task_vars
    assert call['wrap_async'] is False
    args = call['module_args']
    assert set(args) == {'script', 'parameters', 'depth', 'error_action'}
    assert args['script'].encode('utf-8') == runner_bytes()
    assert args['parameters'] == {'BatchJson': batch.to_json()}
    assert args['depth'] == 8
    assert args['error_action'] == 'stop'
    assert [step.id for step in result] == batch.ids
    assert result.computer_name == 'HV1'


def test_runner_script_is_the_file_byte_for_byte():
    assert _host.RUNNER_SCRIPT.encode('utf-8') == runner_bytes()
    assert _host.RUNNER_MODULE == 'ansible.windows.win_powershell'


def test_each_batch_is_its_own_execution():
    batches = [read_batch(), read_batch(), write_batch()]
    answers = iter(ok_answer(batch) for batch in batches)
    action = FakeAction(respond=lambda _kwargs: next(answers))
    host = host_for(action)
    host.read(batches[0])
    host.read(batches[1])
    host.write(batches[2])
    assert host.executions == 3
    assert [json.loads(call['module_args']['parameters']['BatchJson'])['mode'] for call in action.calls] == \
        ['read', 'read', 'write']


def test_read_and_write_take_only_their_kind_of_batch():
    action = FakeAction()
    host = host_for(action)
    with pytest.raises(ValueError, match='read batch'):
        host.read(write_batch())
    with pytest.raises(ValueError, match='write batch'):
        host.write(read_batch())
    assert action.calls == []
    assert host.executions == 0


def test_write_refused_in_check_mode_without_calling_the_module():
    action = FakeAction(check_mode=True)
    host = host_for(action)
    with pytest.raises(RuntimeError, match='check mode'):
        host.write(write_batch())
    assert action.calls == []
    assert host.executions == 0


def test_read_runs_in_check_mode():
    batch = read_batch()
    action = FakeAction(ok_answer(batch), check_mode=True)
    host = host_for(action)
    assert host.check_mode is True
    host.read(batch)
    assert len(action.calls) == 1


def test_name_is_the_inventory_host_or_the_delegated_one():
    assert host_for(FakeAction()).name == 'hv1'
    assert host_for(FakeAction(delegate_to='hv2')).name == 'hv2'


# --- failures ---------------------------------------------------------------------------------------------------

def test_unreachable_is_a_connection_failure():
    message = 'psrp connection failure during runspace pool open'
    action = FakeAction({'unreachable': True, 'failed': True, 'msg': message})
    with pytest.raises(AnsibleConnectionFailure, match=message):
        host_for(action).read(read_batch())


def test_unreachable_without_message_names_the_host():
    action = FakeAction({'unreachable': True})
    with pytest.raises(AnsibleConnectionFailure, match='host hv1 is unreachable'):
        host_for(action).read(read_batch())


def test_failed_runner_is_a_runner_error_with_the_detail():
    action = FakeAction({'failed': True, 'msg': 'generic', 'error': [
        {'message': "hyperv.cluster runner speaks protocol 1 but the batch uses protocol 2."},
        'a plain string record']})
    with pytest.raises(RunnerError) as raised:
        host_for(action).read(read_batch())
    message = raised.value.message
    assert message.startswith('host hv1: the cmdlet batch runner failed before it could report results')
    assert 'runner speaks protocol 1 but the batch uses protocol 2.; a plain string record' in message
    assert 'PowerShell 5.1' in message
    assert not isinstance(raised.value, (CommandBindingError, MissingCommandError))


def test_failed_runner_without_records_uses_msg():
    action = FakeAction({'failed': True, 'msg': 'The term win_powershell is not recognized'})
    with pytest.raises(RunnerError, match=r'\(The term win_powershell is not recognized\)'):
        host_for(action).read(read_batch())


def test_runner_result_missing_is_a_runner_error():
    action = FakeAction({'changed': False})
    with pytest.raises(RunnerError, match=r'\(no detail returned\)'):
        host_for(action).read(read_batch())


def test_unexpected_result_is_a_runner_error():
    batch = read_batch()
    raw = ok_answer(batch)
    raw['result']['protocol'] = 2
    with pytest.raises(RunnerError) as raised:
        host_for(FakeAction(raw)).read(batch)
    assert 'the runner returned an unexpected result: the runner returned no protocol 1 result' in raised.value.message
    assert 'older copy' in raised.value.fix


def _error(fqid, message, category='InvalidArgument'):
    return {'message': message, 'fully_qualified_error_id': fqid, 'category': category, 'target': None,
            'exception_type': 'System.Management.Automation.ParameterBindingException'}


def test_binding_error_is_a_defect():
    batch = read_batch()
    raw = ok_answer(batch, vm={'status': 'error', 'errors': [_error(
        'NamedParameterNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM',
        "A parameter cannot be found that matches parameter name 'Nmae'.")]})
    with pytest.raises(CommandBindingError) as raised:
        host_for(FakeAction(raw)).read(batch)
    assert raised.value.message == (
        "host hv1: Windows rejected the parameters of Get-VM: A parameter cannot be found that matches parameter "
        "name 'Nmae'. This is a defect in hyperv.cluster; please report it with this message.")


def _empty_argument_error():
    return _error('ParameterArgumentValidationError,Microsoft.HyperV.PowerShell.Commands.GetVM',
                  "Cannot validate argument on parameter 'ComputerName'. The argument is null, empty, or an element "
                  "of the argument collection contains a null value.", 'InvalidData')


def _refers_to_nodes():
    return (Batch('read').call('nodes', 'Get-ClusterNode', select=['Name'])
            .call('vm', 'Get-VM', {'Name': 'vm1', 'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}}))


def test_a_read_step_whose_reference_found_nothing_may_fail_to_bind():
    """On a host that is in no cluster, Get-VM -ComputerName <the cluster's nodes> gets an empty list, which
    [ValidateNotNullOrEmpty()] rejects: an answer (no nodes), not a defect."""
    batch = _refers_to_nodes()
    raw = ok_answer(batch, nodes={'status': 'error', 'errors': [_error(
        'ClusterRpcConnection,Microsoft.FailoverClusters.PowerShell.GetClusterNodeCommand',
        'The cluster service is not running.', 'ConnectionError')]},
        vm={'status': 'error', 'errors': [_empty_argument_error()]})
    result = host_for(FakeAction(raw)).read(batch)
    assert result['vm'].errors[0].is_binding_error


def test_a_binding_error_with_a_reference_that_found_something_is_still_a_defect():
    batch = _refers_to_nodes()
    raw = ok_answer(batch, nodes={'output': [{'Name': 'hv1'}]},
                    vm={'status': 'error', 'errors': [_empty_argument_error()]})
    with pytest.raises(CommandBindingError):
        host_for(FakeAction(raw)).read(batch)


def test_a_write_step_whose_reference_found_nothing_is_a_defect():
    batch = (Batch('write').call('group', 'Get-ClusterGroup', {'Name': 'vm1'})
             .call('owners', 'Set-ClusterOwnerNode', {'Group': {'__ref__': 'group', 'property': 'Name'},
                                                      'Owners': ['hv1']}))
    raw = ok_answer(batch, owners={'status': 'error', 'errors': [_empty_argument_error()]})
    with pytest.raises(CommandBindingError):
        host_for(FakeAction(raw)).write(batch)


@pytest.mark.parametrize('cmdlet, feature', [
    ('Get-ClusterGroup', 'the Failover-Clustering feature with RSAT-Clustering-PowerShell'),
    ('Add-ClusterVirtualMachineRole', 'the Failover-Clustering feature with RSAT-Clustering-PowerShell'),
    ('Get-VM', 'the Hyper-V feature with Hyper-V-PowerShell'),
    ('Get-VMHost', 'the Hyper-V feature with Hyper-V-PowerShell'),
    ('Get-MSDSMGlobalDefaultLoadBalancePolicy', 'the Multipath-IO feature'),
    ('Get-MPIOSetting', 'the Multipath-IO feature'),
    ('Get-WindowsFeature', 'the Windows feature that provides it'),
])
def test_missing_cmdlet_names_the_feature_to_install(cmdlet, feature):
    batch = Batch('read').call('step', cmdlet)
    not_found = "The term '%s' is not recognized as the name of a cmdlet" % cmdlet
    raw = ok_answer(batch, step={'status': 'error', 'errors': [_error(
        'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand', not_found, 'ObjectNotFound')]})
    with pytest.raises(MissingCommandError) as raised:
        host_for(FakeAction(raw)).read(batch)
    assert raised.value.message == (
        "host hv1: the cmdlet '%s' is not available (%s). Install %s on the host (the cluster_prereqs role does)."
        % (cmdlet, not_found, feature))


def test_ordinary_step_errors_are_returned_not_raised():
    batch = read_batch()
    raw = ok_answer(batch, vm={'status': 'error', 'errors': [_error(
        'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
        'Hyper-V was unable to find a virtual machine with name "vm1".')]})
    result = host_for(FakeAction(raw)).read(batch)
    assert [step.id for step in result.failed_steps] == ['vm']
    assert result['vm'].errors[0].error_id == 'InvalidParameter'


# --- the same, against the simulated platform -------------------------------------------------------------------

class SimAction(FakeAction):
    def __init__(self, lab_dir, node='hv1', check_mode=False):
        super().__init__(check_mode=check_mode)
        self.executor = SimExecutor(lab_dir, node)
        self.executor.action = self

    def _execute_module(self, **kwargs):
        self.calls.append(kwargs)
        return self.executor(**kwargs)


def test_sim_unreachable_node(make_lab):
    lab = make_lab(nodes=2)
    edit_lab(lab.dir, lambda data: data['nodes']['hv2'].update(power='off'))
    with pytest.raises(AnsibleConnectionFailure, match='hv2.corp.example.com'):
        WindowsHost(SimAction(lab.dir, 'hv2'), {'inventory_hostname': 'hv2'}).read(read_batch())


def test_sim_missing_clustering_feature(make_lab):
    lab = make_lab(nodes=2)
    edit_lab(lab.dir, lambda data: data['nodes']['hv1']['features']['RSAT-Clustering-PowerShell'].update(
        installed=False))
    with pytest.raises(MissingCommandError) as raised:
        host_for(SimAction(lab.dir)).read(read_batch())
    assert "the cmdlet 'Get-Cluster' is not available" in raised.value.message
    assert 'Install the Failover-Clustering feature with RSAT-Clustering-PowerShell' in raised.value.message


def test_sim_binding_error(make_lab):
    lab = make_lab(nodes=1)
    batch = Batch('read').call('vm', 'Get-VM', {'Name': 'vm1', 'NoSuchParameter': 1})
    with pytest.raises(CommandBindingError, match="matches parameter name 'NoSuchParameter'"):
        host_for(SimAction(lab.dir)).read(batch)


def test_sim_write_after_read(make_lab):
    lab = make_lab(nodes=1, vms=1, clustered_vms=1)
    action = SimAction(lab.dir)
    host = host_for(action)
    found = host.read(Batch('read').call('group', 'Get-ClusterGroup', {'Name': 'instance-00000001'},
                                         select=['Name', 'GroupType']))
    assert found['group'].output == [{'Name': 'instance-00000001', 'GroupType': 'VirtualMachine'}]
    done = host.write(Batch('write').call('group', 'Get-ClusterGroup', {'Name': 'instance-00000001'})
                      .set('priority', 'group', {'Priority': 0}))
    assert done.failed_steps == []
    assert lab.raw_state()['clusters']['hvc1']['groups']['instance-00000001']['priority'] == 0
    assert [entry['mode'] for entry in lab.executions()] == ['read', 'write']
