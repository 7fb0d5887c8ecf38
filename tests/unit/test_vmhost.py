"""vmhost against simulated labs: only what is given changes, migration networks exactly, warnings, refusals."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import vmhost as vmhost_action

from harness import SimExecutor, edit_lab, run_action


def run(lab, args, check_mode=False, node='hv1'):
    executor = SimExecutor(lab.dir, node=node)
    return run_action(vmhost_action.ActionModule, args, executor, check_mode=check_mode, diff=True, host=node), \
        executor


@pytest.fixture
def bare(make_lab):
    lab = make_lab(nodes=2, preset='bare')

    def hyper_v(data):
        for node in data['nodes'].values():
            for feature in ('Hyper-V', 'Hyper-V-PowerShell'):
                node['features'][feature]['installed'] = True
    edit_lab(lab.dir, hyper_v)
    return lab


SETTINGS = {'live_migration': True, 'authentication': 'kerberos', 'performance': 'compression',
            'max_live_migrations': 4, 'max_storage_migrations': 2,
            'migration_networks': [{'subnet': '10.10.2.0/24', 'priority': 1}], 'numa_spanning': False,
            'vm_path': 'C:\\ClusterStorage\\Volume1\\Hyper-V'}


def test_a_bare_host_is_set_in_one_write_then_unchanged(bare):
    result, executor = run(bare, SETTINGS)
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets[:3] == ['Enable-VMMigration', 'Set-VMHost', 'Add-VMMigrationNetwork']
    assert executor.calls[1].step('settings')['parameters'] == {
        'VirtualMachineMigrationAuthenticationType': 'Kerberos', 'MaximumVirtualMachineMigrations': 4,
        'UseAnyNetworkForMigration': False, 'NumaSpanningEnabled': False,
        'VirtualMachinePath': 'C:\\ClusterStorage\\Volume1\\Hyper-V'}
    assert result['host'] == {'live_migration': True, 'authentication': 'kerberos', 'performance': 'compression',
                              'max_live_migrations': 4, 'max_storage_migrations': 2, 'use_any_network': False,
                              'migration_networks': [{'subnet': '10.10.2.0/24', 'priority': 1}],
                              'numa_spanning': False, 'vm_path': 'C:\\ClusterStorage\\Volume1\\Hyper-V',
                              'vhd_path': 'C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks'}
    assert any('NUMA spanning changes apply' in warning for warning in result['warnings'])
    assert result['diff']['before']['authentication'] == 'credssp'
    again, executor = run(bare, dict(SETTINGS, vm_path='c:\\clusterstorage\\volume1\\hyper-v\\'))
    assert again['changed'] is False and executor.modes == ['read'] and 'warnings' not in again
    other, _executor = run(bare, {'numa_spanning': True}, node='hv2')
    assert other['changed'] is False       # hv2 was never touched and spans NUMA nodes


def test_migration_networks_are_exact_and_priorities_kept_when_not_given(bare):
    run(bare, {'migration_networks': [{'subnet': '10.10.2.0/24', 'priority': 1}, {'subnet': '10.10.1.0/24'}]})
    result, executor = run(bare, {'migration_networks': [{'subnet': '10.10.2.0/24'}, {'subnet': '10.10.3.0/24',
                                                                                      'priority': 5}]})
    assert executor.calls[1].cmdlets[:2] == ['Remove-VMMigrationNetwork', 'Add-VMMigrationNetwork']
    assert result['host']['migration_networks'] == [{'subnet': '10.10.2.0/24', 'priority': 1},
                                                    {'subnet': '10.10.3.0/24', 'priority': 5}]
    reprioritised, executor = run(bare, {'migration_networks': [{'subnet': '10.10.2.0/24', 'priority': 2},
                                                                {'subnet': '10.10.3.0/24'}]})
    assert executor.calls[1].cmdlets[:2] == ['Remove-VMMigrationNetwork', 'Add-VMMigrationNetwork']
    assert reprioritised['host']['migration_networks'][0] == {'subnet': '10.10.2.0/24', 'priority': 2}


def test_check_mode_and_credssp_warning(bare):
    before = bare.raw_state()
    result, executor = run(bare, {'live_migration': True}, check_mode=True)
    assert result['changed'] is True and executor.modes == ['read'] and bare.raw_state() == before
    assert any('CredSSP live migration needs an interactive logon' in warning for warning in result['warnings'])


@pytest.mark.parametrize('args, fragment', [
    ({'max_live_migrations': 0}, 'max_live_migrations must be 1 or more (got 0)'),
    ({'vm_path': 'VMs'}, "vm_path 'VMs' is not an absolute path"),
    ({'migration_networks': [{'subnet': 'storage'}]}, "migration network 'storage' is not a subnet"),
    ({'migration_networks': [{'subnet': '10.10.2.0/24'}], 'use_any_network': True},
     'use_any_network is true, so migration_networks would not be used'),
])
def test_bad_input_is_refused_before_reading(bare, args, fragment):
    result, executor = run(bare, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_a_node_without_hyper_v(make_lab):
    lab = make_lab(nodes=1, preset='bare')
    result, executor = run(lab, {'live_migration': True})
    assert result['failed'] is True, result
    assert executor.modes == ['read']
