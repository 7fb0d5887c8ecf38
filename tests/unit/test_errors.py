"""plugin_utils/_errors.py: one exception hierarchy whose message is 'subject: cause. fix'."""

import pytest

from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    CommandBindingError,
    HypervClusterError,
    InvalidInputError,
    MissingCommandError,
    ObjectNotFoundError,
    OperationTimeoutError,
    PreconditionError,
    RunnerError,
    WindowsCommandError,
)


@pytest.mark.parametrize('subject, cause, fix, expected', [
    ('VM vm1', 'it does not exist', 'Create it first.', 'VM vm1: it does not exist. Create it first.'),
    # A cause that already ends with a period gets exactly one.
    ('VM vm1', 'it does not exist.', 'Create it first.', 'VM vm1: it does not exist. Create it first.'),
    # Without a fix the cause is left as written.
    ('host hv1', 'it is not clustered', None, 'host hv1: it is not clustered'),
    ('host hv1', 'it is not clustered', '', 'host hv1: it is not clustered'),
    # Without a subject the message starts with the cause.
    (None, 'nothing to do', 'Relax.', 'nothing to do. Relax.'),
    ('', 'nothing to do', None, 'nothing to do'),
])
def test_message_is_subject_cause_fix(subject, cause, fix, expected):
    error = HypervClusterError(subject, cause, fix)
    assert error.message == expected
    assert str(error) == expected
    assert (error.subject, error.cause, error.fix) == (subject, cause, fix)


def test_message_keeps_the_cause_verbatim_inside():
    cause = "preferred owner(s) hv9 are not nodes of cluster hvc1 (see 'Get-ClusterNode')"
    error = InvalidInputError('VM vm1', cause, 'Use node names from: hv1, hv2.')
    assert error.message == 'VM vm1: %s. Use node names from: hv1, hv2.' % cause


def test_to_result_is_a_failed_task_result_with_the_message():
    error = ObjectNotFoundError('VM vm1', 'no virtual machine of that name exists', 'Check the name.')
    assert error.to_result() == {'failed': True,
                                 'msg': 'VM vm1: no virtual machine of that name exists. Check the name.'}


def test_to_result_carries_extra_result_keys_without_sharing_them():
    error = PreconditionError('VM vm1', 'busy', 'Wait.', vm_role={'name': 'vm1'}, changed=False)
    result = error.to_result()
    assert result == {'failed': True, 'msg': 'VM vm1: busy. Wait.', 'vm_role': {'name': 'vm1'}, 'changed': False}
    result['extra'] = 1
    assert 'extra' not in error.result
    assert 'failed' not in error.result


def test_to_result_failed_and_msg_win_over_extra_keys():
    error = HypervClusterError('x', 'y', None, failed=False, msg='hidden')
    assert error.to_result() == {'failed': True, 'msg': 'x: y'}


def test_windows_command_error_keeps_the_records():
    records = [{'message': 'boom', 'fully_qualified_error_id': 'X,Y', 'category': 'InvalidOperation',
                'target': 'vm1', 'exception_type': 'System.Exception'}]
    error = WindowsCommandError('VM vm1', 'Add-ClusterVirtualMachineRole reported: boom', 'Retry.', records=records)
    assert error.records == records
    assert error.records is not records
    assert error.message == 'VM vm1: Add-ClusterVirtualMachineRole reported: boom. Retry.'
    assert 'records' not in error.to_result()
    assert WindowsCommandError('s', 'c').records == []


@pytest.mark.parametrize('cls, base', [
    (InvalidInputError, HypervClusterError),
    (ObjectNotFoundError, HypervClusterError),
    (PreconditionError, HypervClusterError),
    (WindowsCommandError, HypervClusterError),
    (OperationTimeoutError, HypervClusterError),
    (RunnerError, HypervClusterError),
    (CommandBindingError, RunnerError),
    (MissingCommandError, RunnerError),
])
def test_hierarchy(cls, base):
    assert issubclass(cls, base)
    assert issubclass(cls, Exception)
    with pytest.raises(base) as raised:
        raise cls('s', 'c', 'F.')
    assert raised.value.message == 's: c. F.'
