"""New-VMSwitch, Set-VMSwitch, Remove-VMSwitch, Connect-VMNetworkAdapter against tests/sim/HOSTS.md."""

SWITCH = ['Name', 'SwitchType', 'AllowManagementOS', 'EmbeddedTeamingEnabled', 'NetAdapterInterfaceDescriptions',
          'BandwidthReservationMode']


def test_create_set_remove_and_reconnect(make_lab, sim):
    lab = make_lab(nodes=1, vms=1)        # clustered: External on the Vm NIC, one VM on it
    removed = sim.one(lab, 'hv1', 'Remove-VMSwitch', {'Name': ['External'], 'Force': True}, mode='write')
    assert removed['status'] == 'ok'
    vm = next(iter(lab.raw_state()['vms'].values()))
    assert vm['nics'][0]['switch'] is None
    parameters = {'Name': 'External', 'NetAdapterName': ['Vm', 'Cluster'], 'EnableEmbeddedTeaming': True,
                  'AllowManagementOS': False, 'MinimumBandwidthMode': 'Weight'}
    created = sim.one(lab, 'hv1', 'New-VMSwitch', parameters, SWITCH, mode='write')
    assert created['output'][0]['EmbeddedTeamingEnabled'] is True
    assert created['output'][0]['BandwidthReservationMode'] == 'Weight'
    assert len(created['output'][0]['NetAdapterInterfaceDescriptions']) == 2
    sim.one(lab, 'hv1', 'Set-VMSwitch', {'Name': ['External'], 'AllowManagementOS': True}, mode='write')
    assert sim.one(lab, 'hv1', 'Get-VMSwitch', {'Name': 'External'}, SWITCH)['output'][0]['AllowManagementOS'] is True
    sim.one(lab, 'hv1', 'Connect-VMNetworkAdapter', {'VMName': [vm['name']], 'SwitchName': 'External'}, mode='write')
    assert next(iter(lab.raw_state()['vms'].values()))['nics'][0]['switch'] == 'External'


def test_refusals(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    cases = [
        ({'Name': 'External', 'NetAdapterName': ['Cluster']}, 'already exists'),
        ({'Name': 'Second', 'NetAdapterName': ['Vm']}, "is already bound to the virtual switch 'External'"),
        ({'Name': 'Second', 'NetAdapterName': ['Nope']}, "the network adapter 'Nope' was not found"),
        ({'Name': 'Second', 'NetAdapterName': ['Cluster', 'Management']}, 'needs -EnableEmbeddedTeaming $true'),
    ]
    for parameters, fragment in cases:
        before = lab.raw_state()
        step = sim.one(lab, 'hv1', 'New-VMSwitch', parameters, SWITCH, mode='write')
        assert step['status'] == 'error' and fragment in step['errors'][0]['message'], (parameters, step)
        assert lab.raw_state() == before
