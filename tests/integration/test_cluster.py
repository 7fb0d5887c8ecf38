"""hyperv.cluster.cluster in plays on a prepared lab (what cluster_prereqs leaves): create, rerun, grow, refuse."""

from stepkit import run_steps


def cluster(label, check=False, ignore_errors=False, **options):
    task = {'name': label, 'hyperv.cluster.cluster': options}
    if check:
        task['check_mode'] = True
    if ignore_errors:
        task['ignore_errors'] = True
    return task


def test_create_rerun_and_grow_a_cluster(make_lab, tmp_path):
    lab = make_lab(nodes=4, preset='prepared')
    three = dict(name='hvc1', nodes=['hv1', 'hv2', 'hv3'], static_address=['10.10.0.50'])
    steps = run_steps(lab, tmp_path, [
        cluster('check: create', check=True, **three),
        cluster('create', **three),
        cluster('rerun', **three),
        cluster('grow', name='hvc1', nodes=['hv1', 'hv2', 'hv3', 'hv4']),
        {'name': 'read it', 'hyperv.cluster.cluster_info': {'gather_subset': ['nodes']}},
    ], diff=True)
    check = steps['check: create']
    assert check.modes == ['read'] and check.state_unchanged
    assert check.result()['changed'] is True
    create = steps['create']
    assert create.modes == ['read', 'write']
    assert create.result()['created'] is True
    up = [{'name': node, 'state': 'Up'} for node in ('hv1', 'hv2', 'hv3')]
    assert create.result()['diff'] == {'before': {'name': 'hvc1', 'exists': False, 'nodes': []},
                                       'after': {'name': 'hvc1', 'exists': True, 'nodes': up}}
    rerun = steps['rerun']
    assert rerun.modes == ['read'] and rerun.result()['changed'] is False and rerun.state_unchanged
    grow = steps['grow']
    assert grow.result()['added'] == ['hv4'] and grow.modes == ['read', 'write']
    nodes = steps['read it'].result()['nodes']
    assert [(node['name'], node['state']) for node in nodes] == [(node, 'Up') for node in ('hv1', 'hv2', 'hv3', 'hv4')]
    assert {name: node['cluster'] for name, node in lab.show()['nodes'].items()} == {
        'hv1': 'hvc1', 'hv2': 'hvc1', 'hv3': 'hvc1', 'hv4': 'hvc1'}


def test_bad_inputs_leave_the_lab_unchanged(make_lab, tmp_path):
    lab = make_lab(nodes=4, clusters=2)          # hvc1 = hv1, hv2; hvc2 = hv3, hv4
    steps = run_steps(lab, tmp_path, [
        cluster('16 characters', ignore_errors=True, name='cluster-name-016', nodes=['hv1']),
        cluster('node of another cluster', ignore_errors=True, name='hvc1', nodes=['hv1', 'hv2', 'hv3']),
        cluster('address on no network', ignore_errors=True, name='hvc9', nodes=['hv1'],
                static_address=['192.168.0.9']),
    ])
    for name, fragment, modes in (
            ('16 characters', 'the name has 16 characters', []),
            ('node of another cluster', 'hv3 (in cluster hvc2) already belongs to another cluster', ['read']),
            ('address on no network', 'hv1 (in cluster hvc1) already belongs to another cluster', ['read'])):
        step = steps[name]
        result = step.result()
        assert result['failed'] is True and fragment in result['msg'], (name, result['msg'])
        assert step.modes == modes and step.state_unchanged, step


def test_a_static_address_on_no_cluster_network(make_lab, tmp_path):
    lab = make_lab(nodes=2, preset='prepared')
    step = run_steps(lab, tmp_path, [cluster('create', ignore_errors=True, name='hvc1', nodes=['hv1', 'hv2'],
                                             static_address=['192.168.0.9'])])['create']
    result = step.result()
    assert result['failed'] is True
    assert "Static address '192.168.0.9' was not found on any cluster network." in result['msg'], result['msg']
    assert step.state_unchanged


def test_a_new_two_node_cluster_gets_its_witness_and_secrets_stay_secret(make_lab, tmp_path):
    lab = make_lab(nodes=2, preset='prepared')
    share = '\\\\fs01.corp.example.com\\witness\\hvc1'
    steps = run_steps(lab, tmp_path, [
        cluster('create', name='hvc1', nodes=['hv1', 'hv2']),
        {'name': 'no witness yet', 'hyperv.cluster.cluster_quorum': {}},
        {'name': 'file share witness', 'hyperv.cluster.cluster_quorum': {'file_share_path': share}},
        {'name': 'again', 'hyperv.cluster.cluster_quorum': {'file_share_path': share}},
        {'name': 'cloud witness', 'hyperv.cluster.cluster_quorum': {
            'witness': 'cloud', 'cloud_account_name': 'hvwitness', 'cloud_access_key': 'VerySecretKey=='}},
    ], diff=True)
    assert any('has 2 nodes and no witness' in warning for warning in steps['no witness yet'].result()['warnings'])
    assert steps['file share witness'].result()['quorum']['share_path'] == share
    assert steps['again'].result()['changed'] is False and steps['again'].modes == ['read']
    cloud = steps['cloud witness']
    assert cloud.result()['quorum']['mode'] == 'node_and_cloud_majority'
    assert lab.show()['clusters']['hvc1']['quorum']['witness'] == {'kind': 'cloud', 'account': 'hvwitness',
                                                                   'endpoint': 'core.windows.net'}
    assert 'VerySecretKey==' not in steps.run.stdout + steps.run.stderr
