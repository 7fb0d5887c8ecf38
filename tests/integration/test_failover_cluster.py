"""playbooks/failover_cluster.yml (roles failover_cluster and csv) on prepared simulated labs: from prepared nodes
to a cluster with quorum, networks and CSVs; reruns, growth, and bad inputs with the lab left as it was."""

import glob
import json
import os

import pytest
import yaml

from hvsim.state import LabState
from labkit import REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'failover_cluster.yml')
with open(os.path.join(REPO_ROOT, 'playbooks', 'vars', 'lab_failover_cluster.yml'), encoding='utf-8') as _handle:
    LAB_VARS = yaml.safe_load(_handle)


FC = 'hyperv.cluster.failover_cluster : '
CSV = 'hyperv.cluster.csv : '
VALIDATE = FC + 'Validate the nodes for a cluster (Test-Cluster)'
REPORTS = 'c:\\windows\\cluster'
CREATE = FC + 'Create the cluster on this node'
JOIN = FC + 'Join the other nodes, one at a time'
QUORUM = FC + 'Set the quorum witness'
ADD_DISKS = CSV + 'Add the disks and make them Cluster Shared Volumes'
CHECK_CSVS = CSV + 'Check that every node sees every CSV, online, at the same path'


class Run:
    def __init__(self, lab, **extra_vars):
        self.raw_before = lab.raw_state()
        self.run = lab.playbook(PLAYBOOK, extra_vars=dict(LAB_VARS, **extra_vars))
        self.raw_after = lab.raw_state()
        self.show = lab.show()

    def without_reports(self, raw):
        """The state without what Test-Cluster leaves on a node (its report, C:\\Windows\\Cluster\\Reports)."""
        raw = json.loads(json.dumps(raw))
        for node in raw['nodes'].values():
            node['files'] = {path: entry for path, entry in (node.get('files') or {}).items()
                             if not path.startswith(REPORTS)}
        return raw

    def unchanged_but_reports(self):
        return self.without_reports(self.raw_after) == self.without_reports(self.raw_before)

    def failed(self):
        """{(task, host): message} of the failed tasks; a loop's message is that of its failed item."""
        return self.run.failures()

    def __repr__(self):
        return repr(self.run)


@pytest.fixture(scope='module')
def built(module_lab):
    lab = module_lab('failover', nodes=3, preset='prepared')
    return lab, Run(lab), Run(lab)


def test_prepared_nodes_become_a_cluster_with_quorum_networks_and_csvs(built):
    _lab, first, _again = built
    assert first.run.rc == 0, first
    cluster = first.show['clusters']['hvc1']
    assert {node: member['state'] for node, member in cluster['nodes'].items()} == dict.fromkeys(
        ('hv1', 'hv2', 'hv3'), 'Up')
    assert cluster['quorum']['witness'] == {'kind': 'file_share',
                                            'share_path': '\\\\fs01.corp.example.com\\witness\\hvc1'}
    assert {name: (network['address'], network['role']) for name, network in cluster['networks'].items()} == {
        'Management': ('10.10.0.0', 'ClusterAndClient'), 'Cluster': ('10.10.1.0', 'Cluster'),
        'LiveMigration': ('10.10.2.0', 'Cluster')}
    assert {name: csv['path'] for name, csv in cluster['csvs'].items()} == {
        'CSV-A': 'C:\\ClusterStorage\\Volume1', 'CSV-B': 'C:\\ClusterStorage\\Volume2'}
    # Everything ran on the leader, hv1; every node was asked for its CSVs.
    checks = first.run.result(CHECK_CSVS, 'hv1')['results']
    assert [item['item']['item'] for item in checks] == ['hv1', 'hv2', 'hv3']


def test_a_rerun_changes_nothing(built):
    _lab, _first, again = built
    assert again.run.rc == 0, again
    assert {host: stats['changed'] for host, stats in again.run.stats.items()} == {'hv1': 0, 'hv2': 0, 'hv3': 0}
    assert again.raw_after == again.raw_before


def test_a_fourth_node_later_joins_alone(module_lab):
    lab = module_lab('failover-grow', nodes=4, preset='prepared')
    three = Run(lab, failover_cluster_nodes=['hv1', 'hv2', 'hv3'], csv_nodes=['hv1', 'hv2', 'hv3'])
    assert three.run.rc == 0, three
    assert sorted(three.show['clusters']['hvc1']['nodes']) == ['hv1', 'hv2', 'hv3']
    four = Run(lab)
    assert four.run.rc == 0, four
    changed = [task['name'] for task in four.run.tasks() if four.run.result(task['name'], 'hv1').get('changed')]
    assert changed == [JOIN], changed
    assert sorted(four.show['clusters']['hvc1']['nodes']) == ['hv1', 'hv2', 'hv3', 'hv4']
    # hv4 sees the CSVs too.
    checks = four.run.result(CHECK_CSVS, 'hv1')['results']
    assert [item['item']['item'] for item in checks] == ['hv1', 'hv2', 'hv3', 'hv4']


def test_a_16_character_name_fails_before_anything(module_lab):
    lab = module_lab('failover-name', nodes=2, preset='prepared')
    run = Run(lab, failover_cluster_name='hyperv-cluster-1')
    assert run.run.rc != 0
    assert list(run.failed()) == [(CREATE, 'hv1')]
    assert 'the name has 16 characters' in run.failed()[(CREATE, 'hv1')]
    # Validation ran first (and passed): its report is all that is new.
    assert run.run.result(VALIDATE, 'hv1')['outcome'] == 'passed'
    assert run.unchanged_but_reports()


def test_a_node_of_another_cluster_stops_the_join_and_nothing_else_changes(module_lab):
    lab = module_lab('failover-other', nodes=4, preset='prepared')
    # hv3 and hv4 are already cluster hvc9.
    other = lab.playbook(lab.tasks_playbook(lab.dir, [{'name': 'hvc9', 'hyperv.cluster.cluster': {
        'name': 'hvc9', 'nodes': ['hv3', 'hv4']}}], hosts='hv3', name='hvc9.yml'))
    assert other.rc == 0, other
    first = Run(lab, failover_cluster_nodes=['hv1', 'hv2'], csv_nodes=['hv1', 'hv2'])
    assert first.run.rc == 0, first
    run = Run(lab, failover_cluster_nodes=['hv1', 'hv2', 'hv3'], csv_nodes=['hv1', 'hv2', 'hv3'])
    assert run.run.rc != 0
    message = run.failed()[(JOIN, 'hv1')]
    assert 'hv3 (in cluster hvc9) already belongs to another cluster; nothing was changed' in message
    assert run.unchanged_but_reports()


@pytest.mark.parametrize('changes, task, fragment', [
    ({'failover_cluster_file_share_witness': '\\\\fs02.corp.example.com\\witness\\hvc1'}, QUORUM,
     'The network path was not found.'),
    ({'csv_disks': [{'name': 'CSV-C', 'number': 4}]}, ADD_DISKS, 'disk 4 is MBR, not GPT'),
], ids=['witness share unreachable', 'non-GPT disk'])
def test_bad_inputs_on_a_built_cluster_leave_it_as_it_was(built, changes, task, fragment):
    lab = built[0]
    run = Run(lab, **changes)
    assert run.run.rc != 0
    assert fragment in run.failed()[(task, 'hv1')], run.failed()
    assert run.raw_after == run.raw_before


def test_two_clusters_each_built_from_their_own_node(module_lab):
    lab = module_lab('failover-two', nodes=5, clusters=2, preset='prepared')
    run = Run(lab, failover_cluster_static_address=[], failover_cluster_file_share_witness='',
              csv_disks=[{'name': 'CSV-A', 'number': 2}])
    # Both clusters ask for disk 2 of the one SAN, and their leaders run at once: one cluster gets it, the other's
    # task fails - at its read (already clustered) or at the write (Windows refuses the disk), whichever comes first.
    assert run.run.rc != 0
    failures = {host: message for (task, host), message in run.failed().items() if task == ADD_DISKS}
    assert len(failures) == 1, run.failed()
    (loser, message), = failures.items()
    assert 'disk 2 is already clustered' in message or "The disk '2' is not available to the cluster" in message
    winner = {'hv1': 'hvc2', 'hv4': 'hvc1'}[loser]
    assert sorted(run.show['clusters']) == ['hvc1', 'hvc2']
    assert sorted(run.show['clusters']['hvc2']['nodes']) == ['hv4', 'hv5']
    assert list(run.show['clusters'][winner]['csvs']) == ['CSV-A']
    assert run.show['shared_disks']['2']['cluster'] == winner


def test_a_disk_witness_is_added_before_the_quorum_and_kept_out_of_the_csvs(module_lab):
    lab = module_lab('failover-disk-witness', nodes=2, preset='prepared')
    witness = {'failover_cluster_file_share_witness': '',
               'failover_cluster_witness_disk': {'name': 'Witness', 'number': 1}}
    run = Run(lab, **witness)
    assert run.run.rc == 0, run
    cluster = run.show['clusters']['hvc1']
    assert cluster['quorum']['witness'] == {'kind': 'disk', 'resource': 'Witness'}
    assert 'Witness' in cluster['disks'] and sorted(cluster['csvs']) == ['CSV-A', 'CSV-B']
    again = Run(lab, **witness)
    assert again.run.rc == 0 and again.raw_after == again.raw_before, again


# --- validation (Test-Cluster) first --------------------------------------------------------------------------------

def _change_node(lab, node, **os_fields):
    with LabState.open(lab.dir) as state:
        state.nodes[node]['os'].update(os_fields)


def _local_reports(lab):
    return sorted(glob.glob(os.path.join(lab.dir, 'cluster-validation-reports', 'hv1', '*.htm')))


def test_a_rerun_skips_validation_with_one_read(built):
    _lab, first, again = built
    assert first.run.result(VALIDATE, 'hv1')['outcome'] in ('passed', 'passed_with_warnings')
    skipped = again.run.result(VALIDATE, 'hv1')
    assert skipped['skipped'] is True and skipped['changed'] is False
    assert 'validation skipped' in skipped['msg']


def test_a_validation_failure_stops_the_play_before_any_cluster(module_lab):
    lab = module_lab('failover-invalid', nodes=3, preset='prepared')
    _change_node(lab, 'hv3', version='10.0.26100', build=26100)
    run = Run(lab)
    assert run.run.rc != 0
    message = run.failed()[(VALIDATE, 'hv1')]
    assert list(run.failed()) == [(VALIDATE, 'hv1')]
    assert 'System Configuration - Validate Operating System Version: The test failed.' in message
    assert 'accept: [System Configuration]' in message
    assert not [task for task in run.run.tasks() if task['name'] == CREATE]
    assert run.show['clusters'] == {}
    assert run.unchanged_but_reports()
    # The report came to the controller, beside the inventory, and names every node.
    (report,) = _local_reports(lab)
    assert run.run.result(VALIDATE, 'hv1')['local_report_path'] == report
    with open(report, encoding='utf-8') as handle:
        text = handle.read()
    for node in ('hv1', 'hv2', 'hv3'):
        assert node in text
    assert 'ClusterNotApproved' in text
    # The report on the node is the one brought back.
    remote = run.run.result(VALIDATE, 'hv1')['report_path']
    assert lab.lab_cli('file', lab.dir, 'hv1', remote).stdout == text


def test_an_accepted_failure_goes_on_and_builds_the_cluster(module_lab):
    lab = module_lab('failover-accepted', nodes=2, preset='prepared')
    armed = lab.lab_cli('fault', lab.dir, 'validation-fail', 'hv2')
    assert armed.returncode == 0, armed.stderr
    run = Run(lab, failover_cluster_validation_accept=['Network'], failover_cluster_static_address=[],
              failover_cluster_file_share_witness='')
    assert run.run.rc == 0, run
    validated = run.run.result(VALIDATE, 'hv1')
    assert validated['outcome'] == 'failed'
    assert [test['test'] for test in validated['accepted_tests']] == ['Validate Network Communication']
    assert sorted(run.show['clusters']['hvc1']['nodes']) == ['hv1', 'hv2']
    assert run.show['faults'] == []


def test_validation_can_be_switched_off(module_lab):
    lab = module_lab('failover-novalidate', nodes=2, preset='prepared')
    _change_node(lab, 'hv2', version='10.0.26100', build=26100)
    run = Run(lab, failover_cluster_validate=False, failover_cluster_static_address=[],
              failover_cluster_file_share_witness='')
    assert run.run.rc == 0, run
    assert run.run.result(VALIDATE, 'hv1').get('skipped') is True
    assert _local_reports(lab) == []
