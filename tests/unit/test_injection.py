"""No VM name can change what runs on the host: names travel as JSON data to a constant runner script.

For thousands of hostile names (quotes, ``;``, ``$( )``, backticks, CR/LF, NUL, RTL and emoji, very long names,
``__ref__``- and JSON-looking text) vm_role's read is run against a simulated one-node cluster with no VMs, and:

(a) the script sent to win_powershell is byte-identical to runner.ps1 every time;
(b) Get-ClusterGroup, Get-ClusterOwnerNode and Get-VM receive exactly that name (captured where the simulated
    PowerShell binds each cmdlet's parameters);
(c) the task fails cleanly with "no virtual machine of that name exists" naming the exact name, only reads are
    executed, and the lab's state is unchanged.

Names with the wildcard characters ``* ? [ ]`` are refused before anything runs (Get-VM and the cluster cmdlets
would treat them as patterns): ``test_wildcard_names_are_refused`` checks that for every such name.
"""

import hashlib
import json
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvsim import reference
from labkit import Lab

from harness import RUNNER_SHA256, SimExecutor, make_action, runner_bytes

WILDCARDS = '*?[]'
CORE_GROUPS = ('cluster group', 'available storage')
NAMED_PARAMETERS = {'Get-ClusterGroup': 'Name', 'Get-ClusterOwnerNode': 'Group', 'Get-VM': 'Name'}

HOSTILE = ["'", '"', ';', '$(', ')', '`', '\n', '\r', '\r\n', '\x00', '\t', '\\', '|', '&', '<', '>', '#', '@',
           '%', '$', '{', '}', ':', ',', '\u202e', '\u200f', '\u2028', '\ufeff', '\u0627\u0644\u0639\u0631\u0628',
           '\u05e9\u05dc\u05d5\u05dd', '\U0001F600', '\U0001F468\u200d\U0001F469\u200d\U0001F467', '\u00e9',
           'e\u0301', '\uff04', '\u2018', '\u201c', ' ']
FRAGMENTS = [
    '$(Remove-VM -Name vm1 -Force)', '$(Stop-Computer -Force)', '`n', '`0', '``', "'; Remove-ClusterGroup hvc1 '",
    '"; exit 1; "', "' + (Get-Process) + '", '${env:COMPUTERNAME}', '$null', '@{Name="x"}', '-WhatIf:$false',
    '__ref__', '{"__ref__": "nodes"}', '{"__ref__":"cluster","property":"Name"}', '{"__ref__": "vm"}',
    '{"protocol": 1, "mode": "write", "calls": {}}', '{"op": "set", "target": "group"}', '"}', '"},{"op":"call"',
    '\\u0000', '\\"', 'null', 'true', '1e309', 'NaN', '<#', '#>', '#requires -Version 7', 'Cluster Group',
    'instance-00000001', '\r\n}\r\n', 'Invoke-Expression', '& cmd /c whoami',
]

# Strategies are kept flat: hypothesis spends far less per example on a few text draws than on nested lists.
_characters = st.one_of(
    st.sampled_from([piece for piece in HOSTILE if len(piece) == 1]),
    st.characters(exclude_characters=WILDCARDS, exclude_categories=('Cs',)),
)
_text = st.text(alphabet=_characters, max_size=20)
_piece = st.sampled_from(HOSTILE + FRAGMENTS)
short_names = st.tuples(_text, _piece, _text, _piece, _text).map(''.join)
long_names = st.tuples(short_names, st.integers(min_value=20, max_value=200)).map(
    lambda pair: (pair[0] * pair[1])[:4000])
# One example in sixteen is a long name (up to 4,000 characters; the simulated -Name wildcard matching compiles each
# name to a regular expression, which is what makes long names slow). test_known_hostile_names sends 20,000.
names = st.one_of(*([short_names] * 15 + [long_names])).filter(lambda name: name.lower() not in CORE_GROUPS)


@pytest.fixture(scope='module')
def empty_cluster(tmp_path_factory):
    """One node, clustered, no VMs: the cheapest lab on which every name is 'not found'."""
    return Lab.create(str(tmp_path_factory.mktemp('injection') / 'lab'), nodes=1)


@pytest.fixture(scope='module')
def bound_parameters():
    """Every cmdlet call the simulated host binds, as (cmdlet, parameters given, parameters bound)."""
    calls = []
    real_bind = reference.bind

    def capture(cmdlet, given):
        set_name, bound = real_bind(cmdlet, given)
        calls.append((cmdlet, given, bound))
        return set_name, bound

    with mock.patch.object(reference, 'bind', capture):
        yield calls


class Probe:
    """One vm_role action plugin reused across examples (building a MagicMock(Task) per example is the slow part)."""

    def __init__(self, lab):
        self.executor = SimExecutor(lab.dir, keep_responses=False)
        self.action = make_action('vm_role', {}, executor=self.executor)

    def run(self, name):
        self.executor.calls = []
        self.action._task.args = {'name': name}  # pylint: disable=protected-access
        return self.action.run(task_vars={'inventory_hostname': 'hv1'})


def check_name(probe, bound_parameters, name):
    del bound_parameters[:]
    result = probe.run(name)
    calls = probe.executor.calls

    # (a) one read, and the script is runner.ps1 byte for byte.
    assert [call.mode for call in calls] == ['read']
    for call in calls:
        assert call.module_name == 'ansible.windows.win_powershell'
        assert hashlib.sha256(call.module_args['script'].encode('utf-8')).hexdigest() == RUNNER_SHA256
        assert set(call.module_args['parameters']) == {'BatchJson'}

    # (b) the name is data in the batch, and the host's cmdlets are bound with exactly that name.
    sent = {step['cmdlet']: step['parameters'] for step in calls[0].steps}
    for cmdlet, parameter in NAMED_PARAMETERS.items():
        assert sent[cmdlet][parameter] == name
    received = {cmdlet: bound for cmdlet, _given, bound in bound_parameters}
    assert received['Get-ClusterGroup']['Name'] == [name]       # StringCollection
    assert received['Get-ClusterOwnerNode']['Group'] == name    # String
    assert received['Get-VM']['Name'] == [name]                 # String[]
    assert received['Get-VM']['ComputerName'] == ['hv1']
    assert sorted(received) == ['Get-Cluster', 'Get-ClusterGroup', 'Get-ClusterNode', 'Get-ClusterOwnerNode',
                                'Get-ClusterSharedVolume', 'Get-VM']

    # (c) a clean "not found" naming the exact name.
    assert result.get('failed') is True, result
    assert result['msg'] == ('VM %s: no virtual machine of that name exists on any node of cluster hvc1. Check the '
                             'name (Get-VM on the nodes), or create the VM first.' % name)


def test_runner_hash_is_the_file():
    assert hashlib.sha256(runner_bytes()).hexdigest() == RUNNER_SHA256


KNOWN = [name for name in FRAGMENTS if name.lower() not in CORE_GROUPS] + [
    "'", '"', '\x00', '\r\n', '`', '\u202e' + 'gnp.exe', 'x' * 20000, ' ', 'cluster group ', 'Cluster  Group']


@pytest.mark.parametrize('name', KNOWN, ids=range(len(KNOWN)))
def test_known_hostile_names(empty_cluster, bound_parameters, name):
    assert not set(name) & set(WILDCARDS)
    check_name(Probe(empty_cluster), bound_parameters, name)


def test_hostile_names_property(empty_cluster, bound_parameters):
    state_before = empty_cluster.raw_state()
    executions_before = len(empty_cluster.executions())
    probe = Probe(empty_cluster)
    examples = []

    @settings(max_examples=10000, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(name=names)
    def property_holds(name):
        examples.append(name)
        check_name(probe, bound_parameters, name)

    property_holds()  # pylint: disable=no-value-for-parameter

    print('%d names checked' % len(examples))
    assert len(examples) >= 5000, len(examples)
    assert sum(len(name) > 1000 for name in examples) > 100
    assert any('\x00' in name for name in examples)
    assert any('__ref__' in name for name in examples)
    assert empty_cluster.raw_state() == state_before
    executions = empty_cluster.executions()[executions_before:]
    assert len(executions) == len(examples)
    assert {entry['mode'] for entry in executions} == {'read'}


def test_wildcard_names_are_refused(empty_cluster):
    probe = Probe(empty_cluster)
    wildcard_names = st.tuples(_text, st.sampled_from(WILDCARDS), _text, _piece).map(''.join)
    executions_before = len(empty_cluster.executions())

    @settings(max_examples=500, deadline=None, derandomize=True, database=None)
    @given(name=wildcard_names)
    def property_holds(name):
        result = probe.run(name)
        assert probe.executor.calls == []
        assert result.get('failed') is True
        assert result['msg'].startswith('VM %s: the name contains a wildcard character (* ? [ ])' % name)

    property_holds()  # pylint: disable=no-value-for-parameter
    assert len(empty_cluster.executions()) == executions_before


def test_batch_json_of_a_hostile_name_is_plain_data():
    """The JSON the runner gets keeps the name a string value: no new keys, steps or references appear."""
    from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch  # pylint: disable=import-outside-toplevel
    name = '"},{"op":"set","id":"x","target":"vm","properties":{"Priority":0}},{"__ref__":"nodes"}'
    batch = Batch('read').call('vm', 'Get-VM', {'Name': name})
    parsed = json.loads(batch.to_json())
    assert parsed == {'protocol': 1, 'mode': 'read', 'calls': [
        {'op': 'call', 'id': 'vm', 'cmdlet': 'Get-VM', 'parameters': {'Name': name}, 'select': None}]}
