"""host_check against simulated nodes (every unmet requirement at once, the hypervisor gotcha) and the OS comparison."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import host_check as host_check_action
from ansible_collections.hyperv.cluster.plugins.plugin_utils import _host_check

from harness import SimExecutor, edit_lab, run_action

GIB = 1024 ** 3


def run(lab, args=None, node='hv1', check_mode=False):
    executor = SimExecutor(lab.dir, node=node)
    return run_action(host_check_action.ActionModule, args or {}, executor, check_mode=check_mode, host=node), \
        executor


@pytest.fixture
def bare(make_lab):
    return make_lab(nodes=2, preset='bare')


def test_a_sound_bare_node_passes_in_one_read(bare):
    result, executor = run(bare)
    assert 'failed' not in result, result
    assert result['passed'] is True and result['unmet'] == [] and result['changed'] is False
    assert executor.modes == ['read']
    facts = result['facts']
    assert facts['os']['version'] == '10.0.20348' and 'Datacenter' in facts['os']['caption']
    assert facts['memory_mb'] == 393216 and facts['hypervisor_present'] is False
    assert [processor['slat'] for processor in facts['processors']] == [True, True]
    assert facts['system_volume'] == {'drive': 'C:', 'size_gb': 480.0, 'free_gb': 400.0}
    assert len(facts['nics']) == 4 and facts['domain'] is None


def test_every_unmet_requirement_is_reported_at_once(bare):
    def broken(data):
        hardware = data['nodes']['hv2']['hardware']
        hardware['processors'][1]['slat'] = False                  # the second socket only
        hardware['processors'][0]['virtualization_firmware_enabled'] = False
        hardware['dep_available'] = False
        hardware['memory_mb'] = 2048
        hardware['system_volume'] = {'size_bytes': 24 * GIB, 'free_bytes': 3 * GIB}
    edit_lab(bare.dir, broken)
    before = bare.raw_state()
    result, _executor = run(bare, node='hv2')
    assert result['failed'] is True and result['passed'] is False
    requirements = [item['requirement'] for item in result['unmet']]
    assert len(requirements) == 6, requirements
    assert any('SLAT' in item['requirement'] and 'processor 1' in item['found'] for item in result['unmet'])
    assert any('firmware' in item['requirement'] and 'processor 0' in item['found'] for item in result['unmet'])
    for words in ('Data Execution Prevention', '4 GB of memory', 'system volume of at least 32 GB', '10 GB free'):
        assert any(words in requirement for requirement in requirements), (words, requirements)
    message = result['msg']
    assert message.startswith('node hv2: does not meet 6 requirement(s)')
    assert 'Enable Intel VT-x' in message and 'BIOS/UEFI' in message
    assert bare.raw_state() == before
    report, _executor = run(bare, {'fail_on_unmet': False}, node='hv2')
    assert 'failed' not in report and report['passed'] is False and len(report['unmet']) == 6


def test_a_requirement_missing_on_several_processors_counts_once(bare):
    def no_slat(data):
        for processor in data['nodes']['hv1']['hardware']['processors']:
            processor['slat'] = False
    edit_lab(bare.dir, no_slat)
    result, _executor = run(bare)
    assert result['msg'].startswith('node hv1: does not meet 1 requirement(s)')
    assert result['unmet'][0]['found'].startswith('missing on processors 0 (Intel(R) Xeon(R) Gold 6338')
    assert ', 1 (' in result['unmet'][0]['found']


def test_a_running_hypervisor_stands_for_the_processor_features(make_lab):
    # A prepared node runs Hyper-V: Win32_Processor then reads False for SLAT & co, which must not fail the check.
    prepared = make_lab(nodes=1, preset='prepared')
    result, _executor = run(prepared)
    assert 'failed' not in result, result
    assert result['facts']['hypervisor_present'] is True
    assert not any(processor['slat'] for processor in result['facts']['processors'])
    assert result['facts']['domain'] == 'corp.example.com'


def test_one_nic_warns_and_limits_are_options(bare):
    def one_nic(data):
        data['nodes']['hv1']['nics'] = data['nodes']['hv1']['nics'][:1]
    edit_lab(bare.dir, one_nic)
    result, _executor = run(bare)
    assert result['passed'] is True
    assert any('allow_management_os: true' in warning for warning in result['warnings'])
    strict, _executor = run(bare, {'min_nics': 2, 'min_memory_gb': 512})
    assert strict['failed'] is True
    assert [item['found'] for item in strict['unmet']] == ['384.0 GB', '1']
    negative, executor = run(bare, {'min_nics': -1})
    assert negative['failed'] is True and 'min_nics cannot be negative' in negative['msg']
    assert executor.modes == []


@pytest.mark.parametrize('caption, supported', [
    ('Microsoft Windows Server 2022 Datacenter', True),
    ('Microsoft Windows Server 2025 Standard Evaluation', True),
    ('Microsoft Windows Server 2022 Datacenter: Azure Edition', True),
    ('Microsoft Hyper-V Server 2019', True),
    ('Microsoft Azure Stack HCI', True),
    ('Microsoft Windows Server 2019 Essentials', False),
    ('Microsoft Windows 11 Enterprise', False),
])
def test_editions(caption, supported):
    facts = {'os': {'caption': caption, 'architecture': '64-bit'}, 'hypervisor_present': True, 'dep_available': True,
             'memory_mb': 8192, 'system_volume': {'drive': 'C:', 'size_gb': 100, 'free_gb': 50}, 'nics': ['a', 'b']}
    unmet, _warnings = _host_check.requirements(facts, 4, 32, 10, 1)
    assert (unmet == []) is supported, unmet


WS2022 = {'caption': 'Microsoft Windows Server 2022 Datacenter', 'version': '10.0.20348'}
WS2019 = {'caption': 'Microsoft Windows Server 2019 Datacenter', 'version': '10.0.17763'}
WS2022_STANDARD = {'caption': 'Microsoft Windows Server 2022 Standard', 'version': '10.0.20348'}


def test_os_outliers_name_the_odd_nodes_against_the_majority():
    outliers = _host_check.os_outliers({'hv1': WS2022, 'hv2': WS2022, 'hv3': WS2019, 'hv4': WS2022_STANDARD})
    assert sorted(outliers) == ['hv3', 'hv4']
    assert outliers['hv3'].startswith('hv3 runs Microsoft Windows Server 2019 Datacenter (10.0.17763) while hv1, '
                                      'hv2 run(s) Microsoft Windows Server 2022 Datacenter (10.0.20348)')
    assert _host_check.os_outliers({'hv1': WS2022, 'hv2': dict(WS2022)}) == {}
    assert _host_check.os_outliers({'hv1': WS2022}) == {}


def test_a_tie_names_every_node_with_both_sides():
    outliers = _host_check.os_outliers({'hv1': WS2022, 'hv2': WS2019})
    assert sorted(outliers) == ['hv1', 'hv2']
    assert 'do not agree' in outliers['hv1'] and 'hv2: Microsoft Windows Server 2019' in outliers['hv1']
