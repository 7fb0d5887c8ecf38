"""playbooks/failover_cluster.yml with the legacy disk-only quorum (failover_cluster_witness: disk_only): a prepared
lab built with it, a rerun that changes nothing, the move back to a file share witness, and disk_only without a disk
refused before anything changes."""

import os

import pytest
import yaml

from labkit import REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'failover_cluster.yml')
with open(os.path.join(REPO_ROOT, 'playbooks', 'vars', 'lab_failover_cluster.yml'), encoding='utf-8') as _handle:
    LAB_VARS = yaml.safe_load(_handle)

FC = 'hyperv.cluster.failover_cluster : '
CHECK_INPUT = FC + 'Check the input'
ADD_QUORUM_DISK = FC + 'Add the disk for a disk witness (kept out of the CSVs)'
QUORUM = FC + 'Set the quorum witness'
SHARE = LAB_VARS['failover_cluster_file_share_witness']
# The lab vars' file share witness stays set: an explicit witness is given only its own settings. The disk is found
# by its Get-Disk FriendlyName, which the role passes on to cluster_disk.
DISK_ONLY = dict(LAB_VARS, failover_cluster_witness='disk_only',
                 failover_cluster_witness_disk={'name': 'Quorum', 'label': 'MSFT Virtual HD Witness'})


def play(lab, extra_vars):
    before = lab.raw_state()
    run = lab.playbook(PLAYBOOK, extra_vars=extra_vars)
    return run, before, lab.raw_state()


def changed_tasks(run, host='hv1'):
    return [task['name'] for task in run.tasks() if task['hosts'].get(host, {}).get('changed')]


def quorum(show):
    cluster = show['clusters']['hvc1']
    return cluster['quorum']['type'], cluster['quorum']['witness']


@pytest.fixture(scope='module')
def disk_only(module_lab):
    lab = module_lab('quorum-disk-only', nodes=2, preset='prepared')
    first = play(lab, DISK_ONLY)
    first_show = lab.show()
    again = play(lab, DISK_ONLY)
    return lab, (first, first_show), again


def test_a_prepared_lab_built_with_the_disk_only_quorum(disk_only):
    _lab, ((run, _before, _after), show), _again = disk_only
    assert run.rc == 0, run
    assert quorum(show) == ('DiskOnly', {'kind': 'disk', 'resource': 'Quorum'})
    cluster = show['clusters']['hvc1']
    assert 'Quorum' in cluster['disks'] and sorted(cluster['csvs']) == ['CSV-A', 'CSV-B']
    # The disk is added and named before the quorum step asks for it.
    names = [task['name'] for task in run.tasks()]
    assert names.index(ADD_QUORUM_DISK) < names.index(QUORUM)
    assert {ADD_QUORUM_DISK, QUORUM} <= set(changed_tasks(run))
    assert run.result(ADD_QUORUM_DISK, 'hv1')['disk']['number'] == 1
    result = run.result(QUORUM, 'hv1')
    assert result['quorum']['mode'] == 'disk_only' and result['quorum']['witness_resource'] == 'Quorum'
    assert any('single point of failure for the whole cluster' in warning
               and 'Microsoft does not recommend this mode' in warning for warning in result['warnings']), result


def test_a_rerun_changes_nothing_and_still_warns(disk_only):
    _lab, _first, (run, before, after) = disk_only
    assert run.rc == 0, run
    assert {host: stats['changed'] for host, stats in run.stats.items()} == {'hv1': 0, 'hv2': 0}
    assert after == before
    assert any('disk-only quorum' in warning for warning in run.result(QUORUM, 'hv1')['warnings'])


def test_back_to_a_file_share_witness_changes_only_the_quorum(disk_only):
    lab = disk_only[0]
    run, before, _after = play(lab, dict(DISK_ONLY, failover_cluster_witness='file_share'))
    assert run.rc == 0, run
    assert changed_tasks(run) == [QUORUM]
    assert 'warnings' not in run.result(QUORUM, 'hv1')
    assert before['clusters']['hvc1']['quorum']['type'] == 'DiskOnly'
    show = lab.show()
    assert quorum(show) == ('Majority', {'kind': 'file_share', 'share_path': SHARE})
    # The disk stays in the cluster, out of the core group now.
    assert 'Quorum' in show['clusters']['hvc1']['disks']


def test_disk_only_without_a_disk_stops_before_anything(module_lab):
    lab = module_lab('quorum-disk-only-no-disk', nodes=2, preset='prepared')
    run, before, after = play(lab, dict(LAB_VARS, failover_cluster_witness='disk_only'))
    assert run.rc != 0
    result = run.result(CHECK_INPUT, 'hv1')
    assert result['failed'] is True
    assert 'is given for failover_cluster_witness disk or disk_only' in result['msg']
    assert after == before
