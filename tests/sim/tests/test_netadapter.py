"""Get-NetAdapter and Rename-NetAdapter against tests/sim/HOSTS.md ("Network adapters")."""

NIC = ['Name', 'MacAddress', 'InterfaceDescription', 'Virtual']


def test_bare_nodes_have_ethernet_n_adapters(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    rows = sim.one(lab, 'hv1', 'Get-NetAdapter', select=NIC)['output']
    assert [row['Name'] for row in rows] == ['Ethernet 1', 'Ethernet 2', 'Ethernet 3', 'Ethernet 4']
    assert rows[0]['MacAddress'] == '00-15-5D-00-01-01' and rows[0]['Virtual'] is False


def test_the_management_vnic_shares_its_nic_mac(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    with sim.edit(lab) as state:
        state.nodes['hv1']['vswitches'][0]['allow_management_os'] = True
    rows = sim.one(lab, 'hv1', 'Get-NetAdapter', select=NIC)['output']
    vm_nic = next(row for row in rows if row['Name'] == 'Vm')
    vnic = next(row for row in rows if row['Name'] == 'vEthernet (External)')
    assert vnic['MacAddress'] == vm_nic['MacAddress'] and vnic['Virtual'] is True
    physical = sim.one(lab, 'hv1', 'Get-NetAdapter', {'Physical': True}, NIC)['output']
    assert 'vEthernet (External)' not in [row['Name'] for row in physical]


def test_rename_and_its_refusals(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    step = sim.one(lab, 'hv1', 'Rename-NetAdapter', {'Name': ['Vm'], 'NewName': 'VM-Uplink'}, mode='write')
    assert step['status'] == 'ok'
    assert lab.raw_state()['nodes']['hv1']['vswitches'][0]['adapters'] == ['VM-Uplink']
    taken = sim.one(lab, 'hv1', 'Rename-NetAdapter', {'Name': ['Cluster'], 'NewName': 'management'}, mode='write')
    assert "The name 'management' is taken" in taken['errors'][0]['message']
    missing = sim.one(lab, 'hv1', 'Rename-NetAdapter', {'Name': ['Nope'], 'NewName': 'X'}, mode='write')
    assert "No MSFT_NetAdapter objects found with property 'Name' equal to 'Nope'" in missing['errors'][0]['message']
