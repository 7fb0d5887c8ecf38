"""Get-/Enable-/Disable-NetAdapterBinding and the switch uplink's bindings, against tests/sim/HOSTS.md ("Network
adapters" and "Virtual switches")."""

from hvsim.cmdlets.netadapter import COMPONENTS

BINDING = ['Name', 'InterfaceDescription', 'DisplayName', 'ComponentID', 'Enabled']
TYPICAL = {'ms_tcpip', 'ms_tcpip6', 'vms_pp', 'ms_msclient', 'ms_server', 'ms_pacer', 'ms_lldp'}


def bindings(sim, lab, name, node='hv1'):
    rows = sim.one(lab, node, 'Get-NetAdapterBinding', {'Name': [name]}, BINDING)['output']
    return {row['ComponentID']: row['Enabled'] for row in rows}


def test_every_physical_adapter_has_the_typical_components_with_display_names(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    rows = sim.one(lab, 'hv1', 'Get-NetAdapterBinding', select=BINDING)['output']
    by_adapter = {}
    for row in rows:
        by_adapter.setdefault(row['Name'], {})[row['ComponentID']] = row
    assert sorted(by_adapter) == ['Cluster', 'Live-Migration', 'Management', 'Vm']
    for adapter in by_adapter.values():
        assert TYPICAL <= set(adapter)
    tcpip = by_adapter['Management']['ms_tcpip']
    assert tcpip['DisplayName'] == 'Internet Protocol Version 4 (TCP/IPv4)'
    assert tcpip['InterfaceDescription'] == 'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #1'
    assert by_adapter['Management']['vms_pp']['DisplayName'] == 'Hyper-V Extensible Virtual Switch'
    assert len({row['DisplayName'] for row in rows}) == len(COMPONENTS)


def test_presets_the_switch_uplink_carries_only_the_switch_protocol(make_lab, sim):
    prepared = make_lab(nodes=1, preset='prepared')
    uplink = bindings(sim, prepared, 'Vm')
    assert uplink['vms_pp'] is True and uplink['ms_tcpip'] is False and uplink['ms_tcpip6'] is False
    assert [component for component, enabled in uplink.items() if enabled] == ['ms_lldp', 'vms_pp']
    management = bindings(sim, prepared, 'Management')
    assert management['vms_pp'] is False and management['ms_tcpip'] is True and management['ms_implat'] is False
    bare = make_lab(nodes=1, preset='bare')
    assert bindings(sim, bare, 'Ethernet 4') == management


def test_filters_wildcards_and_not_found_errors(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    rows = sim.one(lab, 'hv1', 'Get-NetAdapterBinding', {'Name': ['Ethernet*'], 'ComponentID': ['ms_tcpip*']},
                   BINDING)['output']
    assert sorted({row['ComponentID'] for row in rows}) == ['ms_tcpip', 'ms_tcpip6'] and len(rows) == 8
    by_display = sim.one(lab, 'hv1', 'Get-NetAdapterBinding',
                         {'InterfaceAlias': ['Ethernet 1'], 'DisplayName': ['QoS Packet Scheduler']}, BINDING)
    assert [row['ComponentID'] for row in by_display['output']] == ['ms_pacer']
    missing = sim.one(lab, 'hv1', 'Get-NetAdapterBinding', {'Name': ['Nope']}, BINDING)
    assert missing['status'] == 'error' and missing['output'] == []
    assert "No MSFT_NetAdapterBindingSettingData objects found with property 'Name' equal to 'Nope'" in \
        missing['errors'][0]['message']
    unknown = sim.one(lab, 'hv1', 'Get-NetAdapterBinding', {'Name': ['Ethernet 1'], 'ComponentID': ['ms_bogus']})
    assert unknown['errors'][0]['category'] == 'ObjectNotFound'
    assert "property 'ComponentID' equal to 'ms_bogus'" in unknown['errors'][0]['message']


def test_enable_and_disable_by_component_id_after_a_rename_in_the_same_batch(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    outcome = sim.steps(sim.run(lab, 'hv1', 'write', [
        sim.call('rename', 'Rename-NetAdapter', {'Name': ['Ethernet 4'], 'NewName': 'Vm'}),
        sim.call('unbind', 'Disable-NetAdapterBinding', {'Name': ['Vm'], 'ComponentID': ['ms_tcpip', 'ms_tcpip6']}),
        sim.call('bind', 'Enable-NetAdapterBinding', {'Name': ['Vm'], 'ComponentID': ['ms_implat'],
                                                      'PassThru': True}, BINDING),
    ]))
    assert [step['status'] for step in outcome.values()] == ['ok', 'ok', 'ok']
    assert outcome['unbind']['output'] == []
    assert outcome['bind']['output'] == [{'Name': 'Vm', 'InterfaceDescription':
                                          'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #4',
                                          'DisplayName': 'Microsoft Network Adapter Multiplexor Protocol',
                                          'ComponentID': 'ms_implat', 'Enabled': True}]
    now = bindings(sim, lab, 'Vm')
    assert (now['ms_tcpip'], now['ms_tcpip6'], now['ms_implat']) == (False, False, True)
    assert bindings(sim, lab, 'Ethernet 1')['ms_tcpip'] is True           # the other adapters are left alone
    # The old name is gone: a write batch stops at the error, nothing else changes.
    before = lab.raw_state()
    stale = sim.one(lab, 'hv1', 'Disable-NetAdapterBinding', {'Name': ['Ethernet 4'], 'ComponentID': ['ms_server']},
                    mode='write')
    assert stale['status'] == 'error' and "equal to 'Ethernet 4'" in stale['errors'][0]['message']
    assert lab.raw_state() == before


def test_a_new_switch_takes_its_uplink_and_gives_it_back_when_removed(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    with sim.edit(lab) as state:
        for feature in ('Hyper-V', 'Hyper-V-PowerShell'):
            state.nodes['hv1']['features'][feature]['installed'] = True
    installed = bindings(sim, lab, 'Ethernet 4')
    created = sim.one(lab, 'hv1', 'New-VMSwitch', {'Name': 'External', 'NetAdapterName': ['Ethernet 4'],
                                                   'AllowManagementOS': False}, mode='write')
    assert created['status'] == 'ok', created
    uplink = bindings(sim, lab, 'Ethernet 4')
    assert [component for component, enabled in uplink.items() if enabled] == ['ms_lldp', 'vms_pp']
    removed = sim.one(lab, 'hv1', 'Remove-VMSwitch', {'Name': ['External'], 'Force': True}, mode='write')
    assert removed['status'] == 'ok', removed
    assert bindings(sim, lab, 'Ethernet 4') == installed


def test_a_switch_refuses_an_adapter_with_the_switch_protocol_bound_by_hand(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    with sim.edit(lab) as state:
        for feature in ('Hyper-V', 'Hyper-V-PowerShell'):
            state.nodes['hv1']['features'][feature]['installed'] = True
    sim.one(lab, 'hv1', 'Enable-NetAdapterBinding', {'Name': ['Ethernet 4'], 'ComponentID': ['vms_pp']}, mode='write')
    before = lab.raw_state()
    refused = sim.one(lab, 'hv1', 'New-VMSwitch', {'Name': 'External', 'NetAdapterName': ['Ethernet 4']},
                      mode='write')
    assert refused['status'] == 'error'
    assert 'is already bound to the Microsoft Virtual Switch protocol' in refused['errors'][0]['message']
    assert lab.raw_state() == before


def test_lab_show_lists_each_nodes_adapters_with_their_bindings(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    sim.one(lab, 'hv1', 'Disable-NetAdapterBinding', {'Name': ['Cluster'], 'ComponentID': ['ms_tcpip6']}, mode='write')
    nics = lab.show()['nodes']['hv1']['nics']
    assert list(nics) == ['Management', 'Cluster', 'Live-Migration', 'Vm']
    assert nics['Vm']['mac'] == '00-15-5D-00-01-04' and nics['Vm']['status'] == 'Up'
    assert nics['Vm']['bindings'] == bindings(sim, lab, 'Vm')
    assert nics['Cluster']['bindings']['ms_tcpip6'] is False and nics['Management']['bindings']['ms_tcpip6'] is True
