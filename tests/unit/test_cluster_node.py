"""cluster_node on fake runner results: a small cluster model answers the plugin's batches.

``FakeCluster`` stands in for ansible.windows.win_powershell on a node of cluster hvc1. It answers each step of a
batch from a model (nodes, witness, groups, VMs, host memory), with the cmdlet semantics of tests/sim/MIGRATION.md
(Suspend-ClusterNode acts on an Up node only, drains to the Up node with the most free memory or to -TargetNode,
roles that do not fit stay and DrainStatus ends Failed; Resume-ClusterNode -Failback Immediate|Policy|NoFailback).
It records every batch, so the tests assert on the batches' exact shape and on the number of remote executions.
"""

import copy

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.hyperv.cluster.plugins.action import cluster_node as cluster_node_action

from harness import _Executor, run_action

GIB = 1024 ** 3
NODE_SELECT = ['Name', 'Id', 'State', 'DrainStatus', 'StatusInformation', 'NodeWeight']
GROUP_SELECT = ['Name', 'OwnerNode', 'State', 'Priority', 'GroupType', 'Id']
QUORUM_SELECT = ['QuorumType', 'QuorumResource.Name', 'QuorumResource.ResourceType.Name', 'QuorumResource.State']


def error(message, fqid, category):
    return {'message': message, 'fully_qualified_error_id': fqid, 'category': category, 'target': None,
            'exception_type': 'System.Exception'}


class FakeCluster(_Executor):
    """Cluster hvc1 of nodes hv1..hvN (64 GiB each), answering batches run on ``computer``."""

    def __init__(self, nodes=3, memory_gib=64, witness=None, computer='HV1'):
        super().__init__()
        self.computer = computer
        self.clustered = True
        self.nodes = {'hv%d' % index: {'state': 'Up', 'drain': 'NotInitiated', 'weight': 1,
                                       'memory': memory_gib * GIB, 'id': index} for index in range(1, nodes + 1)}
        self.witness = witness    # None or {'name', 'state'}
        self.groups = {'Cluster Group': {'owner': 'hv1', 'type': 'Cluster', 'priority': 3000, 'vm': None}}
        self.vms = {}
        self.stuck = set()        # roles a drain cannot move (a migration fails)
        self.fail = {}            # cmdlet -> error record it reports
        self.elapsed = {'Suspend-ClusterNode': 4200, 'Resume-ClusterNode': 900}

    # --- building the model ---------------------------------------------------------------------------------------

    def vm(self, name, host, memory_gib=2, running=True, clustered=True, failback=0):
        self.vms[name] = {'host': host, 'memory': memory_gib * GIB, 'running': running}
        if clustered:
            self.groups[name] = {'owner': host, 'type': 'VirtualMachine', 'priority': 2000, 'vm': name,
                                 'auto_failback': failback, 'drained_from': None}
        return self

    def owned(self, node):
        return sorted(name for name, group in self.groups.items() if group['owner'] == node)

    # --- answering ------------------------------------------------------------------------------------------------

    def respond(self, call):
        results, stopped = [], False
        for step in call.steps:
            entry = {'id': step['id'], 'op': step['op'], 'cmdlet': step.get('cmdlet'), 'status': 'skipped',
                     'output': [], 'errors': [], 'elapsed_ms': 0}
            if not stopped:
                output, errors = self.run_cmdlet(step['cmdlet'], step['parameters'], results)
                entry.update(status='error' if errors else 'ok', output=[self.select(row, step['select'])
                                                                         for row in output],
                             errors=errors, elapsed_ms=self.elapsed.get(step['cmdlet'], 3))
                stopped = bool(errors) and call.mode == 'write'
            results.append(entry)
        return {'changed': False, 'failed': False,
                'result': {'protocol': 1, 'computer_name': self.computer, 'calls': results}}

    @staticmethod
    def select(row, select):
        return {path: row.get(path) for path in select} if select else row

    def node_row(self, name):
        node = self.nodes[name]
        return {'Name': name, 'Id': str(node['id']), 'State': node['state'], 'DrainStatus': node['drain'],
                'StatusInformation': 'Normal', 'NodeWeight': node['weight']}

    def reachable(self, names, results):
        if isinstance(names, dict):   # a reference to the nodes step: its output's Name
            names = [row['Name'] for row in next(r for r in results if r['id'] == names['__ref__'])['output']]
        hosts, errors = [], []
        for name in names:
            if self.nodes[name]['state'] == 'Down':
                errors.append(error('The operation on computer \'%s\' failed: The WinRM client cannot process the '
                                    'request.' % name, 'InvalidOperation', 'InvalidOperation'))
            else:
                hosts.append(name)
        return hosts, errors

    def run_cmdlet(self, cmdlet, parameters, results):   # pylint: disable=too-many-return-statements
        if cmdlet in self.fail:
            return [], [self.fail[cmdlet]]
        if not self.clustered and ('Cluster' in cmdlet):
            return [], [error('The cluster service is not running.', 'ClusterRpcConnection,Get-Cluster',
                              'ConnectionError')]
        if cmdlet == 'Get-Cluster':
            return [{'Name': 'hvc1', 'Domain': 'corp.example.com', 'Id': 'c1', 'SharedVolumesRoot': 'C:\\CS'}], []
        if cmdlet == 'Get-ClusterNode':
            names = [parameters['Name']] if 'Name' in parameters else list(self.nodes)
            return [self.node_row(name) for name in names], []
        if cmdlet == 'Get-ClusterQuorum':
            witness = self.witness or {}
            return [{'QuorumType': 'Majority', 'QuorumResource.Name': witness.get('name'),
                     'QuorumResource.ResourceType.Name': 'File Share Witness' if witness else None,
                     'QuorumResource.State': witness.get('state')}], []
        if cmdlet == 'Get-ClusterGroup':
            return [{'Name': name, 'OwnerNode': group['owner'], 'GroupType': group['type'],
                     'State': 'Online' if group['vm'] is None or self.vms[group['vm']]['running'] else 'Offline',
                     'Priority': group['priority'], 'Id': 'id-' + name} for name, group in self.groups.items()], []
        if cmdlet == 'Get-VMHost':
            hosts, errors = self.reachable(parameters['ComputerName'], results)
            return [{'Name': host.upper(), 'ComputerName': host.upper(), 'MemoryCapacity': self.nodes[host]['memory']}
                    for host in hosts], errors
        if cmdlet == 'Get-VM':
            hosts, errors = self.reachable(parameters['ComputerName'], results)
            return [{'Name': name, 'Id': 'vm-' + name, 'State': 'Running' if vm['running'] else 'Off',
                     'ComputerName': vm['host'].upper(), 'IsClustered': name in self.groups,
                     'MemoryAssigned': vm['memory'] if vm['running'] else 0}
                    for name, vm in sorted(self.vms.items()) if vm['host'] in hosts], errors
        if cmdlet == 'Suspend-ClusterNode':
            return [self.suspend(**parameters)], []
        if cmdlet == 'Resume-ClusterNode':
            return [self.resume(**parameters)], []
        raise AssertionError('unexpected cmdlet %s' % cmdlet)

    def free(self, node):
        used = sum(vm['memory'] for vm in self.vms.values() if vm['host'] == node and vm['running'])
        return self.nodes[node]['memory'] - used

    def move(self, role, node, source):
        group = self.groups[role]
        group['owner'] = node
        group['drained_from'] = source
        if group['vm']:
            self.vms[group['vm']]['host'] = node

    # Parameters named as the cmdlet's, so that a batch's parameters can be passed as they are.
    def suspend(self, Name, Drain=False, Wait=False, ForceDrain=False, TargetNode=None):  # pylint: disable=invalid-name
        assert Wait is Drain, 'a drain must wait'
        node = self.nodes[Name]
        if node['state'] != 'Up':
            return self.node_row(Name)
        node['state'] = 'Paused'
        if Drain:
            failed = False
            for role in sorted(self.owned(Name), key=lambda r: -self.groups[r]['priority']):
                group = self.groups[role]
                need = self.vms[group['vm']]['memory'] if group['vm'] and self.vms[group['vm']]['running'] else 0
                targets = [TargetNode] if TargetNode else sorted(
                    (n for n in self.nodes if self.nodes[n]['state'] == 'Up'), key=lambda n: -self.free(n))
                fits = [n for n in targets if self.free(n) >= need]
                if role in self.stuck or not fits:
                    if ForceDrain and targets:
                        if group['vm']:
                            self.vms[group['vm']]['running'] = False
                        self.move(role, targets[0], Name)
                    else:
                        failed = True
                    continue
                self.move(role, fits[0], Name)
            node['drain'] = 'Failed' if failed else 'Completed'
        return self.node_row(Name)

    def resume(self, Name, Failback=None):  # pylint: disable=invalid-name
        self.nodes[Name].update(state='Up', drain='NotInitiated')
        for role, group in self.groups.items():
            if group.get('drained_from') != Name:
                continue
            if Failback == 'Immediate' or (Failback == 'Policy' and group.get('auto_failback') == 1):
                self.move(role, Name, None)
        return self.node_row(Name)


def standard(**options):
    """3 nodes of 64 GiB; 3 VMs of 4 GiB on each node, clustered; hv1 also owns Cluster Group."""
    fake = FakeCluster(**options)
    for index in range(9):
        fake.vm('vm%d' % (index + 1), 'hv%d' % (index % 3 + 1), memory_gib=4)
    return fake


def node(fake, args, check_mode=False, diff=True, host='hv1'):
    return run_action(cluster_node_action.ActionModule, args, fake, check_mode=check_mode, diff=diff, host=host)


def assert_refused(fake, before, result, *fragments):
    assert result['failed'] is True, result
    for fragment in fragments:
        assert fragment in result['msg'], (fragment, result['msg'])
    assert fake.modes == ['read'], fake.modes
    assert (fake.nodes, fake.groups, fake.vms) == before
    assert result.get('changed', False) is False


def snapshot(fake):
    return copy.deepcopy((fake.nodes, fake.groups, fake.vms))


# --- the read -------------------------------------------------------------------------------------------------------

def test_the_read_of_a_pause_is_one_batch_with_the_memory_of_every_node():
    fake = standard()
    node(fake, {'name': 'hv1', 'state': 'paused'})
    read = fake.calls[0]
    assert read.mode == 'read'
    assert read.steps == [
        {'op': 'call', 'id': 'cluster', 'cmdlet': 'Get-Cluster', 'parameters': {},
         'select': ['Name', 'Domain', 'Id', 'SharedVolumesRoot']},
        {'op': 'call', 'id': 'nodes', 'cmdlet': 'Get-ClusterNode', 'parameters': {}, 'select': NODE_SELECT},
        {'op': 'call', 'id': 'quorum', 'cmdlet': 'Get-ClusterQuorum', 'parameters': {}, 'select': QUORUM_SELECT},
        {'op': 'call', 'id': 'groups', 'cmdlet': 'Get-ClusterGroup', 'parameters': {}, 'select': GROUP_SELECT},
        {'op': 'call', 'id': 'vmhosts', 'cmdlet': 'Get-VMHost',
         'parameters': {'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}},
         'select': ['Name', 'ComputerName', 'MemoryCapacity']},
        {'op': 'call', 'id': 'vms', 'cmdlet': 'Get-VM',
         'parameters': {'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}},
         'select': ['Name', 'Id', 'State', 'ComputerName', 'IsClustered', 'MemoryAssigned']},
    ]


def test_the_read_of_a_resume_needs_no_memory():
    fake = standard()
    node(fake, {'name': 'hv1', 'state': 'resumed'})
    assert fake.calls[0].cmdlets == ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterQuorum', 'Get-ClusterGroup']


# --- pause and drain -----------------------------------------------------------------------------------------------

def test_pause_drains_in_one_write_and_reports_every_role_moved():
    fake = standard()
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert 'failed' not in result, result
    assert result['changed'] is True
    assert fake.modes == ['read', 'write']
    assert fake.writes[0].steps == [
        {'op': 'call', 'id': 'suspend', 'cmdlet': 'Suspend-ClusterNode',
         'parameters': {'Name': 'hv1', 'Drain': True, 'Wait': True}, 'select': NODE_SELECT},
        {'op': 'call', 'id': 'final_node', 'cmdlet': 'Get-ClusterNode', 'parameters': {'Name': 'hv1'},
         'select': NODE_SELECT},
        {'op': 'call', 'id': 'final_groups', 'cmdlet': 'Get-ClusterGroup', 'parameters': {}, 'select': GROUP_SELECT},
    ]
    assert fake.nodes['hv1']['state'] == 'Paused'
    assert fake.owned('hv1') == []
    assert result['cluster_node'] == {'name': 'hv1', 'cluster': 'hvc1', 'state': 'Paused',
                                      'drain_status': 'Completed', 'roles': []}
    assert result['roles_moved'] == ['Cluster Group', 'vm1', 'vm4', 'vm7']
    assert result['roles_moved_count'] == 4
    assert result['roles_moved_to'] == {role: fake.groups[role]['owner'] for role in result['roles_moved']}
    assert set(result['roles_moved_to'].values()) <= {'hv2', 'hv3'}
    assert result['duration_s'] == 4.2
    assert result['diff'] == {
        'before': {'state': 'Up', 'drain_status': 'NotInitiated', 'roles': ['Cluster Group', 'vm1', 'vm4', 'vm7']},
        'after': {'state': 'Paused', 'drain_status': 'Completed', 'roles': []}}
    assert result['guards']['quorum'] == {'ok': True, 'votes': 3, 'available': 2, 'needed': 2,
                                          'voters': ['hv2', 'hv3'], 'lost': {'hv1': 'taken out'}, 'witness': 'none'}
    assert result['guards']['capacity'] == {
        'targets': ['hv2', 'hv3'], 'host_memory_reserve_mb': 2048, 'needed_mb': 12 * 1024,
        'free_mb': {'hv2': (64 - 12 - 2) * 1024, 'hv3': (64 - 12 - 2) * 1024}, 'running_vms': 3, 'unplaced': [],
        'unplaced_mb': 0, 'unknown_nodes': []}
    assert 'warnings' not in result


def test_a_drained_node_is_no_change_in_one_read():
    fake = standard()
    node(fake, {'name': 'hv1', 'state': 'paused'})
    rerun = standard()
    rerun.nodes, rerun.groups, rerun.vms = snapshot(fake)
    before = snapshot(rerun)
    result = node(rerun, {'name': 'hv1', 'state': 'paused'})
    assert result['changed'] is False
    assert rerun.modes == ['read']
    assert snapshot(rerun) == before
    assert result['diff']['before'] == result['diff']['after'] == {
        'state': 'Paused', 'drain_status': 'Completed', 'roles': []}
    assert result['roles_moved'] == [] and result['duration_s'] is None


def test_a_paused_node_without_roles_is_no_change_whatever_its_drain_status():
    fake = FakeCluster()
    fake.groups['Cluster Group']['owner'] = 'hv2'
    fake.nodes['hv1'].update(state='Paused', drain='NotInitiated')
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert result['changed'] is False and fake.modes == ['read']


def test_pause_without_drain_keeps_the_roles_and_skips_the_capacity_guard():
    fake = standard()
    result = node(fake, {'name': 'hv2', 'state': 'paused', 'drain': False})
    assert result['changed'] is True
    assert fake.writes[0].steps[0]['parameters'] == {'Name': 'hv2'}
    assert fake.nodes['hv2']['state'] == 'Paused'
    assert result['cluster_node']['roles'] == ['vm2', 'vm5', 'vm8']
    assert result['roles_moved'] == []
    assert set(result['guards']) == {'quorum'}
    # Paused without a drain, and asked again without a drain: no change.
    again = node(fake, {'name': 'hv2', 'state': 'paused', 'drain': False})
    assert again['changed'] is False


def test_a_paused_node_that_still_owns_roles_is_drained_again_by_resume_and_suspend():
    fake = standard()
    node(fake, {'name': 'hv2', 'state': 'paused', 'drain': False})
    fake.calls.clear()
    # hv3 is down: pausing would be refused by the quorum guard, but hv2 is already paused: draining it costs no vote.
    fake.nodes['hv3']['state'] = 'Down'
    result = node(fake, {'name': 'hv2', 'state': 'paused'})
    assert 'failed' not in result, result
    assert fake.modes == ['read', 'write']
    assert [(step['cmdlet'], step['parameters']) for step in fake.writes[0].steps[:2]] == [
        ('Resume-ClusterNode', {'Name': 'hv2', 'Failback': 'NoFailback'}),
        ('Suspend-ClusterNode', {'Name': 'hv2', 'Drain': True, 'Wait': True})]
    assert 'quorum' not in result['guards']
    assert result['cluster_node']['state'] == 'Paused'
    assert result['cluster_node']['drain_status'] == 'Completed'
    assert result['roles_moved_to'] == {'vm2': 'hv1', 'vm5': 'hv1', 'vm8': 'hv1'}


def test_a_drain_in_progress_is_refused():
    fake = standard()
    fake.nodes['hv1'].update(state='Paused', drain='InProgress')
    before = snapshot(fake)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert_refused(fake, before, result, 'cluster node hv1: a drain of the node is already in progress',
                   '4 role(s) are still on it', 'Wait until Get-ClusterNode hv1 shows DrainStatus Completed')


def test_target_node_and_force_drain_are_passed_to_suspend():
    fake = standard()
    result = node(fake, {'name': 'hv1', 'state': 'paused', 'target_node': 'HV3', 'force_drain': True})
    assert fake.writes[0].steps[0]['parameters'] == {'Name': 'hv1', 'Drain': True, 'Wait': True,
                                                     'ForceDrain': True, 'TargetNode': 'hv3'}
    assert set(result['roles_moved_to'].values()) == {'hv3'}
    assert result['guards']['capacity']['targets'] == ['hv3']


@pytest.mark.parametrize('target, fragments', [
    ('hv9', ['cluster node hv1: target_node hv9 is not a node of cluster hvc1', 'Use another Up node: hv2, hv4.']),
    ('hv1', ['cluster node hv1: target_node is the node being drained', 'Give another node of cluster hvc1']),
    ('hv3', ['cluster node hv1: target_node hv3 is Down', 'Bring hv3 up, choose another node']),
])
def test_bad_target_nodes_are_refused(target, fragments):
    fake = FakeCluster(nodes=4, witness={'name': 'File Share Witness', 'state': 'Online'})
    fake.nodes['hv3']['state'] = 'Down'
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv1', 'state': 'paused', 'target_node': target}), *fragments)


def test_a_name_in_other_case_or_fqdn_acts_on_the_cluster_spelling():
    for given in ('HV2', 'hv2.corp.example.com'):
        fake = standard()
        result = node(fake, {'name': given, 'state': 'paused'})
        assert result['cluster_node']['name'] == 'hv2'
        assert fake.writes[0].steps[0]['parameters']['Name'] == 'hv2'


def test_without_name_the_node_the_task_runs_on_is_paused():
    fake = standard(computer='HV3')
    result = node(fake, {'state': 'paused'}, host='hv3.corp.example.com')
    assert result['cluster_node']['name'] == 'hv3'
    assert fake.nodes['hv3']['state'] == 'Paused'


def test_without_name_a_computer_that_is_not_a_node_is_refused():
    fake = standard(computer='MGMT01')
    before = snapshot(fake)
    result = node(fake, {'state': 'paused'}, host='mgmt01')
    assert_refused(fake, before, result, 'host mgmt01: name is not given, and the computer the task runs on '
                   '(MGMT01) is not a node of cluster hvc1', 'Give the node to act on in name: one of hv1, hv2, hv3.')


def test_unclustered_running_vms_on_the_node_are_a_warning():
    fake = standard()
    fake.vm('scratch', 'hv1', clustered=False).vm('parked', 'hv1', clustered=False, running=False)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert result['changed'] is True
    assert result['warnings'] == ['1 VM(s) running on hv1 are not clustered, so the drain does not move them and '
                                  'they stop if the node restarts: scratch.']
    assert fake.vms['scratch']['host'] == 'hv1'


# --- the guards -----------------------------------------------------------------------------------------------------

def test_quorum_guard_refuses_to_pause_a_second_node_of_three():
    fake = standard()
    fake.nodes['hv3']['state'] = 'Down'
    before = snapshot(fake)
    result = node(fake, {'name': 'hv2', 'state': 'paused'})
    assert_refused(fake, before, result)
    assert result['msg'] == (
        'cluster node hv2: pausing it could leave cluster hvc1 without quorum: 1 of its 3 votes would remain '
        '(Up: hv1; no witness; already out: hv3 Down), and quorum needs 2; nothing was changed. Bring hv3 back Up '
        '(resume or start it) first, or configure a quorum witness (Set-ClusterQuorum). Or set force: true to '
        'pause it anyway (if hv2 restarts or one more node fails, cluster hvc1 loses quorum and stops every role '
        'on every node).')
    assert result['guards']['quorum']['ok'] is False


def test_quorum_guard_counts_a_paused_node_as_lost():
    fake = standard()
    fake.nodes['hv3'].update(state='Paused', drain='Completed')
    before = snapshot(fake)
    result = node(fake, {'name': 'hv1', 'state': 'paused', 'drain': False})
    assert_refused(fake, before, result, '1 of its 3 votes would remain', 'already out: hv3 Paused',
                   'Bring hv3 back Up (resume or start it) first')


def test_quorum_guard_with_a_witness():
    # 4 nodes + witness = 5 votes; one node down; pausing another leaves 2 nodes + the witness: allowed.
    fake = FakeCluster(nodes=4, witness={'name': 'File Share Witness', 'state': 'Online'})
    fake.nodes['hv4']['state'] = 'Down'
    result = node(fake, {'name': 'hv2', 'state': 'paused'})
    assert result['changed'] is True, result
    assert result['guards']['quorum'] == {'ok': True, 'votes': 5, 'available': 3, 'needed': 3,
                                          'voters': ['hv1', 'hv3'], 'lost': {'hv2': 'taken out', 'hv4': 'Down'},
                                          'witness': 'online'}
    # With the witness offline the same pause is refused.
    fake = FakeCluster(nodes=4, witness={'name': 'File Share Witness', 'state': 'Failed'})
    fake.nodes['hv4']['state'] = 'Down'
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv2', 'state': 'paused'}),
                   '2 of its 5 votes would remain (Up: hv1, hv3; the witness offline; already out: hv4 Down)',
                   'or bring the quorum witness back online')


def test_capacity_guard_refuses_when_the_other_nodes_lack_memory():
    fake = standard(memory_gib=14)     # hv2, hv3: 14 - 12 - 2 = 0 GiB free each; hv1's VMs need 4 GiB each
    before = snapshot(fake)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert_refused(fake, before, result)
    assert result['msg'] == (
        'cluster node hv1: the other Up nodes (hv2, hv3) cannot host 3 of its 3 running VM(s) by memory: vm1, vm4, '
        'vm7 (12288 MB) do not fit, counting 2048 MB kept free per node; nothing was changed. Free memory on the '
        'other nodes (stop or move VMs, or bring more nodes Up), or lower host_memory_reserve_mb if the hosts need '
        'less. Or set force: true to pause it anyway (VMs that do not fit stay on hv1 and the drain ends Failed, '
        'or with force_drain they are shut down and moved offline).')
    assert result['guards']['capacity']['unplaced'] == ['vm1', 'vm4', 'vm7']


def test_capacity_guard_checks_each_vm_not_the_sum():
    fake = FakeCluster(memory_gib=16)
    fake.vm('big', 'hv1', memory_gib=12)     # 16 - 2 = 14 GiB free on hv2 and on hv3: fits
    assert node(fake, {'name': 'hv1', 'state': 'paused'}, check_mode=True)['changed'] is True
    fake = FakeCluster(memory_gib=16)
    fake.vm('big', 'hv1', memory_gib=15)     # 28 GiB free in all, but no node has 15
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv1', 'state': 'paused'}), 'cannot host 1 of its 1 running VM',
                   'big (15360 MB) do not fit')


def test_the_reserve_is_an_option():
    fake = FakeCluster(memory_gib=16)
    fake.vm('big', 'hv1', memory_gib=15)     # 16 - 2 = 14 GiB free per node by default, 15 with 1 GiB reserved
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv1', 'state': 'paused'}), 'counting 2048 MB kept free')
    result = node(fake, {'name': 'hv1', 'state': 'paused', 'host_memory_reserve_mb': 1024})
    assert result['changed'] is True and result['roles_moved'] == ['big', 'Cluster Group']


def test_stopped_vms_and_other_roles_need_no_memory():
    fake = FakeCluster(memory_gib=4)
    fake.vm('off', 'hv1', memory_gib=32, running=False)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert result['changed'] is True, result
    assert result['roles_moved'] == ['Cluster Group', 'off']
    assert result['guards']['capacity']['running_vms'] == 0


def test_capacity_guard_with_no_other_node_up():
    fake = standard(nodes=4, witness={'name': 'File Share Witness', 'state': 'Online'})
    for other in ('hv1', 'hv3', 'hv4'):
        fake.nodes[other]['state'] = 'Paused'
    fake.nodes['hv2'].update(state='Paused', drain='Failed')
    before = snapshot(fake)
    result = node(fake, {'name': 'hv2', 'state': 'paused'})
    assert_refused(fake, before, result, 'cluster node hv2: no other node is Up to host its 3 running VM(s): vm2, '
                   'vm5, vm8 (12288 MB); nothing was changed', 'Or set force: true to drain it anyway')


def test_a_node_whose_memory_cannot_be_read_counts_as_full():
    fake = standard()
    fake.nodes['hv3']['memory'] = None
    fake.vm('big', 'hv1', memory_gib=60)
    before = snapshot(fake)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert_refused(fake, before, result, 'big (61440 MB) do not fit',
                   'the memory of hv3 could not be read (Get-VMHost), so they were counted as full')


def test_both_guards_are_reported_and_force_overrides_them_with_the_risks_as_warnings():
    fake = standard(memory_gib=14)
    fake.nodes['hv3']['state'] = 'Down'
    before = snapshot(fake)
    refused = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert_refused(fake, before, refused, 'without quorum', 'Also: the other Up nodes (hv2) cannot host 3 of its 3',
                   'loses quorum and stops every role on every node; VMs that do not fit stay on hv1')
    fake.calls.clear()
    result = node(fake, {'name': 'hv1', 'state': 'paused', 'force': True, 'force_drain': True})
    assert 'failed' not in result, result
    assert fake.modes == ['read', 'write']
    assert fake.writes[0].steps[0]['parameters'] == {'Name': 'hv1', 'Drain': True, 'Wait': True, 'ForceDrain': True}
    assert result['warnings'] == [
        'force: true overrode the quorum guard (pausing it could leave cluster hvc1 without quorum: 1 of its 3 votes '
        'would remain (Up: hv2; no witness; already out: hv3 Down), and quorum needs 2): if hv1 restarts or one more '
        'node fails, cluster hvc1 loses quorum and stops every role on every node.',
        'force: true overrode the capacity guard (the other Up nodes (hv2) cannot host 3 of its 3 running VM(s) by '
        'memory: vm1, vm4, vm7 (12288 MB) do not fit, counting 2048 MB kept free per node): VMs that do not fit '
        'stay on hv1 and the drain ends Failed, or with force_drain they are shut down and moved offline.']
    # ForceDrain moved the VMs that did not fit offline.
    assert fake.owned('hv1') == []
    assert not any(fake.vms[name]['running'] for name in ('vm1', 'vm4', 'vm7'))


def test_force_without_force_drain_reports_the_failed_drain():
    fake = standard(memory_gib=14)
    result = node(fake, {'name': 'hv1', 'state': 'paused', 'force': True})
    assert result['failed'] is True
    assert result['changed'] is True
    assert fake.modes == ['read', 'write']
    assert result['msg'] == (
        'cluster node hv1: the drain did not empty the node: 3 of 4 role(s) did not move (vm1, vm4, vm7); hv1 is '
        'Paused, DrainStatus Failed. Free memory on the other nodes, or move or stop those VMs, then rerun the task: '
        'it drains the paused node again. Or set force_drain: true to shut down the roles that cannot be '
        'live-migrated and move them offline.')
    assert result['cluster_node']['roles'] == ['vm1', 'vm4', 'vm7']
    assert result['roles_moved'] == ['Cluster Group']
    assert len(result['warnings']) == 1 and 'capacity guard' in result['warnings'][0]


def test_a_role_that_fails_to_move_is_named_with_where_the_node_stands():
    fake = standard()
    fake.stuck = {'vm4'}
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert result['failed'] is True and result['changed'] is True
    assert 'did not move (vm4); hv1 is Paused, DrainStatus Failed' in result['msg']
    assert result['cluster_node'] == {'name': 'hv1', 'cluster': 'hvc1', 'state': 'Paused', 'drain_status': 'Failed',
                                      'roles': ['vm4']}
    # The rerun drains the paused node again and finishes the job.
    fake.stuck = set()
    fake.calls.clear()
    again = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert 'failed' not in again, again
    assert again['roles_moved'] == ['vm4'] and again['cluster_node']['drain_status'] == 'Completed'


def test_a_failing_suspend_costs_a_third_read_to_say_where_the_node_stands():
    fake = standard()
    fake.fail['Suspend-ClusterNode'] = error(
        'The cluster node is not in a state to be paused.',
        'InvalidOperation,Microsoft.FailoverClusters.PowerShell.SuspendClusterNode', 'InvalidOperation')
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert fake.modes == ['read', 'write', 'read']
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['msg'] == ('cluster node hv1: pausing the node failed at Suspend-ClusterNode: The cluster node is '
                             'not in a state to be paused; the node is now Up with 4 role(s). Fix the cause and rerun '
                             'the task; it continues from the current state.')


@pytest.mark.parametrize('state', ['Down', 'Joining'])
def test_only_an_up_node_can_be_paused(state):
    fake = standard()
    fake.nodes['hv2']['state'] = state
    before = snapshot(fake)
    result = node(fake, {'name': 'hv2', 'state': 'paused'})
    assert_refused(fake, before, result, 'cluster node hv2: the node is %s, and only an Up node can be paused' % state)


# --- resume ---------------------------------------------------------------------------------------------------------

def drained(failback_roles=()):
    fake = standard()
    for role in failback_roles:
        fake.groups[role]['auto_failback'] = 1
    node(fake, {'name': 'hv1', 'state': 'paused'})
    fake.calls.clear()
    return fake


@pytest.mark.parametrize('failback, windows, back', [
    ('immediate', 'Immediate', ['Cluster Group', 'vm1', 'vm4', 'vm7']),
    ('policy', 'Policy', ['vm4']),
    ('none', 'NoFailback', []),
    (None, 'Policy', ['vm4']),
])
def test_resume_with_each_failback(failback, windows, back):
    fake = drained(failback_roles=['vm4'])
    args = {'name': 'hv1', 'state': 'resumed'}
    if failback:
        args['failback'] = failback
    result = node(fake, args)
    assert 'failed' not in result, result
    assert fake.modes == ['read', 'write']
    assert fake.writes[0].steps == [
        {'op': 'call', 'id': 'resume', 'cmdlet': 'Resume-ClusterNode',
         'parameters': {'Name': 'hv1', 'Failback': windows}, 'select': NODE_SELECT},
        {'op': 'call', 'id': 'final_node', 'cmdlet': 'Get-ClusterNode', 'parameters': {'Name': 'hv1'},
         'select': NODE_SELECT},
        {'op': 'call', 'id': 'final_groups', 'cmdlet': 'Get-ClusterGroup', 'parameters': {}, 'select': GROUP_SELECT},
    ]
    assert result['changed'] is True
    assert result['failback'] == (failback or 'policy')
    assert result['cluster_node'] == {'name': 'hv1', 'cluster': 'hvc1', 'state': 'Up',
                                      'drain_status': 'NotInitiated', 'roles': back}
    assert result['roles_moved'] == back
    assert result['roles_moved_to'] == {role: 'hv1' for role in back}
    assert result['duration_s'] == 0.9
    assert fake.owned('hv1') == back


def test_resume_of_an_up_node_is_no_change_in_one_read():
    fake = standard()
    result = node(fake, {'name': 'hv1', 'state': 'resumed', 'failback': 'immediate'})
    assert result['changed'] is False
    assert fake.modes == ['read']
    assert result['cluster_node']['state'] == 'Up'


def test_a_down_node_cannot_be_resumed():
    fake = standard()
    fake.nodes['hv3']['state'] = 'Down'
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv3', 'state': 'resumed'}),
                   'cluster node hv3: the node is Down, and only a Paused node can be resumed',
                   'Start-ClusterNode hv3')


# --- check mode -----------------------------------------------------------------------------------------------------

def test_check_mode_predicts_the_drain_with_one_read():
    fake = standard()
    before = snapshot(fake)
    predicted = node(fake, {'name': 'hv1', 'state': 'paused'}, check_mode=True)
    assert fake.modes == ['read']
    assert snapshot(fake) == before
    real = node(standard(), {'name': 'hv1', 'state': 'paused'})
    assert predicted['changed'] is True
    for key in ('cluster_node', 'roles_moved', 'roles_moved_count', 'diff', 'guards'):
        assert predicted[key] == real[key], key
    assert predicted['roles_moved_to'] == {}
    assert predicted['duration_s'] is None


def test_check_mode_runs_the_guards():
    fake = standard()
    fake.nodes['hv3']['state'] = 'Down'
    before = snapshot(fake)
    assert_refused(fake, before, node(fake, {'name': 'hv2', 'state': 'paused'}, check_mode=True), 'without quorum')


def test_check_mode_with_force_predicts_what_stays():
    fake = standard(memory_gib=14)
    predicted = node(fake, {'name': 'hv1', 'state': 'paused', 'force': True}, check_mode=True)
    assert predicted['cluster_node']['drain_status'] == 'Failed'
    assert predicted['cluster_node']['roles'] == ['vm1', 'vm4', 'vm7']
    assert predicted['roles_moved'] == ['Cluster Group']


def test_check_mode_resume():
    fake = drained()
    before = snapshot(fake)
    predicted = node(fake, {'name': 'hv1', 'state': 'resumed', 'failback': 'none'}, check_mode=True)
    assert fake.modes == ['read'] and snapshot(fake) == before
    assert predicted['changed'] is True
    assert predicted['diff'] == {'before': {'state': 'Paused', 'drain_status': 'Completed', 'roles': []},
                                 'after': {'state': 'Up', 'drain_status': 'NotInitiated', 'roles': []}}
    real = node(fake, {'name': 'hv1', 'state': 'resumed', 'failback': 'none'})
    assert real['diff'] == predicted['diff']


def test_diff_only_in_diff_mode():
    assert 'diff' not in node(standard(), {'name': 'hv1', 'state': 'paused'}, diff=False)


# --- refusals before or at the read -------------------------------------------------------------------------------

def test_unknown_node():
    fake = standard()
    before = snapshot(fake)
    result = node(fake, {'name': 'hv9', 'state': 'paused'})
    assert_refused(fake, before, result)
    assert result['msg'] == 'cluster node hv9: cluster hvc1 has no node of that name. Use one of: hv1, hv2, hv3.'


def test_host_not_in_a_cluster():
    fake = standard()
    fake.clustered = False
    before = snapshot(fake)
    result = node(fake, {'name': 'hv1', 'state': 'paused'})
    assert_refused(fake, before, result, 'cluster node hv1: host hv1 is not an active member of a failover cluster, '
                   'so it cannot pause or resume a cluster node (The cluster service is not running.)',
                   'Run the task on a node of the cluster')


@pytest.mark.parametrize('args, message', [
    ({'state': 'paused', 'failback': 'immediate'}, 'failback only applies with state=resumed. Remove it'),
    ({'state': 'resumed', 'drain': True, 'target_node': 'hv2'},
     'drain, target_node only apply with state=paused. Remove them'),
    ({'state': 'resumed', 'host_memory_reserve_mb': 0}, 'host_memory_reserve_mb only applies with state=paused'),
    ({'state': 'paused', 'drain': False, 'force_drain': True},
     'force_drain and target_node only apply when the node is drained'),
    ({'state': 'paused', 'host_memory_reserve_mb': -1}, 'host_memory_reserve_mb cannot be negative (got -1)'),
])
def test_options_that_do_not_apply_are_refused_before_any_execution(args, message):
    fake = standard()
    result = node(fake, dict(args, name='hv1'))
    assert result['failed'] is True
    assert result['msg'].startswith('cluster node hv1: ')
    assert message in result['msg']
    assert fake.calls == []


@pytest.mark.parametrize('args, message', [
    ({'name': 'hv1'}, 'missing required arguments: state'),
    ({'name': 'hv1', 'state': 'drained'}, 'value of state must be one of: paused, resumed'),
    ({'name': 'hv1', 'state': 'resumed', 'failback': 'later'}, 'value of failback must be one of'),
    ({'name': 'hv1', 'state': 'paused', 'timeout': 60}, 'Unsupported parameters'),
])
def test_invalid_arguments(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        node(standard(), args)
