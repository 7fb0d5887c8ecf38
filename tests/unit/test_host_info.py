"""host_info against a simulated lab: the plugin's batch runs through hvsim.runner.run_batch on a node."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import host_info as host_info_action

from harness import SimExecutor, edit_lab, run_action


def info(lab, args=None, node='hv1', check_mode=False):
    executor = SimExecutor(lab.dir, node=node)
    result = run_action(host_info_action.ActionModule, args or {}, executor, check_mode=check_mode, host=node)
    return result, executor


def test_default_reads_host_switches_and_vms_in_one_read(lab):
    before = lab.raw_state()
    result, executor = info(lab)
    assert 'failed' not in result, result
    assert executor.modes == ['read']
    assert executor.calls[0].cmdlets == ['Get-VMHost', 'Get-VMSwitch', 'Get-VM']
    assert lab.raw_state() == before
    assert result['changed'] is False and result['hyperv'] is True
    assert result['vswitches'] == [{
        'name': 'External', 'id': result['vswitches'][0]['id'], 'switch_type': 'External',
        'allow_management_os': False, 'embedded_teaming': False,
        'net_adapter_interface_description': 'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #4'}]
    assert result['vmhost']['name'] == 'HV1'
    assert result['vmhost']['fqdn'] == 'hv1.corp.example.com'
    assert result['vmhost']['live_migration_enabled'] is True
    assert result['vmhost']['memory_capacity_bytes'] == 393216 * 1024 * 1024


@pytest.mark.parametrize('subset, cmdlet', [('vswitches', 'Get-VMSwitch'), ('vmhost', 'Get-VMHost'),
                                            ('vms', 'Get-VM')])
def test_one_subset_reads_and_reports_only_it(lab, subset, cmdlet):
    result, executor = info(lab, {'gather_subset': [subset]})
    assert executor.calls[0].cmdlets == [cmdlet]
    assert subset in result
    assert not ({'vswitches', 'vmhost', 'vms'} - {subset}) & set(result)


def test_vms_are_the_nodes_own_clustered_or_not(make_lab):
    lab = make_lab(nodes=3, vms=9, clustered_vms=2, local_vms=1)

    def stop_one(data):
        for vm in data['vms'].values():
            if vm['name'] == 'instance-00000007':
                vm['state'] = 'Off'
    edit_lab(lab.dir, stop_one)
    result, _executor = info(lab, {'gather_subset': ['vms']}, node='hv1')
    # instance-1..9 round-robin on hv1..hv3, the first 2 clustered; local-0001 on hv1.
    assert [(vm['name'], vm['state'], vm['clustered'], vm['memory_assigned_mb']) for vm in result['vms']] == [
        ('instance-00000001', 'Running', True, 2048),
        ('instance-00000004', 'Running', False, 2048),
        ('instance-00000007', 'Off', False, 0),
        ('local-0001', 'Running', False, 2048)]
    assert result['vms'][0]['path'] == 'C:\\ClusterStorage\\Volume1\\instance-00000001'
    assert result['vms'][3]['path'].startswith('D:\\')


def test_each_node_reports_its_own_switches(lab):
    def rename(data):
        data['nodes']['hv2']['vswitches'][0]['name'] = 'Provider'
        data['nodes']['hv2']['vswitches'].append(dict(data['nodes']['hv2']['vswitches'][0], name='Internal1',
                                                      type='Internal', adapters=[]))
    edit_lab(lab.dir, rename)
    hv1, _executor = info(lab, {'gather_subset': ['vswitches']}, node='hv1')
    hv2, _executor = info(lab, {'gather_subset': ['vswitches']}, node='hv2')
    assert [switch['name'] for switch in hv1['vswitches']] == ['External']
    assert [(switch['name'], switch['switch_type']) for switch in hv2['vswitches']] == [
        ('Provider', 'External'), ('Internal1', 'Internal')]
    assert hv2['vswitches'][1]['net_adapter_interface_description'] is None


def test_host_without_switches(lab):
    edit_lab(lab.dir, lambda data: data['nodes']['hv3'].update(vswitches=[]))
    result, _executor = info(lab, {'gather_subset': ['vswitches']}, node='hv3')
    assert result['hyperv'] is True and result['vswitches'] == []


def test_host_without_hyperv_is_reported_not_failed(make_lab):
    lab = make_lab(nodes=1, preset='bare')
    result, executor = info(lab)
    assert 'failed' not in result, result
    assert executor.modes == ['read']
    assert result == {'changed': False, 'hyperv': False, 'vswitches': [], 'vmhost': None, 'vms': []}


def test_check_mode_reads_the_same(lab):
    result, executor = info(lab, check_mode=True)
    assert executor.modes == ['read']
    assert result['vswitches'][0]['name'] == 'External'


def test_bad_subset_fails_with_the_choices(lab):
    with pytest.raises(Exception) as error:
        info(lab, {'gather_subset': ['switches']})
    assert 'gather_subset' in str(error.value) and 'vswitches' in str(error.value)
