"""hyperv.cluster.cluster_node on simulated labs: real playbooks, asserted on task results, lab state and executions.

The simulator implements Suspend-ClusterNode / Resume-ClusterNode as tests/sim/MIGRATION.md describes; these tests
assert what the module promises on top of that contract (see stepkit for the per-task executions and states).
"""

import pytest

from hvsim.state import LabState
from stepkit import STANDARD, run_steps

HV1_VMS = ['instance-00000001', 'instance-00000004', 'instance-00000007']
HV1_ROLES = ['Available Storage', 'Cluster Group'] + HV1_VMS
# 3 nodes; instance-00000001..09 clustered, VM n on hv((n-1) % 3 + 1); local-0001 (not clustered) on hv1.
MAINTENANCE = dict(nodes=3, vms=9, clustered_vms=9, local_vms=1)


def cluster_node(label, check=False, ignore_errors=False, **options):
    """A cluster_node task called ``label`` with module options ``options``, always with diff."""
    task = {'name': label, 'hyperv.cluster.cluster_node': options, 'diff': True}
    if check:
        task['check_mode'] = True
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def groups(show, cluster='hvc1'):
    return show['clusters'][cluster]['groups']


def owned(show, node):
    return sorted((name for name, group in groups(show).items() if group['owner'] == node), key=str.lower)


def node_state(show, node, cluster='hvc1'):
    return show['clusters'][cluster]['nodes'][node]


def set_memory(lab, **memory_mb):
    with LabState.open(lab.dir) as state:
        for node, value in memory_mb.items():
            state.data['nodes'][node]['hardware']['memory_mb'] = value


def assert_refused(step, *fragments, host='hv1'):
    result = step.result(host)
    assert result['failed'] is True, step
    assert result.get('changed', False) is False, step
    for fragment in fragments:
        assert fragment in result['msg'], (fragment, result['msg'])
    assert step.state_unchanged, step
    assert step.writes == [], step


# --- drain hv1 and take it back, with each failback -------------------------------------------------------------

@pytest.fixture(scope='module')
def maintenance(module_lab, tmp_path_factory):
    lab = module_lab('maintenance', **MAINTENANCE)
    with LabState.open(lab.dir) as state:
        # Only instance-00000004 is configured to fail back by policy.
        state.data['clusters']['hvc1']['groups']['instance-00000004']['auto_failback_type'] = 1
    return run_steps(lab, tmp_path_factory.mktemp('maintenance-play'), [
        cluster_node('check: drain hv1', check=True, name='hv1', state='paused'),
        cluster_node('drain hv1', name='hv1', state='paused'),
        cluster_node('rerun drain hv1', name='hv1', state='paused'),
        cluster_node('check: resume hv1', check=True, name='hv1', state='resumed', failback='immediate'),
        cluster_node('resume hv1 immediate', name='hv1', state='resumed', failback='immediate'),
        cluster_node('rerun resume hv1', name='hv1', state='resumed', failback='immediate'),
        cluster_node('drain hv1 again', name='hv1', state='paused'),
        cluster_node('resume hv1 policy', name='hv1', state='resumed', failback='policy'),
        cluster_node('drain hv1 a third time', name='hv1', state='paused'),
        cluster_node('resume hv1 none', name='hv1', state='resumed', failback='none'),
    ])


def test_the_maintenance_run_succeeds(maintenance):
    assert maintenance.run.rc == 0, maintenance.run
    assert maintenance.run.stats['hv1']['failures'] == 0


def test_drain_moves_every_role_of_the_node_in_at_most_three_executions(maintenance):
    step = maintenance['drain hv1']
    result = step.result()
    assert result['changed'] is True, step
    assert result['cluster_node'] == {'name': 'hv1', 'cluster': 'hvc1', 'state': 'Paused',
                                      'drain_status': 'Completed', 'roles': []}
    assert owned(step.show_before, 'hv1') == HV1_ROLES
    assert result['roles_moved'] == HV1_ROLES
    assert result['roles_moved_count'] == 5
    # One read, one cluster-native write: no per-VM moves.
    assert step.modes == ['read', 'write'], step
    assert len(step.executions) <= 3
    assert step.writes[0]['cmdlets'][0] == 'Suspend-ClusterNode'
    assert step.nodes == ['hv1']

    after = step.show_after
    assert node_state(after, 'hv1') == {'state': 'Paused', 'drain_status': 'Completed'}
    assert owned(after, 'hv1') == []
    for role, owner in result['roles_moved_to'].items():
        assert owner in ('hv2', 'hv3'), (role, owner)
        assert groups(after)[role]['owner'] == owner
    for vm in HV1_VMS:
        # Live-migrated: running where its role now is.
        assert after['vms'][vm]['host'] == groups(after)[vm]['owner']
        assert after['vms'][vm]['state'] == 'Running'
        assert groups(after)[vm]['state'] == 'Online'
    # The VM that is not clustered stays, and the task says so.
    assert after['vms']['local-0001'] == step.show_before['vms']['local-0001']
    assert any('local-0001' in warning and 'not clustered' in warning for warning in result['warnings']), result
    assert result['diff'] == {
        'before': {'state': 'Up', 'drain_status': 'NotInitiated', 'roles': HV1_ROLES},
        'after': {'state': 'Paused', 'drain_status': 'Completed', 'roles': []}}
    assert result['guards']['quorum']['ok'] is True and result['guards']['capacity']['unplaced'] == []
    assert result['duration_s'] > 0


def test_a_drained_node_is_no_change_in_one_read(maintenance):
    step = maintenance['rerun drain hv1']
    result = step.result()
    assert result['changed'] is False, step
    assert step.modes == ['read'], step
    assert step.state_unchanged, step
    assert result['diff']['before'] == result['diff']['after']
    assert result['cluster_node']['state'] == 'Paused'


def test_check_mode_predicts_the_drain_and_changes_nothing(maintenance):
    predicted, done = maintenance['check: drain hv1'], maintenance['drain hv1']
    assert predicted.modes == ['read'], predicted
    assert predicted.state_unchanged, predicted
    assert predicted.result()['changed'] is True
    for key in ('cluster_node', 'roles_moved', 'roles_moved_count', 'diff'):
        assert predicted.result()[key] == done.result()[key], key
    assert done.before_text == predicted.before_text


def test_resume_with_immediate_failback_brings_back_what_the_drain_moved(maintenance):
    check, step = maintenance['check: resume hv1'], maintenance['resume hv1 immediate']
    assert check.modes == ['read'] and check.state_unchanged
    assert check.result()['cluster_node']['state'] == 'Up'
    result = step.result()
    assert result['changed'] is True, step
    assert step.modes == ['read', 'write'], step
    assert step.writes[0]['cmdlets'][0] == 'Resume-ClusterNode'
    assert result['failback'] == 'immediate'
    assert result['cluster_node']['state'] == 'Up'
    assert result['roles_moved'] == maintenance['drain hv1'].result()['roles_moved']
    assert owned(step.show_after, 'hv1') == HV1_ROLES
    assert node_state(step.show_after, 'hv1')['state'] == 'Up'
    for vm in HV1_VMS:
        assert step.show_after['vms'][vm]['host'] == 'hv1'
        assert step.show_after['vms'][vm]['state'] == 'Running'
    rerun = maintenance['rerun resume hv1']
    assert rerun.result()['changed'] is False and rerun.modes == ['read'] and rerun.state_unchanged


def test_resume_with_policy_failback_brings_back_only_roles_that_allow_it(maintenance):
    drain = maintenance['drain hv1 again']
    assert drain.result()['roles_moved'] == HV1_ROLES
    step = maintenance['resume hv1 policy']
    result = step.result()
    assert result['changed'] is True, step
    assert result['roles_moved'] == ['instance-00000004']
    assert owned(step.show_after, 'hv1') == ['instance-00000004']
    assert step.show_after['vms']['instance-00000004']['host'] == 'hv1'


def test_resume_without_failback_brings_back_nothing(maintenance):
    drain = maintenance['drain hv1 a third time']
    assert drain.result()['roles_moved'] == ['instance-00000004']
    step = maintenance['resume hv1 none']
    result = step.result()
    assert result['changed'] is True, step
    assert result['roles_moved'] == []
    assert result['cluster_node']['state'] == 'Up'
    assert owned(step.show_after, 'hv1') == []
    assert groups(step.show_after) == groups(step.show_before)


# --- the quorum guard --------------------------------------------------------------------------------------------

def test_quorum_guard_refuses_to_pause_a_second_node_of_three_and_force_overrides_it(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    lab.fault('node-down', 'hv3')
    steps = run_steps(lab, tmp_path, [
        cluster_node('pause hv2 with hv3 down', ignore_errors=True, name='hv2', state='paused'),
        cluster_node('pause hv2 without drain', ignore_errors=True, name='hv2', state='paused', drain=False),
        cluster_node('check: force pause hv2', check=True, name='hv2', state='paused', force=True),
        cluster_node('force pause hv2', name='hv2', state='paused', force=True),
    ])
    for name in ('pause hv2 with hv3 down', 'pause hv2 without drain'):
        step = steps[name]
        assert_refused(step, 'cluster node hv2: pausing it could leave cluster hvc1 without quorum: 1 of its 3 votes '
                       'would remain (Up: hv1; no witness; already out: hv3 Down), and quorum needs 2',
                       'nothing was changed', 'Bring hv3 back Up', 'Or set force: true')
        assert step.modes == ['read'], step
        assert node_state(step.show_after, 'hv2')['state'] == 'Up'
    forced = steps['force pause hv2']
    result = forced.result()
    assert result['changed'] is True, forced
    assert result['warnings'][0].startswith('force: true overrode the quorum guard (pausing it could leave cluster '
                                            'hvc1 without quorum')
    assert 'if hv2 restarts or one more node fails, cluster hvc1 loses quorum and stops every role' in \
        result['warnings'][0]
    assert node_state(forced.show_after, 'hv2')['state'] == 'Paused'
    assert owned(forced.show_after, 'hv2') == []
    assert steps['check: force pause hv2'].result()['warnings'] == result['warnings']


def test_quorum_guard_with_a_witness(make_lab, tmp_path):
    # 3 nodes + a witness: 4 votes; with hv3 down, pausing hv2 leaves hv1 + the witness = 2 of 4: refused.
    three = make_lab(nodes=3, vms=3, clustered_vms=3)
    with LabState.open(three.dir) as state:
        state.data['clusters']['hvc1']['quorum']['witness'] = {
            'kind': 'file_share', 'share_path': '\\\\fs01.corp.example.com\\witness\\hvc1'}
    three.fault('node-down', 'hv3')
    (tmp_path / 'three').mkdir()
    refused = run_steps(three, tmp_path / 'three', [
        cluster_node('pause hv2', ignore_errors=True, name='hv2', state='paused')])['pause hv2']
    assert_refused(refused, '2 of its 4 votes would remain (Up: hv1; the witness online; already out: hv3 Down), '
                   'and quorum needs 3')
    # 4 nodes + a witness: 5 votes; with hv4 down, pausing hv2 leaves hv1, hv3 + the witness = 3 of 5: allowed.
    four = make_lab(nodes=4, vms=4, clustered_vms=4)
    assert four.show()['clusters']['hvc1']['quorum']['witness']
    four.fault('node-down', 'hv4')
    (tmp_path / 'four').mkdir()
    allowed = run_steps(four, tmp_path / 'four', [cluster_node('pause hv2', name='hv2', state='paused')])['pause hv2']
    result = allowed.result()
    assert result['changed'] is True, allowed
    assert result['guards']['quorum'] == {'ok': True, 'votes': 5, 'available': 3, 'needed': 3,
                                          'voters': ['hv1', 'hv3'], 'lost': {'hv2': 'taken out', 'hv4': 'Down'},
                                          'witness': 'online'}
    assert node_state(allowed.show_after, 'hv2')['state'] == 'Paused'


# --- the capacity guard -------------------------------------------------------------------------------------------

def test_capacity_guard_refuses_and_force_takes_the_risk_it_names(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=9, clustered_vms=9)
    # hv2 and hv3 run three 2 GiB VMs each in 7 GiB: 1 GiB is left on each, for the guard (no reserve asked) and for
    # the simulated hosts alike (they keep no hidden reserve): none of hv1's 2 GiB VMs fits.
    set_memory(lab, hv2=7168, hv3=7168)
    drain = dict(name='hv1', state='paused', host_memory_reserve_mb=0)
    steps = run_steps(lab, tmp_path, [
        cluster_node('drain hv1 short of memory', ignore_errors=True, **drain),
        cluster_node('check: drain hv1 short of memory', check=True, ignore_errors=True, **drain),
        cluster_node('force drain hv1', ignore_errors=True, force=True, **drain),
        cluster_node('force drain hv1 with force_drain', force=True, force_drain=True, **drain),
    ])
    for name in ('drain hv1 short of memory', 'check: drain hv1 short of memory'):
        step = steps[name]
        assert_refused(step, 'cluster node hv1: the other Up nodes (hv2, hv3) cannot host 3 of its 3 running VM(s) by '
                       'memory: instance-00000001, instance-00000004, instance-00000007 (6144 MB) do not fit, '
                       'counting 0 MB kept free per node; nothing was changed',
                       'Free memory on the other nodes', 'Or set force: true to pause it anyway (VMs that do not fit '
                       'stay on hv1 and the drain ends Failed, or with force_drain they are shut down and moved '
                       'offline)')
        assert step.modes == ['read'], step
        assert step.result()['guards']['capacity']['free_mb'] == {'hv2': 1024, 'hv3': 1024}

    forced = steps['force drain hv1']
    result = forced.result()
    assert result['failed'] is True and result['changed'] is True, forced
    assert 'force: true overrode the capacity guard' in result['warnings'][0]
    assert result['msg'].startswith('cluster node hv1: the drain did not empty the node: 3 of 5 role(s) did not move '
                                    '(instance-00000001, instance-00000004, instance-00000007); hv1 is Paused, '
                                    'DrainStatus Failed'), result['msg']
    assert 'force_drain: true' in result['msg']
    assert len(forced.executions) <= 3
    after = forced.show_after
    assert node_state(after, 'hv1') == {'state': 'Paused', 'drain_status': 'Failed'}
    assert owned(after, 'hv1') == HV1_VMS
    for vm in HV1_VMS:
        assert after['vms'][vm] == forced.show_before['vms'][vm]      # still running on hv1

    offline = steps['force drain hv1 with force_drain']
    result = offline.result()
    assert result['changed'] is True, offline
    assert offline.modes == ['read', 'write'], offline
    assert offline.writes[0]['cmdlets'][:2] == ['Resume-ClusterNode', 'Suspend-ClusterNode']
    assert result['cluster_node'] == {'name': 'hv1', 'cluster': 'hvc1', 'state': 'Paused',
                                      'drain_status': 'Completed', 'roles': []}
    assert result['roles_moved'] == HV1_VMS
    for vm in HV1_VMS:
        assert offline.show_after['vms'][vm]['host'] in ('hv2', 'hv3')
        assert offline.show_after['vms'][vm]['state'] == 'Off'


def test_capacity_guard_packs_each_vm_not_the_sum(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    # hv2, hv3: 16 GiB - 2 GiB running - 2 GiB reserve = 12288 MB free each (24576 in all); the 12289 MB VM fits on
    # neither. With 1 MB less reserve it fits.
    set_memory(lab, hv2=16384, hv3=16384)
    with LabState.open(lab.dir) as state:
        for vm in state.data['vms'].values():
            if vm['name'] == 'instance-00000001':
                vm['memory_mb'] = 12289
    steps = run_steps(lab, tmp_path, [
        cluster_node('drain hv1', ignore_errors=True, name='hv1', state='paused'),
        cluster_node('drain hv1 with less reserve', check=True, name='hv1', state='paused',
                     host_memory_reserve_mb=2047),
    ])
    assert_refused(steps['drain hv1'], 'cannot host 1 of its 1 running VM(s) by memory: instance-00000001 (12289 MB)')
    assert steps['drain hv1'].result()['guards']['capacity']['free_mb'] == {'hv2': 12288, 'hv3': 12288}
    assert steps['drain hv1 with less reserve'].result()['changed'] is True


def test_roles_that_need_no_memory_move_even_to_overcommitted_nodes(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=9, clustered_vms=9)
    set_memory(lab, hv2=4096, hv3=4096)      # each already runs 3 x 2 GiB in 4 GiB: overcommitted
    step = run_steps(lab, tmp_path, [cluster_node('force drain', ignore_errors=True, name='hv1', state='paused',
                                                  force=True, force_drain=True)])['force drain']
    # MIGRATION.md: offline roles move by changing owner; with -ForceDrain a role that fits nowhere is stopped and
    # moved offline.
    assert step.result().get('failed') is not True, step
    assert owned(step.show_after, 'hv1') == []


# --- which node, and refusals ---------------------------------------------------------------------------------------

def test_without_name_the_task_pauses_the_node_it_runs_on(make_lab, tmp_path):
    lab = make_lab(**STANDARD)
    steps = run_steps(lab, tmp_path, [
        cluster_node('pause myself', state='paused'),
        cluster_node('resume myself', state='resumed'),
        dict(cluster_node('pause the delegated node', state='paused', drain=False), delegate_to='hv3'),
    ], hosts='hv2')
    step = steps['pause myself']
    assert step.result('hv2')['cluster_node']['name'] == 'hv2', step
    assert step.nodes == ['hv2']
    assert node_state(step.show_after, 'hv2')['state'] == 'Paused'
    assert node_state(step.show_after, 'hv1')['state'] == 'Up'
    resumed = steps['resume myself']
    assert resumed.result('hv2')['cluster_node']['name'] == 'hv2', resumed
    assert node_state(resumed.show_after, 'hv2')['state'] == 'Up'
    delegated = steps['pause the delegated node']
    assert delegated.result('hv2')['cluster_node']['name'] == 'hv3', delegated
    assert delegated.nodes == ['hv3']
    assert node_state(delegated.show_after, 'hv3')['state'] == 'Paused'
    assert node_state(delegated.show_after, 'hv2')['state'] == 'Up'


BAD_INPUTS = [
    # step name, options, expected message parts, remote executions
    ('unknown node', dict(name='hv9', state='paused'),
     ['cluster node hv9: cluster hvc1 has no node of that name', 'Use one of: hv1, hv2, hv3.'], ['read']),
    ('unknown node to resume', dict(name='hv9', state='resumed'),
     ['cluster node hv9: cluster hvc1 has no node of that name'], ['read']),
    ('unknown target node', dict(name='hv1', state='paused', target_node='hv7'),
     ['cluster node hv1: target_node hv7 is not a node of cluster hvc1', 'Use another Up node: hv2, hv3.'],
     ['read']),
    ('target node is the node', dict(name='hv1', state='paused', target_node='HV1'),
     ['cluster node hv1: target_node is the node being drained'], ['read']),
    ('bad state', dict(name='hv1', state='drained'), ['state', 'paused, resumed', 'drained'], []),
    ('missing state', dict(name='hv1'), ['missing required arguments: state'], []),
    ('bad failback', dict(name='hv1', state='resumed', failback='later'),
     ['failback', 'immediate, policy, none', 'later'], []),
    ('failback when pausing', dict(name='hv1', state='paused', failback='immediate'),
     ['cluster node hv1: failback only applies with state=resumed', 'Remove it from the task'], []),
    ('drain options when resuming', dict(name='hv1', state='resumed', force_drain=True, target_node='hv2'),
     ['cluster node hv1: force_drain, target_node only apply with state=paused'], []),
    ('force_drain without drain', dict(name='hv1', state='paused', drain=False, force_drain=True),
     ['force_drain and target_node only apply when the node is drained'], []),
    ('negative reserve', dict(name='hv1', state='paused', host_memory_reserve_mb=-1),
     ['host_memory_reserve_mb cannot be negative'], []),
    ('unknown option', dict(name='hv1', state='paused', timeout=600), ['Unsupported parameters', 'timeout'], []),
]


@pytest.fixture(scope='module')
def refusals(module_lab, tmp_path_factory):
    lab = module_lab('refusals', **STANDARD)
    return run_steps(lab, tmp_path_factory.mktemp('refusals-play'),
                     [cluster_node(label, ignore_errors=True, **options) for label, options, _parts, _modes
                      in BAD_INPUTS])


@pytest.mark.parametrize('name, options, parts, modes', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_without_any_change(refusals, name, options, parts, modes):
    step = refusals[name]
    assert_refused(step, *parts)
    assert step.modes == modes, step


def test_all_refusals_together_left_the_lab_as_it_was(refusals):
    assert refusals.raw_after == refusals.raw_before
    assert refusals.run.stats['hv1']['ignored'] == len(BAD_INPUTS)


def test_down_nodes_can_be_neither_paused_nor_resumed(make_lab, tmp_path):
    lab = make_lab(nodes=4, vms=4, clustered_vms=4)
    lab.fault('node-down', 'hv4')
    steps = run_steps(lab, tmp_path, [
        cluster_node('pause the down node', ignore_errors=True, name='hv4', state='paused'),
        cluster_node('resume the down node', ignore_errors=True, name='hv4', state='resumed'),
    ])
    assert_refused(steps['pause the down node'], 'cluster node hv4: the node is Down, and only an Up node can be '
                   'paused', 'Start-ClusterNode hv4')
    assert_refused(steps['resume the down node'], 'cluster node hv4: the node is Down, and only a Paused node can be '
                   'resumed')


def test_a_node_that_is_not_in_a_cluster_is_refused(make_lab, tmp_path):
    lab = make_lab(preset='prepared')
    steps = run_steps(lab, tmp_path, [
        cluster_node('pause', ignore_errors=True, name='hv1', state='paused'),
        cluster_node('resume', ignore_errors=True, state='resumed'),
    ])
    for name, subject in (('pause', 'cluster node hv1'), ('resume', 'cluster node hv1')):
        step = steps[name]
        assert_refused(step, '%s: host hv1 is not an active member of a failover cluster, so it cannot pause or '
                       'resume a cluster node' % subject, 'Run the task on a node of the cluster')
        assert step.modes == ['read'], step


# --- the --check --diff command line, with the default callback ---------------------------------------------------

def test_check_and_diff_on_the_command_line_print_before_and_after(make_lab, tmp_path):
    lab = make_lab(**STANDARD)
    playbook = lab.tasks_playbook(tmp_path, [{'name': 'drain hv2', 'hyperv.cluster.cluster_node': {
        'name': 'hv2', 'state': 'paused'}}])
    before = lab.raw_state()
    run = lab.playbook(playbook, check=True, diff=True, env={'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.default'})
    assert run.rc == 0, run
    assert lab.raw_state() == before
    assert [entry['mode'] for entry in lab.executions()] == ['read']
    out = run.stdout
    for line in ('--- before', '+++ after', '-    "drain_status": "NotInitiated",', '+    "drain_status": "Completed",',
                 '-        "instance-00000002"', '-    "state": "Up"', '+    "state": "Paused"', 'changed: [hv1]'):
        assert line in out, (line, out)
