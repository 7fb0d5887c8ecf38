"""hyperv.cluster.cluster_capacity in a play, as its documentation's examples use it, on simulated labs."""

import yaml

from hvsim.state import LabState
from stepkit import run_steps
from ansible_collections.hyperv.cluster.plugins.modules import cluster_capacity as doc


def examples():
    return {task['name']: task for task in yaml.safe_load(doc.EXAMPLES)}


def test_the_documented_n_plus_one_check_passes_and_then_fails_with_its_message(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    tasks = examples()
    check, assertion = (tasks['Check that the cluster survives losing any one node (N+1)'],
                        tasks['Fail when it does not'])
    steps = run_steps(lab, tmp_path, [check, dict(assertion, name='N+1 holds')])
    assert steps['N+1 holds'].result().get('failed') is not True, steps['N+1 holds']
    assert steps['Check that the cluster survives losing any one node (N+1)'].modes == ['read']

    with LabState.open(lab.dir) as state:
        for node in ('hv1', 'hv2', 'hv3'):
            state.data['nodes'][node]['hardware']['memory_mb'] = 8192
    steps = run_steps(lab, tmp_path, [check, dict(assertion, name='N+1 fails', ignore_errors=True)],
                      name='short.yml')
    result = steps['N+1 fails'].result()
    assert result['failed'] is True
    assert result['msg'].startswith('Cluster hvc1 cannot lose hv1: instance-00000001, instance-00000004 would not '
                                    'restart (4176 MB short).'), result['msg']
    assert steps['N+1 fails'].state_unchanged


def test_the_documented_n_plus_two_warning(make_lab, tmp_path):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    tasks = examples()
    steps = run_steps(lab, tmp_path, [tasks['Warn when two simultaneous failures would cost VMs'], tasks['Say so']])
    # Losing two of three nodes (no witness) loses quorum in every scenario.
    assert steps['Say so'].result()['msg'] == 'N+2: 3 of 3 scenarios lose quorum or VMs'
