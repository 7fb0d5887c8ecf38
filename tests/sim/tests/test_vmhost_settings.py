"""Set-VMHost, Enable-/Disable-VMMigration, Get-/Add-/Remove-VMMigrationNetwork against tests/sim/HOSTS.md."""

import pytest

HOST = ['VirtualMachinePath', 'MaximumVirtualMachineMigrations', 'VirtualMachineMigrationAuthenticationType',
        'VirtualMachineMigrationPerformanceOption', 'UseAnyNetworkForMigration', 'NumaSpanningEnabled',
        'VirtualMachineMigrationEnabled']


@pytest.fixture
def bare(make_lab, sim):
    lab = make_lab(nodes=2, preset='bare')
    with sim.edit(lab) as state:       # the Hyper-V role and its PowerShell module, nothing else
        for node in state.nodes.values():
            for feature in ('Hyper-V', 'Hyper-V-PowerShell'):
                node['features'][feature]['installed'] = True
    return lab


def test_set_vmhost_changes_only_what_is_given(bare, sim):
    before = sim.one(bare, 'hv1', 'Get-VMHost', select=HOST)['output'][0]
    step = sim.one(bare, 'hv1', 'Set-VMHost', {'VirtualMachineMigrationAuthenticationType': 'Kerberos',
                                               'MaximumVirtualMachineMigrations': 4, 'NumaSpanningEnabled': False,
                                               'VirtualMachinePath': 'C:\\ClusterStorage\\Volume1'}, mode='write')
    assert step['status'] == 'ok' and step['output'] == []
    after = sim.one(bare, 'hv1', 'Get-VMHost', select=HOST)['output'][0]
    assert after == dict(before, VirtualMachineMigrationAuthenticationType='Kerberos', MaximumVirtualMachineMigrations=4,
                         NumaSpanningEnabled=False, VirtualMachinePath='C:\\ClusterStorage\\Volume1')
    assert sim.one(bare, 'hv2', 'Get-VMHost', select=HOST)['output'][0] == before     # the other host is untouched


@pytest.mark.parametrize('parameters, fragment', [
    ({'VirtualMachinePath': 'VMs'}, 'it is not an absolute path'),
    ({'MaximumStorageMigrations': 0}, 'it must be at least 1'),
])
def test_bad_values_change_nothing(bare, sim, parameters, fragment):
    before = bare.raw_state()
    step = sim.one(bare, 'hv1', 'Set-VMHost', parameters, mode='write')
    assert step['status'] == 'error' and fragment in step['errors'][0]['message']
    assert bare.raw_state() == before


def test_enable_and_disable_migration(bare, sim):
    assert sim.one(bare, 'hv1', 'Get-VMHost', select=HOST)['output'][0]['VirtualMachineMigrationEnabled'] is False
    assert sim.one(bare, 'hv1', 'Enable-VMMigration', mode='write')['output'] == []
    assert sim.one(bare, 'hv1', 'Get-VMHost', select=HOST)['output'][0]['VirtualMachineMigrationEnabled'] is True
    sim.one(bare, 'hv1', 'Disable-VMMigration', mode='write')
    assert sim.one(bare, 'hv1', 'Get-VMHost', select=HOST)['output'][0]['VirtualMachineMigrationEnabled'] is False


def test_migration_networks(bare, sim):
    assert sim.one(bare, 'hv1', 'Add-VMMigrationNetwork', {'Subnet': '10.10.2.0/24', 'Priority': 1},
                   mode='write')['status'] == 'ok'
    assert sim.one(bare, 'hv1', 'Add-VMMigrationNetwork', {'Subnet': '10.10.1.7'}, mode='write')['status'] == 'ok'
    networks = sim.one(bare, 'hv1', 'Get-VMMigrationNetwork', select=['Subnet', 'Priority'])['output']
    assert networks == [{'Subnet': '10.10.2.0/24', 'Priority': 1}, {'Subnet': '10.10.1.7/32', 'Priority': None}]
    again = sim.one(bare, 'hv1', 'Add-VMMigrationNetwork', {'Subnet': '10.10.2.0/24'}, mode='write')
    assert "already exists" in again['errors'][0]['message']
    assert sim.one(bare, 'hv1', 'Remove-VMMigrationNetwork', {'Subnet': '10.10.1.7/32'}, mode='write')['status'] == 'ok'
    missing = sim.one(bare, 'hv1', 'Remove-VMMigrationNetwork', {'Subnet': '10.10.9.0/24'}, mode='write')
    assert 'unable to find a migration network' in missing['errors'][0]['message']
    bad = sim.one(bare, 'hv1', 'Add-VMMigrationNetwork', {'Subnet': 'storage'}, mode='write')
    assert bad['errors'][0]['message'] == "The subnet 'storage' is not valid."


def test_without_hyper_v_the_cmdlets_do_not_exist(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    step = sim.one(lab, 'hv1', 'Set-VMHost', {'NumaSpanningEnabled': False}, mode='write')
    assert "The term 'Set-VMHost' is not recognized" in step['errors'][0]['message']
