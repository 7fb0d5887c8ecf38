"""hyperv.cluster.cluster_info on simulated labs: every field against the lab, filters, subsets, one execution."""

import pytest

from stepkit import run_steps

ALL_READS = ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterQuorum', 'Get-ClusterSharedVolume', 'Get-ClusterNetwork',
             'Get-ClusterGroup']
SUBSET_KEYS = {'nodes', 'quorum', 'csvs', 'networks', 'vm_groups'}


def cluster_info(label, check=False, ignore_errors=False, delegate_to=None, **options):
    task = {'name': label, 'hyperv.cluster.cluster_info': options}
    if check:
        task['check_mode'] = True
    if ignore_errors:
        task['ignore_errors'] = True
    if delegate_to:
        task['delegate_to'] = delegate_to
    return task


def names(result):
    return sorted(group['name'] for group in result['vm_groups'])


def vm(number):
    return 'instance-%08x' % number


# --- one cluster of three nodes, eight clustered VMs -----------------------------------------------------------------

@pytest.fixture(scope='module')
def info(module_lab, tmp_path_factory):
    # hv1 runs VMs 1, 4, 7 (+ local-0001), hv2 runs 2, 5, 8, hv3 runs 3, 6, 9; VMs 1..8 are clustered.
    lab = module_lab('info', nodes=3, vms=9, clustered_vms=8, local_vms=1)
    return run_steps(lab, tmp_path_factory.mktemp('info-play'), [
        cluster_info('all'),
        cluster_info('all from hv2', delegate_to='hv2'),
        cluster_info('all from hv3', delegate_to='hv3'),
        cluster_info('check mode', check=True),
        cluster_info('vms patterns', vms=['instance-0000000[1-3]', 'INSTANCE-00000008']),
        cluster_info('no vm matches', vms=['nothing-*']),
        cluster_info('owner nodes', owner_nodes=['HV2']),
        cluster_info('owner node patterns', owner_nodes=['hv[13]']),
        cluster_info('vms and owner nodes', vms=['instance-*'], owner_nodes=['hv3', 'hv1']),
        cluster_info('subset vm_groups', gather_subset=['vm_groups']),
        cluster_info('subset nodes and quorum', gather_subset=['nodes', 'quorum']),
        cluster_info('subset csvs and networks', gather_subset=['networks', 'csvs']),
        cluster_info('bad subset', ignore_errors=True, gather_subset=['disks']),
        cluster_info('unknown option', ignore_errors=True, name='hvc1'),
    ])


def test_every_read_is_one_execution_that_changes_nothing(info):
    assert info.run.rc == 0, info.run
    for step in info.steps.values():
        if step.name in ('bad subset', 'unknown option'):
            continue
        assert step.modes == ['read'], step
        assert step.state_unchanged, step
        result = step.result()
        assert result['changed'] is False, step
        assert result['clustered'] is True, step
    assert info.raw_after == info.raw_before
    assert all(entry['mode'] == 'read' for entry in info.lab.executions())


def test_the_cluster_and_its_nodes(info):
    result = info['all'].result()
    cluster = result['cluster']
    assert cluster['name'] == 'hvc1'
    assert cluster['domain'] == 'corp.example.com'
    assert isinstance(cluster['id'], str) and len(cluster['id']) == 36
    assert cluster['shared_volumes_root'] == 'C:\\ClusterStorage'
    assert [node['name'] for node in result['nodes']] == ['hv1', 'hv2', 'hv3']
    for node in result['nodes']:
        assert node['state'] == 'Up'
        assert node['drain_status'] == 'NotInitiated'
        assert node['status_information'] == 'Normal'
        assert isinstance(node['id'], str)
    assert [node['id'] for node in result['nodes']] == ['1', '2', '3']


def test_quorum_without_witness_on_an_odd_node_count(info):
    assert info['all'].result()['quorum'] == {'quorum_type': 'Majority', 'mode': 'node_majority',
                                              'witness_type': 'none', 'witness_resource': None}


def test_csvs_with_path_size_and_free_space(info):
    result = info['all'].result()
    shown = info.lab.show()['clusters']['hvc1']['csvs']
    assert [csv['name'] for csv in result['csvs']] == sorted(shown)
    for csv in result['csvs']:
        lab_csv = shown[csv['name']]
        assert csv['path'] == lab_csv['path']
        assert csv['owner_node'] == lab_csv['owner']
        assert csv['state'] == 'Online'
        assert csv['fault_state'] == 'NoFaults'
        assert isinstance(csv['size_bytes'], int) and csv['size_bytes'] == lab_csv['size_bytes']
        assert isinstance(csv['free_bytes'], int) and csv['free_bytes'] == lab_csv['free_bytes']
        assert csv['used_bytes'] == csv['size_bytes'] - csv['free_bytes']
        assert isinstance(csv['percent_free'], float)
        assert csv['percent_free'] == round(100.0 * csv['free_bytes'] / csv['size_bytes'], 2)
        assert isinstance(csv['id'], str)
    assert [csv['path'] for csv in result['csvs']] == ['C:\\ClusterStorage\\Volume1', 'C:\\ClusterStorage\\Volume2']


def test_networks(info):
    result = info['all'].result()
    shown = info.lab.show()['clusters']['hvc1']['networks']
    assert [network['name'] for network in result['networks']] == ['Management', 'Cluster', 'LiveMigration']
    for network in result['networks']:
        assert network['address'] == shown[network['name']]['address']
        assert network['role'] == shown[network['name']]['role']
        assert network['metric'] == shown[network['name']]['metric'] and isinstance(network['metric'], int)
        assert network['address_mask'] == '255.255.255.0'
        assert network['auto_metric'] is True
        assert network['state'] == 'Up'


def test_vm_groups_are_the_clustered_vms_only(info):
    result = info['all'].result()
    shown = info.lab.show()['clusters']['hvc1']['groups']
    assert names(result) == [vm(number) for number in range(1, 9)]   # not Cluster Group nor Available Storage
    for group in result['vm_groups']:
        lab_group = shown[group['name']]
        assert group['owner_node'] == lab_group['owner']
        assert group['state'] == lab_group['state'] == 'Online'
        assert group['priority'] == lab_group['priority'] == 2000 and isinstance(group['priority'], int)
        assert group['priority_name'] == 'medium'
        assert group['group_type'] == 'VirtualMachine'
        assert group['id'] == info.lab.show()['vms'][group['name']]['id']
    assert {group['name']: group['owner_node'] for group in result['vm_groups']} == {
        vm(number): 'hv%d' % ((number - 1) % 3 + 1) for number in range(1, 9)}


def test_every_node_reads_the_same_cluster(info):
    reference = {key: value for key, value in info['all'].result().items() if not key.startswith('_')}
    for name, node in (('all from hv2', 'hv2'), ('all from hv3', 'hv3')):
        step = info[name]
        assert step.nodes == [node], step
        assert {key: value for key, value in step.result().items() if not key.startswith('_')} == reference


def test_check_mode_reads_the_same(info):
    assert info['check mode'].result()['vm_groups'] == info['all'].result()['vm_groups']
    assert info['check mode'].result()['nodes'] == info['all'].result()['nodes']


@pytest.mark.parametrize('step, expected', [
    ('vms patterns', [1, 2, 3, 8]),
    ('no vm matches', []),
    ('owner nodes', [2, 5, 8]),
    ('owner node patterns', [1, 3, 4, 6, 7]),
    ('vms and owner nodes', [1, 3, 4, 6, 7]),
])
def test_filters(info, step, expected):
    result = info[step].result()
    assert names(result) == [vm(number) for number in expected]
    # Filters only narrow vm_groups.
    assert result['nodes'] == info['all'].result()['nodes']
    assert result['csvs'] == info['all'].result()['csvs']


@pytest.mark.parametrize('step, cmdlets, keys', [
    ('all', ALL_READS, SUBSET_KEYS),
    ('subset vm_groups', ['Get-Cluster', 'Get-ClusterGroup'], {'vm_groups'}),
    ('subset nodes and quorum', ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterQuorum'], {'nodes', 'quorum'}),
    ('subset csvs and networks', ['Get-Cluster', 'Get-ClusterSharedVolume', 'Get-ClusterNetwork'],
     {'csvs', 'networks'}),
])
def test_gather_subset_limits_the_cmdlets_called(info, step, cmdlets, keys):
    executions = info[step].executions
    assert len(executions) == 1
    assert executions[0]['cmdlets'] == cmdlets
    result = info[step].result()
    assert SUBSET_KEYS & set(result) == keys
    assert result['cluster']['name'] == 'hvc1'
    for key in keys:
        assert result[key] == info['all'].result()[key]


@pytest.mark.parametrize('step, parts', [
    ('bad subset', ['gather_subset', 'all, nodes, quorum, csvs, networks, vm_groups', 'disks']),
    ('unknown option', ['Unsupported parameters', 'name', 'gather_subset, owner_nodes, vms']),
])
def test_bad_input_is_refused_before_any_execution(info, step, parts):
    result = info[step].result()
    assert result['failed'] is True
    for part in parts:
        assert part in result['msg'], (part, result['msg'])
    assert info[step].executions == []


# --- other labs ------------------------------------------------------------------------------------------------------

def test_a_node_that_is_not_in_a_cluster_reports_clustered_false(make_lab, tmp_path):
    lab = make_lab(preset='prepared')
    steps = run_steps(lab, tmp_path, [cluster_info('all'), cluster_info('vm_groups only', gather_subset=['vm_groups'])])
    for step in steps.steps.values():
        result = step.result()
        assert 'failed' not in result or result['failed'] is False, step
        assert result['changed'] is False
        assert result['clustered'] is False
        assert result['cluster'] is None
        assert result['quorum'] is None
        assert result['nodes'] == result['csvs'] == result['networks'] == result['vm_groups'] == []
        assert step.modes == ['read'], step
        assert step.executions[0]['cmdlets'][0] == 'Get-Cluster'
    assert steps.raw_after == steps.raw_before


def test_two_clusters_each_node_sees_only_its_own(make_lab, tmp_path):
    # hvc1 = hv1, hv2 with VMs 1, 2, 5, 6; hvc2 = hv3, hv4 with VMs 3, 4, 7, 8; all clustered.
    lab = make_lab(nodes=4, clusters=2, vms=8, clustered_vms=8)
    steps = run_steps(lab, tmp_path, [cluster_info('all')], hosts='hv1:hv3')
    step = steps['all']
    assert sorted((entry['node'], entry['mode']) for entry in step.executions) == [('hv1', 'read'), ('hv3', 'read')]
    expected = {'hv1': ('hvc1', ['hv1', 'hv2'], [1, 2, 5, 6]), 'hv3': ('hvc2', ['hv3', 'hv4'], [3, 4, 7, 8])}
    for host, (cluster, nodes, vms) in expected.items():
        result = step.result(host)
        assert result['cluster']['name'] == cluster
        assert [node['name'] for node in result['nodes']] == nodes
        assert names(result) == [vm(number) for number in vms]
        assert {group['owner_node'] for group in result['vm_groups']} == set(nodes)
        # Two nodes: a file share witness keeps quorum.
        assert result['quorum'] == {'quorum_type': 'Majority', 'mode': 'node_and_file_share_majority',
                                    'witness_type': 'file_share', 'witness_resource': 'File Share Witness'}
    assert step.result('hv1')['cluster']['id'] != step.result('hv3')['cluster']['id']
    assert steps.raw_after == steps.raw_before


def test_a_node_down_shows_down_and_the_failed_over_owners(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    lab.fault('node-down', 'hv3')
    shown = lab.show()['clusters']['hvc1']['groups']
    steps = run_steps(lab, tmp_path, [cluster_info('all')], hosts='hv1:hv3')
    step = steps['all']

    assert step.result('hv3').get('unreachable') is True, step
    assert not step.result('hv3').get('failed'), step
    assert steps.run.stats['hv3']['unreachable'] == 1 and steps.run.stats['hv3']['failures'] == 0

    result = step.result('hv1')
    assert {node['name']: node['state'] for node in result['nodes']} == {'hv1': 'Up', 'hv2': 'Up', 'hv3': 'Down'}
    owners = {group['name']: group['owner_node'] for group in result['vm_groups']}
    assert owners == {name: group['owner'] for name, group in shown.items() if group['type'] == 'VirtualMachine'}
    assert 'hv3' not in owners.values()           # VMs 3 and 6 failed over
    assert all(group['state'] == 'Online' for group in result['vm_groups'])
    assert [(entry['node'], entry['mode']) for entry in step.executions] == [('hv1', 'read')]


def test_a_node_without_the_clustering_module_is_reported_as_not_clustered(make_lab, tmp_path):
    # A bare node has no FailoverClusters module at all: that is "not clustered", not a failure.
    lab = make_lab(nodes=1, preset='bare')
    run = lab.playbook(lab.tasks_playbook(tmp_path, '- name: info\n  hyperv.cluster.cluster_info:\n'))
    result = run.result('info', 'hv1')
    assert run.rc == 0, run
    assert result['clustered'] is False and result['cluster'] is None and result['quorum'] is None
    assert result['vm_groups'] == [] and result['nodes'] == []
    assert [entry['mode'] for entry in lab.executions()] == ['read']
