"""The day-2 playbooks (vm_migrate, node_drain, node_resume, evacuate, rolling_maintenance) as an operator or an AWX
job template runs them: all input as extra vars, on simulated labs, with the lab state checked after every run."""

import os

import pytest

from labkit import REPO_ROOT

PLAYBOOKS = os.path.join(REPO_ROOT, 'playbooks')


def playbook(name):
    return os.path.join(PLAYBOOKS, name + '.yml')


class Run:
    """A playbook run, the remote executions it caused and the lab before and after."""

    def __init__(self, lab, name, **extra_vars):
        before = len(lab.executions())
        self.show_before, self.raw_before = lab.show(), lab.raw_state()
        self.run = lab.playbook(playbook(name), extra_vars=extra_vars or None)
        self.executions = lab.executions()[before:]
        self.show_after, self.raw_after = lab.show(), lab.raw_state()

    @property
    def modes(self):
        return [(entry['node'], entry['mode']) for entry in self.executions]

    @property
    def writes(self):
        return [entry for entry in self.executions if entry['mode'] == 'write']

    def failure(self):
        """The one failed task: (task name, host, message)."""
        failed = [(task['name'], host, result.get('msg', ''))
                  for task in self.run.tasks() for host, result in task['hosts'].items()
                  if result.get('failed') and not result.get('ignore_errors')]
        assert len(failed) == 1, (failed, self.run)
        return failed[0]

    def __repr__(self):
        return repr(self.run)


def vm(number):
    return 'instance-%08x' % number


def groups(show, cluster):
    return {name: group for name, group in show['clusters'][cluster]['groups'].items()
            if group['type'] == 'VirtualMachine'}


def owned(show, cluster, node):
    return sorted(name for name, group in show['clusters'][cluster]['groups'].items() if group['owner'] == node)


def assert_nothing_changed(run):
    assert run.writes == [], run
    assert run.raw_after == run.raw_before, run


# --- vm_migrate.yml -------------------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def two_clusters(module_lab):
    # hvc1 = hv1..hv3, hvc2 = hv4, hv5; instance-n runs on hv((n-1) % 5 + 1); 1..8 clustered, 9 and 10 not.
    return module_lab('migrate', nodes=5, clusters=2, vms=10, clustered_vms=8)


def test_vm_migrate_inside_a_cluster_then_rerun(two_clusters):
    lab = two_clusters
    moved = Run(lab, 'vm_migrate', hyperv_vm=vm(1), hyperv_destination='hv2')
    assert moved.run.rc == 0, moved
    result = moved.run.result('Migrate the VM', 'hv1')
    assert result['changed'] is True and result['migration']['path'] == 'cluster_live'
    # The cluster's leader finds the role (one read per cluster), then moves it: one read, one write.
    assert sorted(moved.modes) == [('hv1', 'read'), ('hv1', 'read'), ('hv1', 'write'), ('hv4', 'read')]
    assert groups(moved.show_after, 'hvc1')[vm(1)]['owner'] == 'hv2'
    assert moved.show_after['vms'][vm(1)] == dict(moved.show_before['vms'][vm(1)], host='hv2')
    shown = moved.run.result('Show the migration', 'hv1')['msg']
    assert shown.startswith('instance-00000001: cluster_live from hv1 to hv2 in ')
    assert shown.endswith(' ms; Running on hv2, clustered in hvc1'), shown

    again = Run(lab, 'vm_migrate', hyperv_vm=vm(1), hyperv_destination='hv2')
    assert again.run.rc == 0, again
    assert {host: stats['changed'] for host, stats in again.run.stats.items()} == {
        'hv1': 0, 'hv2': 0, 'hv3': 0, 'hv4': 0, 'hv5': 0, 'localhost': 0}
    assert again.run.result('Migrate the VM', 'hv1')['migration']['path'] == 'none'
    assert again.run.result('Show the migration', 'hv1')['msg'] == (
        'instance-00000001: already on hv2, nothing to do; Running on hv2, clustered in hvc1')
    assert_nothing_changed(again)


def test_vm_migrate_to_another_cluster_reclusters_it(two_clusters):
    lab = two_clusters
    run = Run(lab, 'vm_migrate', hyperv_vm=vm(3), hyperv_destination='hv5.corp.example.com',
              hyperv_destination_storage_path='C:\\ClusterStorage\\Volume2')
    assert run.run.rc == 0, run
    migration = run.run.result('Migrate the VM', 'hv1')['migration']
    assert migration['path'] == 'shared_nothing' and migration['storage_moved'] is True
    assert vm(3) not in run.show_after['clusters']['hvc1']['groups']
    group = groups(run.show_after, 'hvc2')[vm(3)]
    assert (group['owner'], group['state'], group['priority']) == ('hv5', 'Online', 2000)
    moved = run.show_after['vms'][vm(3)]
    assert (moved['host'], moved['state'], moved['clustered']) == ('hv5', 'Running', True)
    assert moved['path'] == 'C:\\ClusterStorage\\Volume2\\' + vm(3)


def test_vm_migrate_an_unclustered_vm_needs_its_host(two_clusters):
    lab = two_clusters
    # instance-00000009 runs on hv4 and is not a clustered role: the play cannot find it by its role.
    lost = Run(lab, 'vm_migrate', hyperv_vm=vm(9), hyperv_destination='hv5')
    assert lost.run.rc != 0
    task, host, message = lost.failure()
    assert task == 'Check that exactly one cluster has the VM'
    assert message == ('VM instance-00000009 is not a clustered role in any cluster of hyperv that answered (%s, hv4). '
                       'If it is not clustered, give the host that runs it: -e hyperv_vm_host=HOST.' % host)
    assert_nothing_changed(lost)

    run = Run(lab, 'vm_migrate', hyperv_vm=vm(9), hyperv_destination='hv5', hyperv_vm_host='hv4')
    assert run.run.rc == 0, run
    # No search: the given host moves it (one read, one write).
    assert run.modes == [('hv4', 'read'), ('hv4', 'write')]
    moved = run.show_after['vms'][vm(9)]
    assert (moved['host'], moved['state'], moved['clustered']) == ('hv5', 'Running', False)


@pytest.mark.parametrize('extra_vars, message', [
    ({}, 'Give the VM and where to move it: -e hyperv_vm=NAME -e hyperv_destination=NODE'),
    ({'hyperv_vm': vm(2)}, 'Give the VM and where to move it'),
    ({'hyperv_vm': vm(2), 'hyperv_destination': 'hv3', 'hyperv_migration_type': 'teleport'},
     'hyperv_migration_type (live, quick or cold; got teleport)'),
], ids=['nothing', 'no destination', 'bad type'])
def test_vm_migrate_bad_input_changes_nothing(two_clusters, extra_vars, message):
    run = Run(two_clusters, 'vm_migrate', **extra_vars)
    assert run.run.rc != 0
    task, host, text = run.failure()
    assert (task, host) == ('Check that a VM and a destination are given', 'localhost')
    assert message in text
    assert run.executions == []
    assert run.raw_after == run.raw_before


def test_vm_migrate_unknown_destination_and_down_destination(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    unknown = Run(lab, 'vm_migrate', hyperv_vm=vm(1), hyperv_destination='hv9')
    assert unknown.run.rc != 0
    task, host, message = unknown.failure()
    assert (task, host) == ('Migrate the VM', 'hv1')
    assert 'hv9' in message
    assert_nothing_changed(unknown)

    lab.fault('node-down', 'hv3')
    down = Run(lab, 'vm_migrate', hyperv_vm=vm(1), hyperv_destination='hv3')
    assert down.run.rc != 0
    _task, _host, message = down.failure()
    assert 'hv3' in message and 'Down' in message, message
    assert_nothing_changed(down)
    assert down.show_after['vms'][vm(1)]['host'] == 'hv1'


# --- node_drain.yml and node_resume.yml -------------------------------------------------------------------------------

def test_drain_then_resume_with_failback(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    drain = Run(lab, 'node_drain', hyperv_node='hv3')
    assert drain.run.rc == 0, drain
    assert drain.modes == [('hv3', 'read'), ('hv3', 'write')]
    assert drain.show_after['clusters']['hvc1']['nodes']['hv3'] == {'state': 'Paused', 'drain_status': 'Completed'}
    assert owned(drain.show_after, 'hvc1', 'hv3') == []
    assert {vm_['state'] for vm_ in drain.show_after['vms'].values()} == {'Running'}
    assert drain.run.result('Show the node', 'hv3')['msg'] == (
        'hv3 (hvc1) is Paused, drain Completed; 2 role(s) moved away: instance-00000003, instance-00000006')

    again = Run(lab, 'node_drain', hyperv_node='hv3')
    assert again.run.rc == 0 and again.run.changed('hv3') == 0, again
    assert_nothing_changed(again)

    resume = Run(lab, 'node_resume', hyperv_node='hv3', hyperv_failback='immediate')
    assert resume.run.rc == 0, resume
    assert resume.show_after['clusters']['hvc1']['nodes']['hv3']['state'] == 'Up'
    assert owned(resume.show_after, 'hvc1', 'hv3') == [vm(3), vm(6)]


def test_resume_defaults_to_the_roles_failback_policy(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    assert Run(lab, 'node_drain', hyperv_node='hv2').run.rc == 0
    resume = Run(lab, 'node_resume', hyperv_node='hv2')
    assert resume.run.rc == 0, resume
    assert resume.run.result('Resume this node', 'hv2')['failback'] == 'policy'
    assert owned(resume.show_after, 'hvc1', 'hv2') == []       # no role has failback enabled


def test_drain_refused_by_the_quorum_guard_changes_nothing(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    lab.fault('node-down', 'hv1')
    run = Run(lab, 'node_drain', hyperv_node='hv2')
    assert run.run.rc != 0
    task, host, message = run.failure()
    assert (task, host) == ('Pause and drain this node', 'hv2')
    assert 'quorum' in message and 'nothing was changed' in message, message
    assert_nothing_changed(run)


def test_drain_several_nodes_one_at_a_time_stops_at_the_guard(make_lab):
    # 3 nodes, no witness: pausing hv2 leaves 2 of 3 votes; pausing hv3 too would leave 1, so the guard stops it.
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    run = Run(lab, 'node_drain', hyperv_node='hv2:hv3')
    assert run.run.rc != 0
    task, host, message = run.failure()
    assert (task, host) == ('Pause and drain this node', 'hv3')
    assert 'quorum' in message, message
    nodes = run.show_after['clusters']['hvc1']['nodes']
    assert (nodes['hv2']['state'], nodes['hv3']['state']) == ('Paused', 'Up')


def test_drain_resume_and_evacuate_need_a_node(make_lab):
    lab = make_lab(nodes=3)
    for name in ('node_drain', 'node_resume', 'evacuate'):
        run = Run(lab, name)
        assert run.run.rc != 0
        task, host, message = run.failure()
        assert (task, host) == ('Check that a node is given', 'localhost')
        assert message.startswith('Give the node to '), message
        assert run.executions == []


# --- evacuate.yml -----------------------------------------------------------------------------------------------------

def test_evacuate_refuses_first_when_unclustered_vms_have_nowhere_to_go(make_lab):
    # hv1 runs instance-1 and -4 (clustered) and local-0001 (on its own disk, not clustered).
    lab = make_lab(nodes=3, vms=6, clustered_vms=6, local_vms=1)
    run = Run(lab, 'evacuate', hyperv_node='hv1')
    assert run.run.rc != 0
    task, host, message = run.failure()
    assert (task, host) == ('Check that every VM a drain leaves behind has somewhere to go', 'hv1')
    assert message.startswith('hv1 runs 1 VM(s) that are not clustered roles, which a cluster drain does not move: '
                              'local-0001. Nothing was changed.'), message
    assert run.modes == [('hv1', 'read')]
    assert_nothing_changed(run)


def test_evacuate_empties_the_node_and_a_rerun_changes_nothing(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=4, local_vms=1)
    # hv1: instance-1, -4 (clustered), local-0001 (local disk); hv2: instance-2, -5 (5 not clustered).
    run = Run(lab, 'evacuate', hyperv_node='hv1', hyperv_evacuate_to='hv3')
    assert run.run.rc == 0, run
    assert run.show_after['clusters']['hvc1']['nodes']['hv1'] == {'state': 'Paused', 'drain_status': 'Completed'}
    assert owned(run.show_after, 'hvc1', 'hv1') == []
    on_hv1 = [name for name, vm_ in run.show_after['vms'].items() if vm_['host'] == 'hv1']
    assert on_hv1 == []
    local = run.show_after['vms']['local-0001']
    assert (local['host'], local['state'], local['clustered']) == ('hv3', 'Running', False)
    assert {vm_['state'] for vm_ in run.show_after['vms'].values()} == {'Running'}
    assert run.run.result('Show what left the node', 'hv1')['msg'][2] == 'VMs moved to hv3: local-0001'

    again = Run(lab, 'evacuate', hyperv_node='hv1', hyperv_evacuate_to='hv3')
    assert again.run.rc == 0 and again.run.changed('hv1') == 0, again
    assert again.modes == [('hv1', 'read'), ('hv1', 'read')]
    assert_nothing_changed(again)


def test_evacuate_can_leave_unclustered_vms(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3, local_vms=1)
    run = Run(lab, 'evacuate', hyperv_node='hv1', hyperv_evacuate_leave_unclustered=True)
    assert run.run.rc == 0, run
    assert owned(run.show_after, 'hvc1', 'hv1') == []
    assert run.show_after['vms']['local-0001']['host'] == 'hv1'
    assert run.run.result('Show what left the node', 'hv1')['msg'][3] == 'VMs left on the node: local-0001'


# --- rolling_maintenance.yml ------------------------------------------------------------------------------------------

ROLLING = dict(hyperv_health_delay=0, hyperv_health_retries=2)


def node_of(show, name):
    return show['nodes'][name]


def test_rolling_maintenance_patches_every_node_with_the_vms_kept_running(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    run = Run(lab, 'rolling_maintenance', **ROLLING)
    assert run.run.rc == 0, run
    for name in ('hv1', 'hv2', 'hv3'):
        node = node_of(run.show_after, name)
        assert (node['state'], node['pending_reboot']) == ('Up', False), node
        # win_updates' default categories: the cumulative update and the rollup; odd nodes keep the definition update.
        assert node['updates_available'] == (1 if name in ('hv1', 'hv3') else 0), node
        assert run.run.result('Run the maintenance on the drained node', name) is not None
    # Every VM is where it was (failback immediate), and none ever stopped: a stop would show as a clustered role
    # failed over or Off.
    assert {name: vm_['host'] for name, vm_ in run.show_after['vms'].items()} == {
        name: vm_['host'] for name, vm_ in run.show_before['vms'].items()}
    assert {vm_['state'] for vm_ in run.show_after['vms'].values()} == {'Running'}
    # Nodes go one at a time: every remote execution of a node's maintenance happens before the next node's first.
    order = [node for node, _mode in run.modes]
    assert order == sorted(order, key=lambda node: int(node[2:])), order
    for name in ('hv1', 'hv2', 'hv3'):
        assert run.run.result('Drain this node', name)['cluster_node']['drain_status'] == 'Completed'
        assert run.run.result('Resume this node', name)['failback'] == 'immediate'


def test_rolling_maintenance_refuses_a_node_with_vms_a_drain_leaves_behind(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3, local_vms=1)      # local-0001 runs on hv1
    run = Run(lab, 'rolling_maintenance', **ROLLING)
    assert run.run.rc != 0
    task, host, message = run.failure()
    assert (task, host) == ('Check that no VM would stop with the node', 'hv1')
    assert 'local-0001' in message and 'Nothing was changed on this node' in message
    assert_nothing_changed(run)
    assert 'hv2' not in {node for node, _mode in run.modes}

    accepted = Run(lab, 'rolling_maintenance', hyperv_stop_unclustered_vms=True, **ROLLING)
    assert accepted.run.rc == 0, accepted
    assert node_of(accepted.show_after, 'hv1')['pending_reboot'] is False


def test_rolling_maintenance_stops_at_the_first_failure_with_the_cluster_serving(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    lab.fault('update-fail', 'hv2')
    run = Run(lab, 'rolling_maintenance', **ROLLING)
    assert run.run.rc != 0
    task, host, _message = run.failure()
    assert (task, host) == ('Install Windows updates and restart as needed', 'hv2')
    nodes = run.show_after['clusters']['hvc1']['nodes']
    # hv1 done, hv2 left drained for the operator, hv3 never touched.
    assert nodes['hv1']['state'] == 'Up' and nodes['hv3']['state'] == 'Up'
    assert nodes['hv2'] == {'state': 'Paused', 'drain_status': 'Completed'}
    assert owned(run.show_after, 'hvc1', 'hv2') == []
    assert 'hv3' not in {node for node, _mode in run.modes}
    assert node_of(run.show_after, 'hv3')['updates_available'] == node_of(run.show_before, 'hv3')['updates_available']
    assert {vm_['state'] for vm_ in run.show_after['vms'].values()} == {'Running'}

    # A rerun over every node stops at hv1: hv2 still counts as out, and the quorum guard says so.
    everything = Run(lab, 'rolling_maintenance', **ROLLING)
    assert everything.run.rc != 0
    task, host, message = everything.failure()
    assert (task, host) == ('Check that draining this node keeps quorum and that the other nodes can host its VMs',
                            'hv1')
    assert 'already out: hv2 Paused' in message, message
    assert_nothing_changed(everything)

    # Fixed (the fault was consumed): the rerun from hv2 finishes it, from its paused state, and hv3.
    rerun = Run(lab, 'rolling_maintenance', hyperv_target='hv2:hv3', **ROLLING)
    assert rerun.run.rc == 0, rerun
    assert {node['state'] for node in rerun.show_after['clusters']['hvc1']['nodes'].values()} == {'Up'}
    assert node_of(rerun.show_after, 'hv3')['pending_reboot'] is False


def test_rolling_maintenance_does_not_start_on_an_unhealthy_cluster(make_lab):
    lab = make_lab(nodes=4, vms=4, clustered_vms=4)      # 4 nodes + file share witness: 5 votes
    lab.fault('node-down', 'hv4')
    run = Run(lab, 'rolling_maintenance', hyperv_target='hv1:hv2:hv3', **ROLLING)
    assert run.run.rc != 0
    task, host, message = run.failure()
    assert (task, host) == ('Check that the rest of the cluster is healthy', 'hv1')
    assert 'hv4=Down' in message and 'Nothing was changed on this node' in message, message
    assert_nothing_changed(run)


def test_rolling_maintenance_runs_the_users_tasks(make_lab, tmp_path):
    lab = make_lab(nodes=2, vms=2, clustered_vms=2)
    hook = tmp_path / 'firmware.yml'
    hook.write_text('- name: Flash the firmware\n'
                    '  ansible.builtin.debug:\n'
                    '    msg: "firmware of {{ inventory_hostname }} while it owns no role"\n', encoding='utf-8')
    run = Run(lab, 'rolling_maintenance', hyperv_maintenance_tasks=str(hook), **ROLLING)
    assert run.run.rc == 0, run
    for name in ('hv1', 'hv2'):
        assert run.run.result('Flash the firmware', name)['msg'] == 'firmware of %s while it owns no role' % name
        assert node_of(run.show_after, name)['updates_available'] == node_of(run.show_before, name)['updates_available']
    assert {node['state'] for node in run.show_after['clusters']['hvc1']['nodes'].values()} == {'Up'}
