"""The collection's playbooks (playbooks/*.yml) run as a user runs them, on simulated labs."""

import os
import subprocess
import sys

import pytest

from labkit import REPO_ROOT

VM_ROLES = os.path.join(REPO_ROOT, 'playbooks', 'vm_roles.yml')
CLUSTER_STATUS = os.path.join(REPO_ROOT, 'playbooks', 'cluster_status.yml')
LAB_VARS = os.path.join(REPO_ROOT, 'playbooks', 'vars', 'lab_vm_roles.yml')
SET_ROLES = 'Set the cluster role of each VM'
INPUT_MESSAGE = 'hyperv_vm_roles must be a list of VMs, each with at least a name.'


class Run:
    """A playbook run with the remote executions and the lab state it caused."""

    def __init__(self, lab, playbook, **options):
        before, self.raw_before = len(lab.executions()), lab.raw_state()
        self.run = lab.playbook(playbook, **options)
        self.executions = lab.executions()[before:]
        self.raw_after = lab.raw_state()
        self.show_after = lab.show()

    @property
    def modes(self):
        return [(entry['node'], entry['mode']) for entry in self.executions]


# --- the make lab demo: vm_roles.yml with playbooks/vars/lab_vm_roles.yml, twice, then cluster_status.yml -----------

@pytest.fixture(scope='module')
def demo(module_lab):
    # As scripts/lab-demo builds it: VMs 1..8 round-robin on hv1..hv3, 1 and 2 clustered, local-0001 on hv1.
    lab = module_lab('demo', nodes=3, vms=8, clustered_vms=2, local_vms=1)
    converge = Run(lab, VM_ROLES, diff=True, args=['-e', '@' + LAB_VARS])
    rerun = Run(lab, VM_ROLES, args=['-e', '@' + LAB_VARS])
    status = Run(lab, CLUSTER_STATUS)
    return lab, converge, rerun, status


def test_vm_roles_converges_the_lab(demo):
    _lab, converge, _rerun, _status = demo
    assert converge.run.rc == 0, converge.run
    # One leader (hv1) for the one cluster does all the work.
    items = converge.run.result(SET_ROLES, 'hv1')['results']
    assert [item['item']['name'] for item in items] == ['instance-00000004', 'instance-00000005',
                                                        'instance-00000006', 'instance-00000007']
    assert all(item['changed'] for item in items)
    assert all('diff' in item for item in items)
    assert [entry for entry in converge.modes if entry[0] != 'hv1'] == []
    # Each new role: one read and one write.
    assert [mode for _node, mode in converge.modes] == ['read', 'write'] * 4

    groups = converge.show_after['clusters']['hvc1']['groups']
    expected = {
        'instance-00000004': ('hv1', 3000, ['hv1', 'hv2']),
        'instance-00000005': ('hv2', 2000, []),
        'instance-00000006': ('hv3', 1000, []),
        'instance-00000007': ('hv1', 0, []),
        'instance-00000001': ('hv1', 2000, []),
        'instance-00000002': ('hv2', 2000, []),
    }
    vm_groups = {name: group for name, group in groups.items() if group['type'] == 'VirtualMachine'}
    assert {name: (group['owner'], group['priority'], group['preferred_owners'])
            for name, group in vm_groups.items()} == expected
    # Clustering never stops a VM, not even with no_auto_start.
    assert all(vm['state'] == 'Running' for vm in converge.show_after['vms'].values())
    assert not converge.show_after['vms']['instance-00000008']['clustered']
    assert not converge.show_after['vms']['local-0001']['clustered']


def test_a_second_run_changes_nothing_on_any_host_with_one_read_per_vm(demo):
    _lab, _converge, rerun, _status = demo
    assert rerun.run.rc == 0, rerun.run
    assert set(rerun.run.stats) == {'hv1', 'hv2', 'hv3'}
    assert {host: stats['changed'] for host, stats in rerun.run.stats.items()} == {'hv1': 0, 'hv2': 0, 'hv3': 0}
    assert rerun.modes == [('hv1', 'read')] * 4
    assert rerun.raw_after == rerun.raw_before


def test_cluster_status_is_read_only_and_reports_the_cluster(demo):
    _lab, _converge, _status_unused, status = demo
    assert status.run.rc == 0, status.run
    assert status.modes == [('hv1', 'read')]
    assert status.raw_after == status.raw_before
    lines = status.run.result('Show the cluster', 'hv1')['msg']
    assert lines[0] == 'cluster hvc1 (corp.example.com), quorum node_majority'
    assert lines[1] == 'nodes: hv1=Up, hv2=Up, hv3=Up'
    assert lines[2].startswith('CSVs: C:\\ClusterStorage\\Volume1 free% ')
    assert lines[3] == 'VM roles: 6, per node: hv1=3, hv2=2, hv3=1'
    assert lines[4] == 'offline VM roles: none'


# --- several clusters ------------------------------------------------------------------------------------------------

def test_items_with_a_cluster_apply_to_that_cluster_only(make_lab):
    # hvc1 = hv1, hv2 (VMs 1, 2, 5, 6); hvc2 = hv3, hv4 (VMs 3, 4, 7, 8); none clustered yet.
    lab = make_lab(nodes=4, clusters=2, vms=8)
    roles = [
        {'name': 'instance-00000001', 'cluster': 'hvc1', 'priority': 'high'},
        {'name': 'instance-00000003', 'cluster': 'hvc2', 'priority': 'low', 'preferred_owners': ['hv4', 'hv3']},
        {'name': 'instance-00000006', 'cluster': 'hvc1'},
    ]
    converge = Run(lab, VM_ROLES, extra_vars={'hyperv_vm_roles': roles})
    assert converge.run.rc == 0, converge.run
    # One leader per cluster, each looping over its own cluster's items only.
    assert [item['item']['name'] for item in converge.run.result(SET_ROLES, 'hv1')['results']] == [
        'instance-00000001', 'instance-00000006']
    assert [item['item']['name'] for item in converge.run.result(SET_ROLES, 'hv3')['results']] == [
        'instance-00000003']
    assert sorted(converge.modes) == [('hv1', 'read')] * 2 + [('hv1', 'write')] * 2 + [('hv3', 'read'),
                                                                                       ('hv3', 'write')]
    clusters = converge.show_after['clusters']
    vm_groups = {cluster: {name: (group['owner'], group['priority'], group['preferred_owners'])
                           for name, group in clusters[cluster]['groups'].items() if group['type'] == 'VirtualMachine'}
                 for cluster in ('hvc1', 'hvc2')}
    assert vm_groups == {'hvc1': {'instance-00000001': ('hv1', 3000, []), 'instance-00000006': ('hv2', 2000, [])},
                         'hvc2': {'instance-00000003': ('hv3', 1000, ['hv4', 'hv3'])}}

    rerun = Run(lab, VM_ROLES, extra_vars={'hyperv_vm_roles': roles})
    assert rerun.run.rc == 0 and all(stats['changed'] == 0 for stats in rerun.run.stats.values()), rerun.run
    assert sorted(rerun.modes) == [('hv1', 'read')] * 2 + [('hv3', 'read')]

    status = Run(lab, CLUSTER_STATUS)
    assert status.run.rc == 0, status.run
    assert sorted(status.modes) == [('hv1', 'read'), ('hv3', 'read')]
    assert status.raw_after == status.raw_before
    assert status.run.result('Show the cluster', 'hv1')['msg'][0].startswith('cluster hvc1 ')
    assert status.run.result('Show the cluster', 'hv3')['msg'][0].startswith('cluster hvc2 ')
    assert status.run.result('Show the cluster', 'hv3')['msg'][3] == 'VM roles: 1, per node: hv3=1'


# --- bad input -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('roles', [
    [{'name': 'instance-00000004'}, {'priority': 'high'}],
    'instance-00000004',
    None,
], ids=['an item without a name', 'not a list', 'not given'])
def test_bad_input_fails_the_input_check_before_any_execution(make_lab, roles):
    lab = make_lab(nodes=3, vms=6)
    run = Run(lab, VM_ROLES, extra_vars={'hyperv_vm_roles': roles} if roles is not None else None)
    assert run.run.rc != 0
    check = run.run.result('Check the input', 'hv1')
    assert check['failed'] is True
    assert check['msg'] == INPUT_MESSAGE
    assert not run.run.tasks(SET_ROLES) or all(
        result.get('skipped') for task in run.run.tasks(SET_ROLES) for result in task['hosts'].values())
    assert run.executions == []
    assert run.raw_after == run.raw_before


# --- defects found and fixed: regression tests ---------------------------------------------------------------------------------------------------

def test_cluster_status_uses_a_reachable_node_when_the_first_node_is_down(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    lab.fault('node-down', 'hv1')
    status = Run(lab, CLUSTER_STATUS)
    shown = [result['msg'][0] for task in status.run.tasks('Show the cluster') for result in task['hosts'].values()
             if 'msg' in result]
    assert shown and shown[0].startswith('cluster hvc1 '), status.run
    assert [mode for node, mode in status.modes if node != 'hv1'] == ['read']


# --- make lab: scripts/lab-demo as a user runs it ----------------------------------------------------------------------

def test_make_lab_demo_runs_the_site_from_bare_nodes_moves_vms_and_ends_with_nova_compute(tmp_path):
    env = dict(os.environ, LAB_DIR=str(tmp_path / 'lab'), LAB_DAY2_DIR=str(tmp_path / 'lab-day2'),
               LAB_SITE_DIR=str(tmp_path / 'lab-site'),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    demo = subprocess.run([os.path.join(REPO_ROOT, 'scripts', 'lab-demo')], capture_output=True, text=True,
                          check=False, env=env, cwd=str(tmp_path))
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-2000:]
    site = demo.stdout[:demo.stdout.index('== creating a simulated lab in')]
    assert 'scripts/lab create --preset bare' in site
    assert 'cluster hvc1: nodes hv1=Up, hv2=Up, hv3=Up; quorum Majority + file_share witness' in site
    assert 'csv CSV-A          C:\\ClusterStorage\\Volume1' in site
    assert 'hv1      nova-compute           running  as CORP\\svc-nova' in site
    rerun = site[site.index('== running it again: nothing should change'):site.index('== the site (scripts/lab show')]
    assert rerun.count('changed=0') == 3 and 'failed=0' in rerun, rerun
    assert '.htm' in site[site.index("the cluster's validation report"):]
    for line in ('"msg": "instance-00000001: cluster_live from hv1 to hv2 in ',
                 '"msg": "instance-00000003: shared_nothing from hv3 to hv5 in ',
                 'Running on hv5, clustered in hvc2"',
                 '"msg": "hv2 (hvc1) is Paused, drain Completed; 3 role(s) moved away: ',
                 '"msg": "hv2 (hvc1) is Up; 3 role(s) came back: '):
        assert line in demo.stdout, line
    assert 'failed=1' not in demo.stdout
    # It ends with nova-compute on the first lab's cluster, and shows no secret on the way.
    tail = demo.stdout[demo.stdout.index('nova-compute with the Hyper-V cluster driver on every node'):]
    assert 'compute_driver = compute_hyperv.cluster.driver.HyperVClusterDriver' in tail
    assert 'openstack: compute services up on hv1, hv2, hv3' in tail
    assert 'aggregate hvc1 (zone hyperv): hv1, hv2, hv3' in tail
    for secret in ('Simulated-Nova-Pa55', 'Simulated-Placement-Pa55', 'Simulated-Rabbit-Pa55', 'Simulated-Join-Pa55'):
        assert secret not in demo.stdout, secret
