"""hyperv.cluster.vm_migration on simulated labs: real playbooks, asserted on task results, lab state and executions.

Three playbook runs, each on its own lab (see stepkit): every path, every refusal, every fault kind. Labs have two
clusters; hv6 is taken out of hvc2 to be a standalone Hyper-V host where a test needs one.
"""

import os

import pytest

from hvsim.state import LabState
from labkit import REPO_ROOT
from stepkit import run_steps

LAB_SCRIPT = os.path.join(REPO_ROOT, 'scripts', 'lab')


def vm(number):
    return 'instance-%08x' % number


def migrate(label, check=False, ignore_errors=False, delegate_to=None, **options):
    """A vm_migration task called ``label`` with module options ``options``, always with diff."""
    task = {'name': label, 'hyperv.cluster.vm_migration': options, 'diff': True}
    if check:
        task['check_mode'] = True
    if ignore_errors:
        task['ignore_errors'] = True
    if delegate_to:
        task['delegate_to'] = delegate_to
    return task


def lab_fault(label, kind, node):
    """Arm a migration fault (or power a node) between two tasks of the play, as `scripts/lab fault` does."""
    return {'name': label, 'ansible.builtin.command': {'argv': [LAB_SCRIPT, 'fault', '{{ hyperv_lab_dir }}', kind,
                                                                node]},
            'delegate_to': 'localhost', 'run_once': True, 'changed_when': False}


def records(raw, name):
    """Every registered copy of the VM called ``name`` (the lab keeps VMs by Id)."""
    return [record for record in raw['vms'].values() if record['name'] == name]


def where(show, name):
    """Host, state, and the cluster role (owner, priority, preferred owners) of a VM, from `lab show`."""
    record = show['vms'][name]
    role = None
    for cluster_name, cluster in show['clusters'].items():
        group = cluster['groups'].get(name)
        if group is not None:
            role = (cluster_name, group['owner'], group['priority'], group['preferred_owners'])
    return {'host': record['host'], 'state': record['state'], 'role': role, 'path': record['path']}


def make_standalone(lab, node):
    """Take ``node`` out of its cluster: a prepared standalone Hyper-V host whose VMs are unclustered, on D:."""
    with LabState.open(lab.dir) as state:
        cluster = state.cluster_of(node)
        del cluster['nodes'][node]
        state.node(node)['cluster'] = None
        remaining = sorted(cluster['nodes'])
        for csv in cluster['csvs'].values():
            if csv['owner'] == node:
                csv['owner'] = remaining[0]
        for key, group in list(cluster['groups'].items()):
            if group['owner'] == node:
                if group['type'] == 'VirtualMachine':
                    del cluster['groups'][key]
                else:
                    group['owner'] = remaining[0]
        for record in state.vms.values():
            if record['host'] == node:
                record['path'] = 'D:\\Hyper-V\\%s' % record['name']
                record['vhds'] = ['%s\\Virtual Hard Disks\\%s.vhdx' % (record['path'], record['name'])]


def edit(lab, change):
    with LabState.open(lab.dir) as state:
        change(state)


def succeeded(step, host='hv1'):
    result = step.result(host)
    assert not result.get('failed'), step
    return result


# --- every path, from hv1 --------------------------------------------------------------------------------------------
# hvc1 = hv1..hv3, hvc2 = hv4, hv5; hv6 standalone. instance-n runs on hv((n-1) % 6 + 1), clustered except on hv6.

CROSS = dict(name=vm(2), destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume2')


@pytest.fixture(scope='module')
def paths(module_lab, tmp_path_factory):
    lab = module_lab('paths', nodes=6, clusters=2, vms=12, clustered_vms=12)
    make_standalone(lab, 'hv6')

    def prepare(state):
        hvc1 = state.cluster('hvc1')
        hvc1['groups'][vm(2)].update(priority=3000, preferred_owners=['hv2', 'hv1'])
        del hvc1['groups'][vm(3)]                # instance-00000003: an unclustered VM on a CSV of hvc1
    edit(lab, prepare)
    return run_steps(lab, tmp_path_factory.mktemp('paths-play'), [
        migrate('check: cluster live', check=True, name=vm(1), destination='hv2'),
        migrate('cluster live', name=vm(1), destination='hv2'),
        migrate('rerun cluster live', name=vm(1), destination='hv2'),
        migrate('cluster quick', name=vm(7), destination='HV3', type='quick', timeout=120),
        migrate('check: to another cluster', check=True, **CROSS),
        migrate('to another cluster', **CROSS),
        migrate('rerun to another cluster', **CROSS),
        migrate('to a standalone host', name=vm(8), destination='hv6.corp.example.com'),
        migrate('unclustered inside its cluster', name=vm(3), destination='hv1'),
        migrate('check: cold inside the cluster', check=True, name=vm(9), destination='hv2', type='cold'),
        migrate('cold inside the cluster', name=vm(9), destination='hv2', type='cold'),
        migrate('cold to another cluster', name=vm(1), destination='hv5', type='cold', cold_action='save',
                destination_storage_path='C:\\ClusterStorage\\Volume1'),
        migrate('from a standalone host', delegate_to='hv6', name=vm(6), destination='hv1'),
        migrate('rerun from a standalone host', delegate_to='hv6', name=vm(6), destination='hv1'),
    ])


def test_the_paths_run_succeeds(paths):
    assert paths.run.rc == 0, paths.run
    assert paths.run.stats['hv1']['failures'] == 0


@pytest.mark.parametrize('name, path, source, destination', [
    ('cluster live', 'cluster_live', 'hv1', 'hv2'),
    ('cluster quick', 'cluster_quick', 'hv1', 'hv3'),
    ('to another cluster', 'shared_nothing', 'hv2', 'hv4'),
    ('to a standalone host', 'shared_nothing', 'hv2', 'HV6'),
    ('unclustered inside its cluster', 'shared_nothing', 'hv3', 'hv1'),
    ('cold inside the cluster', 'cold', 'hv3', 'hv2'),
    ('cold to another cluster', 'cold', 'hv2', 'hv5'),
    ('from a standalone host', 'shared_nothing', 'HV6', 'hv1'),
])
def test_each_path_is_one_read_and_one_write_and_says_which_path_it_took(paths, name, path, source, destination):
    step = paths[name]
    result = succeeded(step)
    assert result['changed'] is True
    assert step.modes == ['read', 'write'], step
    migration = result['migration']
    assert (migration['path'], migration['source'], migration['destination']) == (path, source, destination)
    assert migration['duration_ms'] > 0
    assert migration['vm']['host'].lower() == destination.lower()
    assert step.show_after['vms'][migration['vm']['name']]['host'] == destination.lower()
    assert len(records(step.raw_after, migration['vm']['name'])) == 1
    assert result['diff']['before']['host'].lower() == source.lower()
    assert result['diff']['after']['host'].lower() == destination.lower()


def test_cluster_live_moves_the_role_and_nothing_else(paths):
    step = paths['cluster live']
    assert where(step.show_before, vm(1)) == {'host': 'hv1', 'state': 'Running', 'role': ('hvc1', 'hv1', 2000, []),
                                              'path': 'C:\\ClusterStorage\\Volume1\\' + vm(1)}
    assert where(step.show_after, vm(1)) == dict(where(step.show_before, vm(1)), host='hv2',
                                                 role=('hvc1', 'hv2', 2000, []))
    # 2 GiB of memory: about 2 s of simulated live migration.
    assert 2048 <= step.result()['migration']['duration_ms'] < 3000
    others = {name: record for name, record in step.show_after['vms'].items() if name != vm(1)}
    assert others == {name: record for name, record in step.show_before['vms'].items() if name != vm(1)}


def test_a_rerun_changes_nothing_and_costs_one_read(paths):
    for name in ('rerun cluster live', 'rerun to another cluster', 'rerun from a standalone host'):
        step = paths[name]
        result = succeeded(step, 'hv1')
        assert result['changed'] is False, step
        assert result['migration']['path'] == 'none'
        assert result['migration']['duration_ms'] == 0
        assert step.modes == ['read'], step
        assert step.state_unchanged, step
        assert result['diff']['before'] == result['diff']['after']


def test_another_cluster_reclusters_the_vm_with_its_priority(paths):
    step = paths['to another cluster']
    result = step.result()
    assert where(step.show_before, vm(2))['role'] == ('hvc1', 'hv2', 3000, ['hv2', 'hv1'])
    after = where(step.show_after, vm(2))
    # hvc1's preferred owners mean nothing in hvc2: dropped, with a warning.
    assert after == {'host': 'hv4', 'state': 'Running', 'role': ('hvc2', 'hv4', 3000, []),
                     'path': 'C:\\ClusterStorage\\Volume2\\' + vm(2)}
    assert result['migration']['storage_moved'] is True
    assert result['migration']['vm'] == {
        'name': vm(2), 'id': step.show_before['vms'][vm(2)]['id'], 'host': 'hv4', 'state': 'Running',
        'clustered': True, 'cluster': 'hvc2', 'owner_node': 'hv4', 'priority': 3000, 'preferred_owners': [],
        'path': 'C:\\ClusterStorage\\Volume2\\' + vm(2)}
    assert any('hv2, hv1 are not nodes of cluster hvc2' in warning for warning in result['warnings'])
    assert [entry['node'] for entry in step.executions] == ['hv1', 'hv1']


def test_a_standalone_destination_leaves_the_vm_unclustered(paths):
    step = paths['to a standalone host']
    result = step.result()
    assert where(step.show_after, vm(8)) == {'host': 'hv6', 'state': 'Running', 'role': None,
                                             'path': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\' + vm(8)}
    assert result['migration']['vm']['clustered'] is False and result['migration']['vm']['cluster'] is None
    assert any('no longer clustered' in warning for warning in result['warnings'])


def test_an_unclustered_vm_on_a_csv_moves_without_its_storage(paths):
    step = paths['unclustered inside its cluster']
    result = step.result()
    assert result['migration']['storage_moved'] is False
    assert where(step.show_after, vm(3)) == dict(where(step.show_before, vm(3)), host='hv1')
    assert where(step.show_after, vm(3))['role'] is None
    assert step.writes[0]['cmdlets'][0] == 'Move-VM'


def test_cold_moves_stop_move_and_start(paths):
    inside = paths['cold inside the cluster']
    assert inside.writes[0]['cmdlets'][:2] == ['Move-ClusterVirtualMachineRole', 'Start-VM']
    assert where(inside.show_after, vm(9)) == {'host': 'hv2', 'state': 'Running',
                                               'role': ('hvc1', 'hv2', 2000, []),
                                               'path': 'C:\\ClusterStorage\\Volume2\\' + vm(9)}
    across = paths['cold to another cluster']
    assert across.writes[0]['cmdlets'][:5] == ['Save-VM', 'Remove-ClusterGroup', 'Move-VM',
                                               'Add-ClusterVirtualMachineRole', 'Start-VM']
    assert where(across.show_after, vm(1)) == {'host': 'hv5', 'state': 'Running',
                                               'role': ('hvc2', 'hv5', 2000, []),
                                               'path': 'C:\\ClusterStorage\\Volume1\\' + vm(1)}


def test_from_a_standalone_host_the_task_runs_there(paths):
    step = paths['from a standalone host']
    assert [entry['node'] for entry in step.executions] == ['hv6', 'hv6']
    assert where(step.show_after, vm(6)) == {'host': 'hv1', 'state': 'Running', 'role': None,
                                             'path': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\' + vm(6)}


def test_check_mode_reads_once_and_predicts_the_real_run(paths):
    for check, real in (('check: cluster live', 'cluster live'), ('check: to another cluster', 'to another cluster'),
                        ('check: cold inside the cluster', 'cold inside the cluster')):
        predicted, done = paths[check], paths[real]
        assert predicted.result()['changed'] is True
        assert predicted.modes == ['read'] and predicted.state_unchanged, predicted
        assert predicted.result()['diff'] == done.result()['diff'], (predicted, done)
        assert dict(predicted.result()['migration'], duration_ms=0) == dict(done.result()['migration'],
                                                                            duration_ms=0)
        assert done.before_text == predicted.after_text


# --- refusals: each before anything changes ----------------------------------------------------------------------------
# hvc1 = hv1..hv4, hvc2 = hv5..hv8; instance-n on hv n, all clustered.

def _refusals_lab(state):
    state.cluster('hvc1')['nodes']['hv3']['state'] = 'Paused'
    state.node('hv4')['hardware']['memory_mb'] = 5000
    state.node('hv5')['vswitches'][0]['name'] = 'Internal'
    state.node('hv6')['hardware']['cpu_vendor'] = 'AuthenticAMD'
    state.node('hv7')['vmhost']['VirtualMachineMigrationEnabled'] = False
    clash = dict(next(record for record in state.vms.values() if record['name'] == vm(8)),
                 id='0badc0de-0000-4000-8000-000000000002', name=vm(2))
    state.vms[clash['id']] = clash                      # another instance-00000002, on hv8
    state.cluster('hvc2')['groups'][vm(4)] = {'name': vm(4), 'id': 'f00', 'type': 'GenericApplication',
                                              'owner': 'hv5', 'priority': 2000, 'preferred_owners': [],
                                              'resources': []}


ON_CSV = 'C:\\ClusterStorage\\Volume1'
REFUSALS = [
    # step name, options, message parts, remote executions
    ('unknown vm', dict(name='instance-0badc0de', destination='hv2'),
     ['VM instance-0badc0de: no virtual machine of that name exists on any node of cluster hvc1 or on hv2'],
     ['read']),
    ('unknown destination', dict(name=vm(1), destination='hv99'),
     ['destination hv99: no Hyper-V host of that name could be reached', 'Check the name'], ['read']),
    ('paused destination', dict(name=vm(1), destination='hv3'),
     ['destination hv3: node hv3 of cluster hvc1 is Paused', 'Resume the node'], ['read']),
    ('down destination', dict(name=vm(1), destination='hv2'),
     ['destination hv2: node hv2 of cluster hvc1 is Down'], ['read']),
    ('not enough memory', dict(name=vm(1), destination='hv4'),
     ['destination hv4: not enough free memory for VM instance-00000001: it needs 2048 MB',
      '(5000 MB installed)', 'host_memory_reserve_mb'], ['read']),
    ('no such switch', dict(name=vm(1), destination='hv5', destination_storage_path=ON_CSV),
     ['destination hv5: VM instance-00000001 is connected to virtual switch(es) External', 'it has: Internal'],
     ['read']),
    ('another processor vendor', dict(name=vm(1), destination='hv6', destination_storage_path=ON_CSV),
     ['destination hv6: its processor cannot run VM instance-00000001 without a restart',
      'processor-specific features', 'type=cold'], ['read']),
    ('live migration disabled', dict(name=vm(1), destination='hv7', destination_storage_path=ON_CSV),
     ['destination hv7: live migration is not enabled on it', 'Enable-VMMigration'], ['read']),
    ('a vm of that name there', dict(name=vm(2), destination='hv8', destination_storage_path=ON_CSV),
     ['destination hv8: it already has another virtual machine named instance-00000002'], ['read']),
    ('a role of that name there', dict(name=vm(4), destination='hv8', destination_storage_path=ON_CSV),
     ["destination hv8: cluster hvc2 already has a role named 'instance-00000004'"], ['read']),
    ('clustered onto local disk', dict(name=vm(1), destination='hv8'),
     ['VM instance-00000001: it would be clustered again in cluster hvc2', 'local to hv8',
      'Give destination_storage_path on a Cluster Shared Volume of hvc2'], ['read']),
    ('quick to another cluster', dict(name=vm(1), destination='hv8', type='quick'),
     ['type=quick is a move of a clustered role inside its cluster', 'not a node of cluster hvc1'], ['read']),
    ('cold_action without cold', dict(name=vm(1), destination='hv2', cold_action='save'),
     ['cold_action only applies with type=cold'], []),
    ('relative storage path', dict(name=vm(1), destination='hv8', destination_storage_path='vms'),
     ['is not an absolute Windows path'], []),
    ('wildcard name', dict(name='instance-*', destination='hv2'), ['contains a wildcard character'], []),
    ('bad type', dict(name=vm(1), destination='hv2', type='warp'), ['type', 'live, quick, cold'], []),
    ('missing destination', dict(name=vm(1)), ['missing required arguments: destination'], []),
]


@pytest.fixture(scope='module')
def refusals(module_lab, tmp_path_factory):
    lab = module_lab('refusals', nodes=8, clusters=2, vms=8, clustered_vms=8)
    edit(lab, _refusals_lab)
    lab.fault('node-down', 'hv2')
    return run_steps(lab, tmp_path_factory.mktemp('refusals-play'),
                     [migrate(label, ignore_errors=True, **options) for label, options, _parts, _modes in REFUSALS])


@pytest.mark.parametrize('name, options, parts, modes', REFUSALS, ids=[case[0] for case in REFUSALS])
def test_a_refusal_changes_nothing(refusals, name, options, parts, modes):
    step = refusals[name]
    result = step.result()
    assert result['failed'] is True, step
    assert result['changed'] is False, step
    for part in parts:
        assert part in result['msg'], (part, result['msg'])
    assert step.state_unchanged, step
    assert step.writes == [], step
    assert step.modes == modes, step


def test_all_refusals_together_left_the_lab_as_it_was(refusals):
    assert refusals.raw_after == refusals.raw_before
    assert refusals.run.stats['hv1']['ignored'] == len(REFUSALS)


# --- faults: the VM ends on its source, clustered as before, one copy, and the message says where ---------------------
# hvc1 = hv1..hv3, hvc2 = hv4..hv6; instance-n on hv((n-1) % 6 + 1), all clustered.

@pytest.fixture(scope='module')
def faults(module_lab, tmp_path_factory):
    lab = module_lab('faults', nodes=6, clusters=2, vms=12, clustered_vms=12)

    def prepare(state):
        groups = state.cluster('hvc1')['groups']
        groups[vm(7)].update(priority=3000, preferred_owners=['hv1', 'hv3'])
        groups[vm(2)].update(preferred_owners=['hv1'])     # where it fails over to when hv2 goes down
    edit(lab, prepare)
    across = dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume2')
    # One node down at a time (hvc1 has no witness), and back up before the next fault.
    return run_steps(lab, tmp_path_factory.mktemp('faults-play'), [
        lab_fault('arm migration-fail hv2', 'migration-fail', 'hv2'),
        migrate('cluster move fails', ignore_errors=True, name=vm(1), destination='hv2'),
        lab_fault('arm migration-timeout hv2', 'migration-timeout', 'hv2'),
        migrate('cluster move times out', ignore_errors=True, name=vm(1), destination='hv2', timeout=5),
        lab_fault('arm migration-fail hv4', 'migration-fail', 'hv4'),
        migrate('move-vm fails', ignore_errors=True, name=vm(7), **across),
        lab_fault('arm migration-timeout hv4', 'migration-timeout', 'hv4'),
        migrate('move-vm times out', ignore_errors=True, name=vm(7), **across),
        lab_fault('arm migration-fail hv5', 'migration-fail', 'hv5'),
        migrate('cold move fails', ignore_errors=True, name=vm(1), destination='hv5', type='cold',
                destination_storage_path='C:\\ClusterStorage\\Volume1'),
        lab_fault('arm source-down-during-migration hv3', 'source-down-during-migration', 'hv3'),
        migrate('source goes down during move-vm', ignore_errors=True, name=vm(3), **across),
        lab_fault('hv3 comes back', 'node-up', 'hv3'),
        lab_fault('arm source-down-during-migration hv2', 'source-down-during-migration', 'hv2'),
        migrate('source goes down during a cluster move', ignore_errors=True, name=vm(2), destination='hv3'),
        lab_fault('hv2 comes back', 'node-up', 'hv2'),
        lab_fault('arm node-down-during-migration hv3', 'node-down-during-migration', 'hv3'),
        migrate('destination goes down during a cluster move', ignore_errors=True, name=vm(7), destination='hv3'),
        lab_fault('hv3 comes back again', 'node-up', 'hv3'),
        lab_fault('arm node-down-during-migration hv5', 'node-down-during-migration', 'hv5'),
        migrate('destination goes down during move-vm', ignore_errors=True, name=vm(1), destination='hv5',
                destination_storage_path='C:\\ClusterStorage\\Volume1'),
        lab_fault('hv5 comes back', 'node-up', 'hv5'),
        migrate('after all that', name=vm(7), destination='hv2'),
    ])


RESTORED = [
    # step, VM, executions, message parts
    ('cluster move fails', vm(1), ['read', 'write', 'read'],
     ['the cluster_live migration from hv1 to hv2 stopped: Move-ClusterVirtualMachineRole failed']),
    ('cluster move times out', vm(1), ['read', 'write', 'write', 'read'],
     ['did not finish within 5 seconds (timeout); the move was cancelled']),
    ('move-vm fails', vm(7), ['read', 'write', 'read', 'write', 'read'],
     ['the shared_nothing migration from hv1 to hv4 stopped: Move-VM failed', 'done before that: Remove-ClusterGroup',
      'to restore it: Add-ClusterVirtualMachineRole']),
    ('move-vm times out', vm(7), ['read', 'write', 'read', 'write', 'read'],
     ['Move-VM failed', 'timed out']),
    ('cold move fails', vm(1), ['read', 'write', 'read', 'write', 'read'],
     ['the cold migration from hv1 to hv5 stopped: Move-VM failed', 'done before that: Stop-VM, Remove-ClusterGroup',
      'Start-VM']),
    ('destination goes down during a cluster move', vm(7), ['read', 'write', 'read'],
     ['Move-ClusterVirtualMachineRole failed']),
    ('destination goes down during move-vm', vm(1), ['read', 'write', 'read', 'write', 'read'],
     ['Move-VM failed']),
]


def test_the_faults_run_ended_with_a_working_cluster(faults):
    assert faults.run.stats['hv1']['failures'] == 0, faults.run
    assert faults.run.stats['hv1']['ignored'] == 9
    assert faults.raw_after.get('faults') == []
    assert all(node['state'] == 'Up' for node in faults.lab.show()['nodes'].values())
    last = faults['after all that']
    assert succeeded(last)['migration']['path'] == 'cluster_live'
    assert where(last.show_after, vm(7))['role'] == ('hvc1', 'hv2', 3000, ['hv1', 'hv3'])


@pytest.mark.parametrize('name, vm_name, modes, parts', RESTORED, ids=[case[0] for case in RESTORED])
def test_after_a_failure_the_vm_is_back_on_its_source_as_before(faults, name, vm_name, modes, parts):
    step = faults[name]
    result = step.result()
    assert result['failed'] is True, step
    for part in parts:
        assert part in result['msg'], (part, result['msg'])
    before, after = where(step.show_before, vm_name), where(step.show_after, vm_name)
    assert after == before, step
    assert len(records(step.raw_after, vm_name)) == 1
    assert 'is now on hv1 (Running), clustered in hvc1' in result['msg'], result['msg']
    assert 'as before the task. Fix the cause and rerun the task.' in result['msg']
    assert result['migration']['vm']['host'] == 'hv1'
    assert step.modes == modes, step
    assert all(entry['node'] == 'hv1' for entry in step.executions)
    assert step.show_after['faults'] == []
    for cluster in step.raw_after['clusters'].values():
        assert not cluster.get('pending'), cluster['pending']


def test_priority_and_preferred_owners_survive_a_failed_shared_nothing_move(faults):
    for name in ('move-vm fails', 'move-vm times out'):
        assert where(faults[name].show_after, vm(7))['role'] == ('hvc1', 'hv1', 3000, ['hv1', 'hv3'])


def test_a_node_that_went_down_stays_down_and_the_vm_stays_up(faults):
    step = faults['destination goes down during a cluster move']
    assert step.show_after['nodes']['hv3']['state'] == 'Down'
    assert step.show_before['nodes']['hv3']['state'] == 'Up'


def test_the_source_going_down_during_a_cluster_move_fails_the_vm_over(faults):
    step = faults['source goes down during a cluster move']
    result = step.result()
    assert result['failed'] is True
    assert step.modes == ['read', 'write', 'read']
    # The cluster failed it over to its preferred owner; nothing can bring it back to a node that is down.
    assert where(step.show_after, vm(2)) == dict(where(step.show_before, vm(2)), host='hv1',
                                                 role=('hvc1', 'hv1', 2000, ['hv1']))
    assert len(records(step.raw_after, vm(2))) == 1
    message = result['msg']
    assert message.startswith('VM instance-00000002: the cluster_live migration from hv2 to hv3 stopped: '
                              'Move-ClusterVirtualMachineRole failed'), message
    assert 'VM instance-00000002 is now on hv1 (Running), clustered in hvc1 (priority 2000, preferred owners hv1)' \
        in message
    assert 'Check the VM on hv2 and hv3' in message
    assert result['migration']['vm']['host'] == 'hv1'


def test_the_source_going_down_during_move_vm_leaves_the_vm_there_unclustered(faults):
    """The VM had to be taken out of its cluster to be moved: it stays, off, on its powered-off source."""
    step = faults['source goes down during move-vm']
    result = step.result()
    assert result['failed'] is True
    assert step.modes == ['read', 'write', 'read']
    after = where(step.show_after, vm(3))
    assert after == {'host': 'hv3', 'state': 'Off', 'role': None, 'path': 'C:\\ClusterStorage\\Volume1\\' + vm(3)}
    assert len(records(step.raw_after, vm(3))) == 1
    message = result['msg']
    assert 'VM instance-00000003 is now not visible on any host that could be searched (not reachable: hv3)' in message
    assert 'it is still registered on hv3, not clustered' in message
    assert 'make it one again with hyperv.cluster.vm_role' in message
    assert result['changed'] is True
