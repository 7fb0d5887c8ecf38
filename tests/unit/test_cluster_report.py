"""plugin_utils/_cluster_report.py: what playbooks/cluster_report.yml shows, from the modules' results; and that its
template escapes every value it is given."""

import copy
import datetime
import os

import jinja2
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hyperv.cluster.plugins.filter import cluster_report as filters
from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster_report as report

TEMPLATE_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'playbooks', 'templates')
GIB = 1024 ** 3
TIB = 1024 ** 4


def vm(name, clustered=True, state='Running', memory=2048):
    return {'name': name, 'clustered': clustered, 'state': state, 'memory_assigned_mb': memory}


def host_info(name, vms):
    return {'changed': False, 'hyperv': True, 'vmhost': {'name': name.upper(), 'memory_capacity_bytes': 64 * GIB},
            'vms': vms}


def cluster_info(node_states=(('hv1', 'Up', 'NotInitiated'), ('hv2', 'Up', 'NotInitiated')), free=3 * TIB):
    return {
        'clustered': True, 'cluster': {'name': 'hvc1', 'domain': 'corp.example.com'},
        'nodes': [{'name': name, 'state': state, 'drain_status': drain} for name, state, drain in node_states],
        'quorum': {'quorum_type': 'Majority', 'mode': 'node_and_file_share_majority', 'witness_type': 'file_share',
                   'witness_resource': 'File Share Witness'},
        'csvs': [{'name': 'Cluster Disk 1', 'path': 'C:\\ClusterStorage\\Volume1', 'state': 'Online',
                  'owner_node': 'hv1', 'size_bytes': 4 * TIB, 'free_bytes': free, 'fault_state': 'NoFaults'}],
        'vm_groups': [{'name': 'vm1', 'owner_node': 'hv1', 'state': 'Online'},
                      {'name': 'vm2', 'owner_node': 'hv2', 'state': 'Online'}],
    }


def capacity(survives=True, free_after_mb=100000, failing=()):
    return {
        'cluster': 'hvc1', 'survives': survives, 'failures': 1, 'host_memory_reserve_mb': 2048,
        'scenarios_checked': 2, 'failing_scenarios': list(failing),
        'worst_scenario': (list(failing) or [{'lost_nodes': ['hv1'], 'quorum': True, 'unplaced_vms': [],
                                              'unplaced_mb': 0, 'free_after_mb': free_after_mb}])[0],
        'nodes': [{'name': 'hv1', 'state': 'Up', 'memory_mb': 131072, 'used_mb': 4176, 'free_mb': 126896},
                  {'name': 'hv2', 'state': 'Up', 'memory_mb': 131072, 'used_mb': 2088, 'free_mb': 128984}],
        'unknown_memory_nodes': [],
    }


def records(info=None, cap=None, hv2_answers=True, inventory_names=('hv1', 'hv2')):
    leader, other = inventory_names
    return [
        {'host': leader, 'cluster': 'hvc1', 'answers': True,
         'host_info': host_info('hv1', [vm('vm1'), vm('local1', clustered=False)]),
         'cluster_info': info or cluster_info(), 'cluster_capacity': cap or capacity()},
        {'host': other, 'cluster': 'hvc1', 'answers': hv2_answers,
         'host_info': host_info('hv2', [vm('vm2')]) if hv2_answers else None,
         'cluster_info': None, 'cluster_capacity': None},
    ]


def test_a_healthy_cluster():
    page = report.build(records())
    assert (page['tone'], page['status']) == ('ok', 'Healthy')
    assert page['totals'] == {'clusters': 1, 'clusters_healthy': 1, 'nodes': 2, 'nodes_up': 2, 'vms': 3,
                              'vms_running': 3, 'problems': 0}
    card = page['clusters'][0]
    assert (card['name'], card['domain'], card['read_from'], card['problems']) == ('hvc1', 'corp.example.com', 'hv1',
                                                                                   [])
    hv1 = card['nodes'][0]
    assert hv1['vms'] == {'total': 2, 'running': 2, 'clustered': 1, 'not_clustered': 1, 'memory_mb': 4096}
    assert hv1['memory']['used_percent'] == 3.2 and hv1['memory']['memory'] == '128.0 GiB'
    assert (hv1['state_tone'], hv1['drain_label']) == ('ok', 'none')
    csv = card['csvs'][0]
    assert (csv['used_percent'], csv['free_percent'], csv['used'], csv['size'], csv['tone']) == (
        25.0, 75.0, '1.0 TiB', '4.0 TiB', 'ok')
    assert card['quorum']['mode_label'] == 'Node and file share majority'
    assert card['quorum']['witness_label'] == 'File share witness'
    assert card['headroom']['verdict'] == 'OK'
    # 100000 MB free of hv2's 131072 after losing hv1.
    assert card['headroom']['free_after_percent'] == 76.3
    assert [entry['name'] for entry in card['attention_vms']['shown']] == ['local1']


def test_nodes_are_matched_by_their_windows_name_when_the_inventory_uses_fqdns():
    card = report.build(records(inventory_names=('hv1.corp.example.com', '10.10.0.12')))['clusters'][0]
    assert [node['host'] for node in card['nodes']] == ['hv1.corp.example.com', '10.10.0.12']
    assert card['nodes'][1]['vms']['total'] == 1


@pytest.mark.parametrize('used_tib, settings, tone', [
    (3.3, {}, 'warning'),                            # 82.5 % used
    (3.7, {}, 'critical'),                           # 92.5 %
    (3.3, {'csv_warning_percent': 85}, 'ok'),
])
def test_csv_usage_turns_amber_and_red_at_the_thresholds(used_tib, settings, tone):
    info = cluster_info(free=int((4 - used_tib) * TIB))
    card = report.build(records(info=info), settings)['clusters'][0]
    assert (card['csvs'][0]['tone'], card['tone']) == (tone, tone)
    expected = [] if tone == 'ok' else ['C:\\ClusterStorage\\Volume1 is %.1f%% full.' % (used_tib * 25)]
    assert card['problems'] == expected


def test_down_and_draining_nodes():
    info = cluster_info(node_states=(('hv1', 'Up', 'NotInitiated'), ('hv2', 'Down', 'NotInitiated'),
                                     ('hv3', 'Paused', 'InProgress')))
    page = report.build(records(info=info, hv2_answers=False))
    card = page['clusters'][0]
    hv2, hv3 = card['nodes'][1], card['nodes'][2]
    assert (hv2['state_tone'], hv2['vms'], hv2['vms_unread_reason']) == ('critical', None, 'not reachable')
    assert (hv3['state_tone'], hv3['drain_tone']) == ('warning', 'warning')
    assert hv3['vms_unread_reason'] == 'not in the inventory'
    assert card['problems'][:3] == ['Node hv2 is Down.', 'Node hv3 is Paused.', 'Drain of hv3 in progress.']
    assert (page['tone'], page['status']) == ('critical', 'Critical')
    assert page['totals']['nodes_up'] == 1


def test_headroom_verdicts():
    tight = report.build(records(cap=capacity(free_after_mb=10000)))['clusters'][0]['headroom']
    assert (tight['tone'], tight['verdict'], tight['free_after_percent']) == ('warning', 'Tight', 7.6)
    assert tight['sentence'] == ("Survives losing any 1 node; the worst case (hv1) leaves 9.8 GiB free (7.6% of the "
                                 "remaining nodes' memory).")
    short = {'lost_nodes': ['hv1'], 'quorum': True, 'unplaced_vms': ['vm1', 'vm3'], 'unplaced_mb': 4176,
             'free_after_mb': 0}
    no_quorum = {'lost_nodes': ['hv2'], 'quorum': False, 'unplaced_vms': ['vm2'], 'unplaced_mb': 2088,
                 'free_after_mb': 0}
    risk = report.build(records(cap=capacity(survives=False, failing=[short, no_quorum])))['clusters'][0]
    assert (risk['headroom']['tone'], risk['headroom']['verdict']) == ('critical', 'At risk')
    assert risk['headroom']['sentence'] == ('Does not survive losing any 1 node: without hv1, 2 VMs would not '
                                            'restart (4.1 GiB short).')
    assert risk['headroom']['failing'][1]['consequence'] == 'without hv2 the cluster loses quorum and stops its VMs'
    assert risk['tone'] == 'critical'


def test_a_cluster_that_could_not_be_read():
    stopped = records(info={'clustered': False, 'cluster': None})
    card = report.build(stopped)['clusters'][0]
    assert (card['readable'], card['tone']) == (False, 'critical')
    assert card['problems'] == ['Not read: the cluster service is not running on hv1 (has the cluster lost quorum?).']
    nobody = [dict(record, answers=False, cluster_info=None, host_info=None) for record in records()]
    assert report.build(nobody)['clusters'][0]['problems'] == ['Not read: no node of the cluster answered.']


def failed(msg):
    """A module's failure as the playbook registers it (failed_when: false)."""
    return {'changed': False, 'failed': False, 'failed_when_result': False, 'msg': msg}


def test_failed_reads_are_shown_and_listed():
    broken = records()
    broken[0]['cluster_info'] = failed('host hv1: Access is denied.')
    page = report.build(broken)
    assert page['clusters'][0]['problems'] == ['Not read: cluster_info failed on hv1: host hv1: Access is denied.']
    assert page['read_errors'] == ['cluster_info on hv1: host hv1: Access is denied']

    broken = records(cap=failed('too many combinations'))
    broken[1]['host_info'] = failed('host hv2: the runner failed')
    page = report.build(broken)
    card = page['clusters'][0]
    assert card['headroom']['sentence'] == 'cluster_capacity failed: too many combinations.'
    assert card['headroom']['tone'] == 'unknown'
    assert card['nodes'][1]['vms_unread_reason'] == 'not read: host hv2: the runner failed'
    assert page['read_errors'] == ['cluster_capacity on hv1: too many combinations',
                                   'host_info on hv2: host hv2: the runner failed']
    # A node that does not answer is a state the page shows, not a failed read.
    assert report.build(records(hv2_answers=False))['read_errors'] == []


def test_standalone_hosts_and_the_vm_list_limit():
    hosts = [{'host': 'hv9', 'cluster': None, 'answers': True,
              'host_info': host_info('hv9', [vm('vm%d' % index, clustered=False) for index in range(3)])},
             {'host': 'hv10', 'cluster': None, 'answers': False, 'host_info': None}]
    page = report.build(records() + hosts, {'vm_list_limit': 1})
    assert [(row['name'], row['state'], row['state_tone']) for row in page['standalone']] == [
        ('HV9', 'Up', 'ok'), ('hv10', 'Unreachable', 'critical')]
    assert page['standalone'][0]['memory']['memory'] == '64.0 GiB'
    assert page['clusters'][0]['attention_vms']['more'] == 0
    assert report.build(records() + [dict(records()[0], host='x')], {'vm_list_limit': 0})['clusters'][0][
        'attention_vms'] == {'shown': [], 'more': 1, 'count': 1}
    assert page['tone'] == 'critical'


def test_human_sizes():
    assert [report.human_bytes(value) for value in (None, 512, 1536, 4 * TIB, 3000 * TIB)] == [
        'unknown', '512 B', '1.5 KiB', '4.0 TiB', '3000.0 TiB']


def test_the_filter_refuses_what_is_not_a_list_of_records():
    with pytest.raises(AnsibleFilterError, match='list of host records'):
        filters.cluster_report({'hv1': {}})
    assert filters.FilterModule().filters()['cluster_report'](records())['status'] == 'Healthy'


HOSTILE = '<x-hostile class="x">"\'&'


def hostile(value):
    """Every string of a model (names, paths, states, tones, sentences) prefixed with markup."""
    if isinstance(value, dict):
        return {key: hostile(item) for key, item in value.items()}
    if isinstance(value, list):
        return [hostile(item) for item in value]
    return HOSTILE + value if isinstance(value, str) else value


def render(model, **variables):
    # As the template module renders (trim_blocks), with the two Ansible additions the template uses.
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), trim_blocks=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters['bool'] = bool
    environment.globals['now'] = lambda utc=False: datetime.datetime(2026, 1, 2, 3, 4, 5)
    return environment.get_template('cluster_report.html.j2').render(cluster_report=model, **variables)


def test_the_template_escapes_every_value():
    info = cluster_info(node_states=(('hv1', 'Up', 'NotInitiated'), ('hv2', 'Paused', 'Failed')))
    failing = [{'lost_nodes': ['hv1'], 'quorum': True, 'unplaced_vms': ['vm1'], 'unplaced_mb': 2048,
                'free_after_mb': 0}, {'lost_nodes': ['hv2'], 'quorum': True, 'unplaced_vms': ['vm2'],
                                      'unplaced_mb': 2048, 'free_after_mb': 0}]
    standalone = {'host': 'hv9', 'cluster': None, 'answers': True, 'host_info': host_info('hv9', [vm('a')])}
    model = report.build(records(info=info, cap=capacity(survives=False, failing=failing)) + [standalone])
    html = render(hostile(copy.deepcopy(model)), cluster_report_title=HOSTILE, cluster_report_timestamp=True)
    assert '<x-hostile' not in html
    assert html.count('&lt;x-hostile class=&#34;x&#34;&gt;&#34;&#39;&amp;') > 50
    assert ' · generated 2026-01-02 03:04:05 UTC' in html
    # The same model without the markup shows what the page is made of.
    plain = render(model)
    for shown in ('Overall: Critical', 'Node hv2 is Paused.', 'Drain of hv2 failed.', '25.0% used', 'At risk',
                  'local1', 'Standalone Hyper-V hosts', 'File share witness: File Share Witness'):
        assert shown in plain, shown
    assert 'generated' not in plain and '<script' not in plain
