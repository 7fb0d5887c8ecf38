"""The CIM classes a runner ``cim`` step reads (hvsim/cim.py), rendered from the node records (HOSTS.md)."""

import pytest

from hvsim import cim

GIB_IN_MB = 1024

PROCESSOR_FLAGS = ['SecondLevelAddressTranslationExtensions', 'VMMonitorModeExtensions',
                   'VirtualizationFirmwareEnabled']


def cim_step(step_id, class_name, select):
    return {'op': 'cim', 'id': step_id, 'class': class_name, 'select': select}


def read(sim, lab, node, class_name, select):
    outcome = sim.run(lab, node, 'read', [cim_step('s', class_name, select)])
    step = sim.steps(outcome)['s']
    assert step['status'] == 'ok', step
    return step['output']


def test_prepared_node_runs_the_hypervisor_and_hides_the_processor_flags(make_lab, sim):
    # windows.md 3.5: with the hypervisor running the raw Win32_Processor values are misleading.
    lab = make_lab(nodes=1, preset='prepared')
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': True}]
    rows = read(sim, lab, 'hv1', 'Win32_Processor', ['DeviceID'] + PROCESSOR_FLAGS)
    assert rows == [dict({'DeviceID': 'CPU%d' % number}, **{flag: False for flag in PROCESSOR_FLAGS})
                    for number in range(2)]


def test_bare_node_shows_what_the_hardware_has(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': False}]
    rows = read(sim, lab, 'hv1', 'Win32_Processor', PROCESSOR_FLAGS)
    assert rows == [{flag: True for flag in PROCESSOR_FLAGS}] * 2


def test_hardware_without_slat_shows_on_a_bare_node(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    with sim.edit(lab) as state:
        for socket in state.nodes['hv1']['hardware']['processors']:
            socket['slat'] = False
        state.nodes['hv1']['hardware']['processors'][1]['virtualization_firmware_enabled'] = False
    rows = read(sim, lab, 'hv1', 'Win32_Processor', PROCESSOR_FLAGS)
    assert [row['SecondLevelAddressTranslationExtensions'] for row in rows] == [False, False]
    assert [row['VirtualizationFirmwareEnabled'] for row in rows] == [True, False]
    assert [row['VMMonitorModeExtensions'] for row in rows] == [True, True]


def test_hyperv_installed_but_restart_pending_is_no_hypervisor_yet(make_lab, sim):
    # What the win_feature twin leaves after installing Hyper-V (hvsim/features.py): the install waits for a restart.
    lab = make_lab(nodes=1, preset='bare')
    with sim.edit(lab) as state:
        state.nodes['hv1']['features']['Hyper-V'] = {'installed': True, 'pending': 'install'}
        state.nodes['hv1']['pending_reboot'] = True
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': False}]
    assert read(sim, lab, 'hv1', 'Win32_Processor', PROCESSOR_FLAGS) == [{flag: True for flag in PROCESSOR_FLAGS}] * 2
    with sim.edit(lab) as state:
        del state.nodes['hv1']['features']['Hyper-V']['pending']
        state.nodes['hv1']['pending_reboot'] = False
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': True}]


def test_a_restart_pending_for_an_update_leaves_the_hypervisor_running(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    with sim.edit(lab) as state:
        state.nodes['hv1']['pending_reboot'] = True
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': True}]


def test_hyperv_uninstall_waiting_for_a_restart_keeps_the_hypervisor(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    with sim.edit(lab) as state:
        state.nodes['hv1']['features']['Hyper-V'] = {'installed': False, 'pending': 'uninstall'}
    assert read(sim, lab, 'hv1', 'Win32_ComputerSystem', ['HypervisorPresent']) == [{'HypervisorPresent': True}]


def test_processor_counts(make_lab, sim):
    lab = make_lab(nodes=1, preset='bare')
    rows = read(sim, lab, 'hv1', 'Win32_Processor', ['Name', 'Manufacturer', 'NumberOfCores',
                                                     'NumberOfLogicalProcessors'])
    # 64 logical processors on 2 sockets: 32 per socket, 16 cores with hyper-threading.
    assert rows == [{'Name': 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'Manufacturer': 'GenuineIntel',
                     'NumberOfCores': 16, 'NumberOfLogicalProcessors': 32}] * 2


def test_operating_system(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    with sim.edit(lab) as state:
        state.nodes['hv2']['os'].update(version='10.0.26100', build=26100, edition='ServerStandard',
                                        caption='Microsoft Windows Server 2025 Standard')
        state.nodes['hv2']['hardware']['dep_available'] = False
    select = ['Caption', 'Version', 'BuildNumber', 'OperatingSystemSKU', 'DataExecutionPrevention_Available',
              'TotalVisibleMemorySize', 'CSName']
    (hv1,) = read(sim, lab, 'hv1', 'Win32_OperatingSystem', select)
    assert hv1 == {'Caption': 'Microsoft Windows Server 2022 Datacenter', 'Version': '10.0.20348',
                   'BuildNumber': '20348', 'OperatingSystemSKU': 8, 'DataExecutionPrevention_Available': True,
                   'TotalVisibleMemorySize': lab.show()['nodes']['hv1']['memory_mb'] * 1024, 'CSName': 'HV1'}
    (hv2,) = read(sim, lab, 'hv2', 'Win32_OperatingSystem', select)
    assert (hv2['Version'], hv2['BuildNumber'], hv2['OperatingSystemSKU']) == ('10.0.26100', '26100', 7)
    assert hv2['DataExecutionPrevention_Available'] is False


@pytest.mark.parametrize('preset, domain, part_of_domain', [('prepared', 'corp.example.com', True),
                                                            ('bare', 'WORKGROUP', False)])
def test_computer_system(make_lab, sim, preset, domain, part_of_domain):
    lab = make_lab(nodes=1, preset=preset)
    (row,) = read(sim, lab, 'hv1', 'Win32_ComputerSystem',
                  ['Name', 'Domain', 'PartOfDomain', 'Manufacturer', 'Model', 'TotalPhysicalMemory',
                   'NumberOfProcessors', 'NumberOfLogicalProcessors'])
    memory_mb = lab.show()['nodes']['hv1']['memory_mb']
    assert row == {'Name': 'HV1', 'Domain': domain, 'PartOfDomain': part_of_domain, 'Manufacturer': 'Contoso',
                   'Model': 'HV-2U', 'TotalPhysicalMemory': memory_mb * 1024 * 1024, 'NumberOfProcessors': 2,
                   'NumberOfLogicalProcessors': 64}
    assert memory_mb >= 4 * GIB_IN_MB


def test_renderers_cover_exactly_the_runner_allowlist():
    from hvsim import runner  # pylint: disable=import-outside-toplevel
    assert tuple(cim._RENDERERS) == runner.CIM_CLASSES  # pylint: disable=protected-access
