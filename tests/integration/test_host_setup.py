"""Host setup modules in real plays on simulated labs: hyperv.cluster.mpio and hyperv.cluster.net_adapter's bindings.

Each test runs the module as cluster_prereqs would: check mode first (reads only, the lab unchanged), the change,
a rerun (unchanged, one remote execution), and the refusals (a clear message, the lab unchanged).
"""

from hvsim.state import LabState
from stepkit import run_steps

MPIO = {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'}
UPLINK = {'name': 'Vm', 'mac': '00-15-5D-00-01-04', 'bindings': {'ms_tcpip': False, 'ms_tcpip6': False}}


def install(lab, node, *features):
    with LabState.open(lab.dir) as state:
        for feature in features:
            state.nodes[node]['features'][feature]['installed'] = True


def task(name, module, args, **keywords):
    return dict({'name': name, 'hyperv.cluster.%s' % module: args}, **keywords)


def test_mpio_check_claim_restart_rerun_and_a_node_without_multipath_io(make_lab, tmp_path):
    lab = make_lab(nodes=2, preset='bare')
    install(lab, 'hv1', 'Multipath-IO')                # hv2 has no Multipath-IO
    steps = run_steps(lab, tmp_path, [
        task('check', 'mpio', MPIO, check_mode=True, ignore_errors=True),
        task('claim', 'mpio', MPIO, register='mpio_result', ignore_errors=True),
        {'name': 'restart', 'ansible.windows.win_reboot': {}, 'when': 'mpio_result.reboot_required | default(false)'},
        task('rerun', 'mpio', MPIO, ignore_errors=True),
    ], hosts='hv1:hv2', diff=True)

    check = steps['check']
    assert check.result('hv1')['changed'] is True and check.result('hv1')['reboot_required'] is True
    assert check.result('hv1')['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False},
                                           'load_balance_policy': 'RR'}
    assert check.modes == ['read', 'read'] and check.state_unchanged

    claim = steps['claim']
    result = claim.result('hv1')
    assert result['changed'] is True and result['reboot_required'] is True
    assert result['diff'] == {'before': {'automatic_claim': {'iSCSI': False, 'SAS': False},
                                         'load_balance_policy': 'None'},
                              'after': {'automatic_claim': {'iSCSI': True, 'SAS': False},
                                        'load_balance_policy': 'RR'}}
    assert [entry['mode'] for entry in claim.executions if entry['node'] == 'hv1'] == ['read', 'write']
    assert claim.raw_after['nodes']['hv1']['pending_reboot'] is True

    for step in (check, claim):                        # hv2: one read, the cause and the fix, nothing changed
        refused = step.result('hv2')
        assert refused['failed'] is True
        assert refused['msg'] == (
            'MPIO on hv2: the MPIO cmdlets are not available (Get-MSDSMAutomaticClaimSettings is not recognized): '
            'the Multipath-IO feature is not installed, or its installation waits for a restart. Install the '
            'Multipath-IO feature (ansible.windows.win_feature), restart the node (ansible.windows.win_reboot) and '
            'rerun; the cluster_prereqs role does both.')
        assert [entry['mode'] for entry in step.executions if entry['node'] == 'hv2'] == ['read']
        assert step.raw_after['nodes']['hv2'] == step.raw_before['nodes']['hv2']

    restart = steps['restart']
    assert restart.result('hv1')['rebooted'] is True and restart.result('hv2').get('skipped') is True
    assert restart.show_after['nodes']['hv1']['pending_reboot'] is False

    rerun = steps['rerun']
    assert rerun.result('hv1')['changed'] is False and rerun.result('hv1')['reboot_required'] is False
    assert [entry['mode'] for entry in rerun.executions if entry['node'] == 'hv1'] == ['read']
    assert rerun.state_unchanged
    assert lab.show()['nodes']['hv1']['mpio'] == MPIO
    assert lab.show()['nodes']['hv2']['mpio'] == {'automatic_claim': {'iSCSI': False, 'SAS': False},
                                                  'load_balance_policy': 'None'}


def test_mpio_check_and_diff_on_the_command_line(make_lab, tmp_path):
    lab = make_lab(nodes=1, preset='prepared')
    playbook = lab.tasks_playbook(tmp_path, [task('policy', 'mpio', {'automatic_claim': {'SAS': True},
                                                                     'load_balance_policy': 'LQD'})])
    before = lab.raw_state()
    run = lab.playbook(playbook, check=True, diff=True, env={'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.default'})
    assert run.rc == 0, run
    assert lab.raw_state() == before and [entry['mode'] for entry in lab.executions()] == ['read']
    for line in ('--- before', '+++ after', '-        "SAS": false', '+        "SAS": true',
                 '-    "load_balance_policy": "RR"', '+    "load_balance_policy": "LQD"', 'changed: [hv1]'):
        assert line in run.stdout, (line, run.stdout)


def test_net_adapter_bindings_before_the_switch_then_the_switch_then_rerun(make_lab, tmp_path):
    lab = make_lab(nodes=1, preset='bare')
    install(lab, 'hv1', 'Hyper-V', 'Hyper-V-PowerShell')
    steps = run_steps(lab, tmp_path, [
        task('check: uplink', 'net_adapter', UPLINK, check_mode=True),
        task('uplink', 'net_adapter', UPLINK),
        task('rerun', 'net_adapter', UPLINK),
        task('unknown component', 'net_adapter', dict(UPLINK, bindings={'ms_tcpip': False, 'ms_tcp': False}),
             ignore_errors=True),
        task('switch', 'vswitch', {'name': 'External', 'adapters': ['Vm']}),
        task('after the switch', 'net_adapter', dict(UPLINK, bindings=dict(UPLINK['bindings'], vms_pp=True))),
    ], diff=True)

    check = steps['check: uplink']
    assert check.result()['changed'] is True and check.modes == ['read'] and check.state_unchanged
    assert check.result()['adapter']['name'] == 'Vm' and check.result()['adapter']['bindings']['ms_tcpip'] is False

    uplink = steps['uplink']
    result = uplink.result()
    assert result['changed'] is True and uplink.modes == ['read', 'write']
    assert result['diff']['before']['name'] == 'Ethernet 4' and result['diff']['before']['bindings']['ms_tcpip6']
    assert (result['diff']['after']['name'], result['diff']['after']['bindings']['ms_tcpip6']) == ('Vm', False)
    nics = uplink.show_after['nodes']['hv1']['nics']
    assert list(nics) == ['Ethernet 1', 'Ethernet 2', 'Ethernet 3', 'Vm']
    assert (nics['Vm']['bindings']['ms_tcpip'], nics['Vm']['bindings']['ms_tcpip6']) == (False, False)
    assert nics['Ethernet 1']['bindings']['ms_tcpip'] is True

    rerun = steps['rerun']
    assert rerun.result()['changed'] is False and rerun.modes == ['read'] and rerun.state_unchanged

    unknown = steps['unknown component']
    assert unknown.result()['failed'] is True and unknown.modes == ['read'] and unknown.state_unchanged
    assert unknown.result()['msg'].startswith('network adapter Vm: adapter Vm has no binding with the component id '
                                              'ms_tcp. Its components: ms_lldp (Microsoft LLDP Protocol Driver); ')
    assert 'ms_tcpip (Internet Protocol Version 4 (TCP/IPv4))' in unknown.result()['msg']

    # New-VMSwitch makes the adapter the switch's uplink (vms_pp): what the bindings asked for still holds.
    assert steps['switch'].result()['changed'] is True
    after = steps['after the switch']
    assert after.result()['changed'] is False and after.modes == ['read'], after
    assert after.result()['adapter']['bindings']['vms_pp'] is True
