"""plugin_utils/_action.py: the base class turns execute() outcomes and HypervClusterErrors into task results."""

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import ObjectNotFoundError
from ansible_collections.hyperv.cluster.plugins.plugin_utils._host import WindowsHost

from harness import make_action


# What Probe.execute returns or raises ('outcome'), and what it was given ('seen').
CONTROL = {}


class Probe(ClusterAction):
    ARGUMENT_SPEC = dict(name=dict(type='str', required=True), count=dict(type='int', default=1),
                         password=dict(type='str', no_log=True))

    def execute(self, params, host):
        CONTROL['seen'] = (params, host, self.check_mode)
        outcome = CONTROL['outcome']
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)


def run(outcome, args=None, check_mode=False, diff=False, task_vars=None):
    CONTROL.clear()
    CONTROL['outcome'] = outcome
    action = make_action(Probe, args or {'name': 'vm1'}, check_mode=check_mode, diff=diff)
    return action.run(task_vars=task_vars if task_vars is not None else {'inventory_hostname': 'hv1'})


def test_outcome_is_the_result_and_diff_only_with_diff_mode():
    outcome = {'changed': True, 'thing': {'a': 1}, 'diff': {'before': 1, 'after': 2}}
    assert run(outcome) == {'changed': True, 'thing': {'a': 1}}
    assert run(outcome, diff=True) == {'changed': True, 'thing': {'a': 1}, 'diff': {'before': 1, 'after': 2}}


def test_execute_gets_validated_params_a_host_and_check_mode():
    run({'changed': False}, args={'name': 'vm1', 'count': '3'}, check_mode=True,
        task_vars={'inventory_hostname': 'hv7'})
    params, host, check_mode = CONTROL['seen']
    assert params == {'name': 'vm1', 'count': 3, 'password': None}
    assert isinstance(host, WindowsHost)
    assert host.name == 'hv7'
    assert host.executions == 0
    assert check_mode is True


def test_cluster_errors_become_clean_failures():
    error = ObjectNotFoundError('VM vm1', 'no virtual machine of that name exists', 'Check the name.',
                                changed=False)
    assert run(error) == {'failed': True, 'changed': False,
                          'msg': 'VM vm1: no virtual machine of that name exists. Check the name.'}


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(RuntimeError, match='write batch attempted in check mode'):
        run(RuntimeError('write batch attempted in check mode'))


def test_invalid_arguments_fail_before_execute():
    with pytest.raises(AnsibleActionFail, match='missing required arguments: name'):
        run({'changed': False}, args={'count': 1})
    assert 'seen' not in CONTROL


def test_execute_must_be_implemented():
    action = make_action(ClusterAction, {})
    with pytest.raises(NotImplementedError):
        action.execute({}, None)


def test_no_log_values_are_masked_in_results_and_failures():
    args = {'name': 'vm1', 'password': 'Hunter2-secret'}
    assert run({'changed': True, 'echo': 'Windows said Hunter2-secret'}, args=args) == {
        'changed': True, 'echo': 'Windows said ********'}
    failure = run(ObjectNotFoundError('VM vm1', 'rejected Hunter2-secret', 'Check it.'), args=args)
    assert 'Hunter2-secret' not in repr(failure) and failure['failed'] is True
