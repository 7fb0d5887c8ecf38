"""The platform pieces cluster_prereqs stands on (HOSTS.md: Windows features, domain membership, registry and time,
hardware profiles): ansible.windows.win_feature, microsoft.ad.membership and ansible.windows.win_regedit twins, run
as real modules through ansible-playbook on a bare lab and called at the hvsim level underneath them."""

import copy
import json

import pytest

from hvsim import cli, domainjoin, features, power, presets, profiles, registry, software
from hvsim.state import LabState

ROLE_SET = set(features.with_management_tools(features.ROLE_FEATURES))
JOIN = {'dns_domain_name': 'corp.example.com', 'domain_admin_user': 'CORP\\svc-join',
        'domain_admin_password': software.JOIN_ACCOUNT_PASSWORD, 'state': 'domain'}
W32TIME = registry.W32TIME_PARAMETERS


def bare_node(**changes):
    node = presets.build(nodes=1, preset='bare')['nodes']['hv1']
    node.update(changes)
    return node


def show_node(lab, name):
    return lab.show()['nodes'][name]


# --- features ------------------------------------------------------------------------------------------------------

def test_management_tools_bring_their_parents():
    assert features.with_management_tools(['Hyper-V']) == [
        'Hyper-V', 'RSAT', 'RSAT-Role-Tools', 'RSAT-Hyper-V-Tools', 'Hyper-V-Tools', 'Hyper-V-PowerShell']
    assert features.with_management_tools(['Failover-Clustering']) == [
        'Failover-Clustering', 'RSAT', 'RSAT-Feature-Tools', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt',
        'RSAT-Clustering-PowerShell']
    assert features.with_management_tools(['Multipath-IO']) == ['Multipath-IO']


def test_hyperv_install_is_pending_until_a_restart():
    node = bare_node()
    result = features.change(node, ['hyper-v'], management_tools=True)   # names are case-insensitive
    assert result['changed'] is True and result['exitcode'] == 'SuccessRestartRequired'
    assert result['reboot_required'] is True and result['success'] is True
    assert [entry['display_name'] for entry in result['feature_result']][:2] == ['Hyper-V',
                                                                                 'Remote Server Administration Tools']
    assert all(entry['reboot_required'] and entry['skip_reason'] == 'NotSkipped' for entry in result['feature_result'])
    assert features.install_state(node, 'Hyper-V') == 'InstallPending'
    assert not features.available(node, 'Hyper-V') and not features.available(node, 'Hyper-V-PowerShell')
    assert node['pending_reboot'] is True
    again = features.change(node, ['Hyper-V'], management_tools=True)
    assert again['changed'] is False and again['exitcode'] == 'NoChangeNeeded' and again['feature_result'] == []
    assert again['reboot_required'] is True        # the server still waits for its restart
    assert features.complete_pending(node) == sorted(features.with_management_tools(['Hyper-V']))
    assert features.install_state(node, 'Hyper-V') == 'Installed' and features.available(node, 'Hyper-V')
    assert features.change(node, ['Hyper-V'], management_tools=True)['reboot_required'] is False


def test_features_without_a_restart_work_at_once_and_check_mode_changes_nothing():
    node = bare_node()
    before = copy.deepcopy(node)
    preview = features.change(node, ['Failover-Clustering', 'Multipath-IO'], management_tools=True, check_mode=True)
    assert preview['changed'] is True and preview['exitcode'] == 'Success' and preview['reboot_required'] is False
    assert len(preview['feature_result']) == 7
    assert node == before
    features.change(node, ['Failover-Clustering', 'Multipath-IO'], management_tools=True)
    assert features.available(node, 'RSAT-Clustering-PowerShell') and features.available(node, 'Multipath-IO')
    assert features.pending(node) == {} and node['pending_reboot'] is False


def test_removal_of_hyperv_waits_for_the_restart_too():
    node = presets.build(nodes=1, preset='prepared')['nodes']['hv1']
    result = features.change(node, ['Hyper-V'], present=False)
    assert result['changed'] is True and result['exitcode'] == 'SuccessRestartRequired'
    assert features.install_state(node, 'Hyper-V') == 'UninstallPending'
    assert features.available(node, 'Hyper-V')      # the hypervisor runs until the restart
    features.complete_pending(node)
    assert not features.available(node, 'Hyper-V')


@pytest.mark.parametrize('profile, messages', [
    ('no_slat', [features.NO_VIRTUALIZATION]),
    ('no_vt', [features.FIRMWARE_DISABLED]),
    ('dep_off', [features.NO_DEP]),
])
def test_hyperv_on_unfit_hardware_fails_and_changes_nothing(profile, messages):
    node = presets.build(nodes=1, preset='bare', hardware=['hv1=%s' % profile])['nodes']['hv1']
    before = copy.deepcopy(node)
    with pytest.raises(features.FeatureError) as raised:
        features.change(node, ['Hyper-V', 'Failover-Clustering'], management_tools=True)
    assert str(raised.value) == '%s\n%s' % (features.PREREQUISITE_FAILED, '\n'.join(
        '%d. %s' % (number, text) for number, text in enumerate(messages, start=1)))
    assert node == before
    # Features that do not need the hypervisor install on that hardware.
    assert features.change(node, ['Failover-Clustering'])['changed'] is True


def test_unknown_feature_name_fails_as_install_windowsfeature():
    with pytest.raises(features.FeatureError, match="^ArgumentNotValid: The role, role service, or feature name is "
                                                    "not valid: 'Hyper-X'. The name was not found.$"):
        features.change(bare_node(), ['Hyper-X'])


# --- domain membership ---------------------------------------------------------------------------------------------

def bare_state(tmp_path, **options):
    data = presets.build(nodes=2, preset='bare', **options)
    LabState.create(str(tmp_path), data)
    return str(tmp_path)


def test_join_account_exists_on_bare_labs():
    users = presets.build(nodes=1, preset='bare')['domain']['users']
    assert users['svc-join']['password_sha256'] == software.sha256('Simulated-Join-Pa55')


@pytest.mark.parametrize('changes, reason', [
    ({'domain_admin_password': 'wrong'}, domainjoin.BAD_CREDENTIALS),
    ({'domain_admin_user': 'CORP\\nobody'}, domainjoin.BAD_CREDENTIALS),
    ({'domain_admin_user': 'OTHER\\svc-join'}, domainjoin.BAD_CREDENTIALS),
    ({'dns_domain_name': 'other.example.com'}, domainjoin.NO_DOMAIN),
    ({'domain_server': 'dc01.other.example.com'}, domainjoin.NO_DOMAIN),
])
def test_failed_joins_change_nothing(tmp_path, changes, reason):
    lab_dir = bare_state(tmp_path)
    with LabState.open(lab_dir) as state:
        before = copy.deepcopy(state.data)
        with pytest.raises(domainjoin.MembershipError) as raised:
            domainjoin.membership(state, 'hv1', dict(JOIN, **changes), check_mode=False)
        assert state.data == before
    assert str(raised.value) == ("Computer 'hv1' failed to join domain '%s' from its current workgroup 'WORKGROUP' "
                                 "with following error message: %s" % (dict(JOIN, **changes)['dns_domain_name'],
                                                                       reason))


def test_a_wrong_ou_gets_the_modules_hint(tmp_path):
    with LabState.open(bare_state(tmp_path)) as state:
        with pytest.raises(domainjoin.MembershipError, match='Check domain_ou_path is pointing to a valid OU'):
            domainjoin.membership(state, 'hv1', dict(JOIN, domain_ou_path='OU=HV,DC=other,DC=com'), False)
        assert state.data['domain']['computers'] == []


def test_join_takes_effect_at_the_restart(tmp_path):
    lab_dir = bare_state(tmp_path)
    with LabState.open(lab_dir) as state:
        result = domainjoin.membership(state, 'hv1', dict(JOIN, domain_ou_path='OU=Hyper-V,DC=corp,DC=example,DC=com'),
                                       check_mode=False)
        assert result['changed'] is True and result['reboot_required'] is True
        assert result['diff'] == {
            'before': {'dns_domain_name': None, 'hostname': 'hv1', 'state': 'workgroup', 'workgroup_name': 'WORKGROUP'},
            'after': {'dns_domain_name': 'corp.example.com', 'hostname': 'hv1', 'state': 'domain',
                      'workgroup_name': None}}
        node = state.node('hv1')
        assert state.data['domain']['computers'] == ['HV1']
        assert node['domain'] is None
        assert node['membership_pending'] == {'domain': 'corp.example.com', 'workgroup': None}
        assert node['pending_reboot'] is True
        # Win32_ComputerSystem already shows the domain: a second run changes nothing and asks for no restart.
        assert domainjoin.membership(state, 'hv1', JOIN, False)['changed'] is False
        power.reboot(state, 'hv1')
        assert node['domain'] == 'corp.example.com' and node['fqdn'] == 'hv1.corp.example.com'
        assert 'membership_pending' not in node and node['workgroup'] is None
        assert 'CORP\\Domain Admins' in node['local_groups']['Administrators']
        assert registry.get_value(node, W32TIME, 'Type') == {'type': 'String', 'data': 'NT5DS'}
        assert node['w32time']['type'] == 'NT5DS'
        with pytest.raises(domainjoin.MembershipError, match="already joined to 'corp.example.com'"):
            domainjoin.membership(state, 'hv1', dict(JOIN, dns_domain_name='other.example.com'), False)


def test_check_mode_join_checks_nothing_and_changes_nothing(tmp_path):
    with LabState.open(bare_state(tmp_path)) as state:
        before = copy.deepcopy(state.data)
        result = domainjoin.membership(state, 'hv1', dict(JOIN, domain_admin_password='wrong'), check_mode=True)
        assert result['changed'] is True and result['reboot_required'] is True
        assert state.data == before


def test_domain_unreachable_fault_holds_until_cleared(lab_cli_dir):
    lab_dir = lab_cli_dir
    assert cli.main(['fault', lab_dir, 'domain-unreachable', 'hv2']) is None
    with LabState.open(lab_dir) as state:
        assert state.data['faults'] == [{'kind': 'domain-unreachable', 'node': 'hv2'}]
        for _attempt in range(2):    # not consumed
            with pytest.raises(domainjoin.MembershipError, match=domainjoin.NO_DOMAIN):
                domainjoin.membership(state, 'hv2', JOIN, False)
        assert domainjoin.membership(state, 'hv1', JOIN, False)['changed'] is True
    cli.main(['fault', lab_dir, 'clear'])
    with LabState.open(lab_dir) as state:
        assert domainjoin.membership(state, 'hv2', JOIN, False)['changed'] is True


@pytest.fixture
def lab_cli_dir(tmp_path):
    lab_dir = str(tmp_path / 'lab')
    cli.main(['create', lab_dir, '--nodes', '2', '--preset', 'bare'])
    return lab_dir


# --- registry ------------------------------------------------------------------------------------------------------

def regedit(node, check_mode=False, **params):
    params.setdefault('type', 'string')
    params.setdefault('state', 'present')
    params.setdefault('delete_key', True)
    return registry.regedit(node, params, check_mode)[0]


def test_seeded_keys():
    bare, member = bare_node(), presets.build(nodes=1, preset='prepared')['nodes']['hv1']
    assert registry.get_value(bare, W32TIME, 'type') == {'type': 'String', 'data': 'NTP'}   # names ignore case
    assert registry.get_value(member, W32TIME.lower(), 'Type')['data'] == 'NT5DS'
    assert registry.get_value(bare, W32TIME, 'NtpServer')['data'] == 'time.windows.com,0x9'
    assert bare['registry'][registry.DEFENDER_EXCLUSION_PATHS] == {}
    assert bare['w32time'] == {'type': 'NTP', 'ntp_server': 'time.windows.com,0x9'}


def test_regedit_changes_a_value_with_the_real_diff_and_is_idempotent():
    node = bare_node()
    result = regedit(node, path=W32TIME, name='NtpServer', data='ntp1.corp.example.com,0x8')
    assert result['changed'] and result['data_changed'] and not result['data_type_changed']
    assert result['diff'] == {
        'before': {W32TIME: {'NtpServer': {'type': 'String', 'value': 'time.windows.com,0x9'}}},
        'after': {W32TIME: {'NtpServer': {'type': 'String', 'value': 'ntp1.corp.example.com,0x8'}}}}
    again = regedit(node, path=W32TIME, name='NtpServer', data='ntp1.corp.example.com,0x8')
    assert again['changed'] is False and again['diff']['before'] == again['diff']['after']
    # Registry changes reach W32Time only when it starts again.
    assert node['w32time']['ntp_server'] == 'time.windows.com,0x9'


def test_regedit_types_new_keys_check_mode_and_absent():
    node = bare_node()
    key = registry.DEFENDER_EXCLUSION_PATHS
    before = copy.deepcopy(node)
    preview = regedit(node, check_mode=True, path='HKLM:\\SOFTWARE\\Contoso\\New', name='Flag', data=1, type='dword')
    assert preview['changed'] is True and preview['diff'] == {'before': {}, 'after': {'HKLM:\\SOFTWARE\\Contoso\\New':
                                                                                      {}}}
    assert node == before
    assert regedit(node, path=key, name='C:\\ClusterStorage', data=0)['changed'] is True
    assert registry.get_value(node, key, 'c:\\clusterstorage') == {'type': 'String', 'data': '0'}
    flag = regedit(node, path='HKLM:\\SOFTWARE\\Contoso\\New', name='Flag', data='0x10', type='dword')
    assert flag['diff']['after']['HKLM:\\SOFTWARE\\Contoso\\New']['Flag'] == {'type': 'DWord', 'value': '0x00000010'}
    retyped = regedit(node, path='HKLM:\\SOFTWARE\\Contoso\\New', name='Flag', data='16', type='qword')
    assert retyped['data_type_changed'] is True and retyped['data_changed'] is False
    assert regedit(node, path='HKLM:\\SOFTWARE\\Contoso', state='absent')['changed'] is True   # the whole tree
    assert not registry.key_exists(node['registry'], 'HKLM:\\SOFTWARE\\Contoso\\New')
    gone = regedit(node, path=key, name='C:\\ClusterStorage', state='absent')
    assert gone['changed'] is True and gone['diff']['after'] == {key: {}}
    assert regedit(node, path=key, name='C:\\ClusterStorage', state='absent')['changed'] is False


def test_regedit_check_mode_on_a_key_that_exists_only_as_a_parent_changes_nothing():
    node = bare_node()            # Exclusions exists as the parent of the seeded Paths, Processes, Extensions keys
    before = copy.deepcopy(node)
    preview = regedit(node, check_mode=True, path=registry.DEFENDER_EXCLUSIONS, name='Exclusions_Paths', data=1,
                      type='dword')
    assert preview['changed'] is True and preview['diff']['after'][registry.DEFENDER_EXCLUSIONS] == {
        'Exclusions_Paths': {'type': 'DWord', 'value': '0x00000001'}}
    assert node == before


@pytest.mark.parametrize('params, message', [
    ({'path': 'HKEY_LOCAL_MACHINE\\SOFTWARE', 'name': 'x', 'data': 'y'},
     'path: HKEY_LOCAL_MACHINE\\SOFTWARE is not a valid powershell path, see module documentation for examples.'),
    ({'path': 'HKLM:\\SOFTWARE\\X', 'name': 'x', 'data': 0x100000000, 'type': 'dword'},
     'data cannot be larger than 0xffffffff when type is dword'),
])
def test_regedit_refusals(params, message):
    node = bare_node()
    before = copy.deepcopy(node)
    with pytest.raises(registry.RegistryError) as raised:
        regedit(node, **params)
    assert str(raised.value) == message and node == before


def test_w32time_restart_applies_the_registry(tmp_path):
    lab_dir = bare_state(tmp_path)
    with LabState.open(lab_dir) as state:
        regedit(state.node('hv1'), path=W32TIME, name='NtpServer', data='ntp1.corp.example.com,0x8')
    described = software.run_service_action(lab_dir, 'hv1', 'w32time', 'restart')
    assert described['state'] == 'running'
    with LabState.open(lab_dir, write=False) as state:
        assert state.node('hv1')['w32time'] == {'type': 'NTP', 'ntp_server': 'ntp1.corp.example.com,0x8'}


# --- hardware profiles ---------------------------------------------------------------------------------------------

def test_profiles_change_what_the_host_checks_read():
    data = presets.build(nodes=8, preset='bare', hardware=[
        'hv2=no_slat', 'hv3=no_vt', 'HV4=dep_off', 'hv5=small_memory', 'hv6=old_os', 'hv7=small_disk', 'hv8=one_nic'])
    views = {name: profiles.view(node) for name, node in data['nodes'].items()}
    assert data['nodes']['hv1']['hardware_profile'] == 'standard'
    assert views['hv1'] == {'memory_mb': 393216, 'processors': 2, 'slat': True, 'vm_monitor_mode_extensions': True,
                            'virtualization_firmware_enabled': True, 'dep_available': True,
                            'system_volume_size_bytes': 480 * presets.GIB, 'system_volume_free_bytes': 400 * presets.GIB,
                            'nic_count': 4}
    assert views['hv2']['slat'] is False and views['hv3']['virtualization_firmware_enabled'] is False
    assert views['hv4']['dep_available'] is False and views['hv5']['memory_mb'] == 2048
    assert data['nodes']['hv6']['os']['version'] == '10.0.17763' and data['nodes']['hv6']['os']['build'] == 17763
    assert views['hv7']['system_volume_free_bytes'] == presets.GIB
    assert [nic['name'] for nic in data['nodes']['hv8']['nics']] == ['Ethernet 1']
    assert data['nodes']['hv4']['hardware_profile'] == 'dep_off'


@pytest.mark.parametrize('options, message', [
    ({'hardware': ['hv9=no_slat']}, 'no node hv9'),
    ({'hardware': ['hv1=quantum']}, 'unknown profile quantum'),
    ({'hardware': ['hv1']}, 'NODE=PROFILE'),
    ({'hardware': ['hv1=no_slat'], 'preset': 'prepared'}, 'exists only on bare labs'),
])
def test_bad_profiles_are_refused(options, message):
    options.setdefault('preset', 'bare')
    with pytest.raises(ValueError, match=message):
        presets.build(nodes=2, **options)


def test_old_os_and_small_disk_fit_every_preset():
    data = presets.build(nodes=2, hardware=['hv2=old_os', 'hv1=small_disk'])
    assert data['nodes']['hv2']['os']['version'] == '10.0.17763'


def test_lab_show_json_and_summary(tmp_path, capsys):
    lab_dir = str(tmp_path / 'lab')
    cli.main(['create', lab_dir, '--nodes', '2', '--preset', 'bare', '--hardware', 'hv2=no_slat'])
    capsys.readouterr()
    cli.main(['show', lab_dir, '--json'])
    shown = json.loads(capsys.readouterr().out)['nodes']
    assert shown['hv2']['hardware_profile'] == 'no_slat' and shown['hv2']['hardware']['slat'] is False
    assert shown['hv1']['features'] == [] and shown['hv1']['features_pending'] == {}
    assert shown['hv1']['workgroup'] == 'WORKGROUP' and shown['hv1']['membership_pending'] is None
    assert shown['hv1']['w32time'] == {'type': 'NTP', 'ntp_server': 'time.windows.com,0x9'}
    assert shown['hv1']['os_caption'] == 'Microsoft Windows Server 2022 Datacenter'
    cli.main(['show', lab_dir])
    text = capsys.readouterr().out
    assert 'hv2      Up      cluster=-      vms=0 hardware=no_slat os=10.0.20348 workgroup=WORKGROUP' in text
    assert 'W32Time' not in text


# --- the twins through ansible-playbook ----------------------------------------------------------------------------

PREREQ_TASKS = [
    {'name': 'features', 'ansible.windows.win_feature': {
        'name': ['Hyper-V', 'Failover-Clustering', 'Multipath-IO'], 'include_management_tools': True},
     'register': 'installed', 'ignore_errors': True},
    {'name': 'hyperv cmdlets before the restart', 'ansible.windows.win_powershell': {
        'script': '{{ runner }}', 'parameters': {'BatchJson': '{{ get_vmhost }}'}}, 'ignore_errors': True},
    {'name': 'bad join', 'microsoft.ad.membership': dict(JOIN, domain_admin_password='wrong', reboot=True),
     'ignore_errors': True},
    {'name': 'join check mode', 'microsoft.ad.membership': dict(JOIN, reboot=True), 'check_mode': True},
    {'name': 'join', 'microsoft.ad.membership': dict(JOIN, domain_admin_password='{{ join_password }}')},
    {'name': 'ntp server', 'ansible.windows.win_regedit': {
        'path': W32TIME, 'name': 'NtpServer', 'data': 'ntp1.corp.example.com,0x8'}, 'diff': True},
    {'name': 'restart w32time', 'ansible.windows.win_service': {'name': 'W32Time', 'state': 'restarted'}},
    {'name': 'restart', 'ansible.windows.win_reboot': {}},
    {'name': 'features again', 'ansible.windows.win_feature': {
        'name': ['Hyper-V', 'Failover-Clustering', 'Multipath-IO'], 'include_management_tools': True},
     'ignore_errors': True},
    {'name': 'join again', 'microsoft.ad.membership': dict(JOIN, domain_admin_password='{{ join_password }}',
                                                           reboot=True)},
    {'name': 'unknown option', 'ansible.windows.win_regedit': {'path': W32TIME, 'bogus': 1}, 'ignore_errors': True},
]


@pytest.fixture(scope='module')
def prereq_run(tmp_path_factory):
    from labkit import Lab  # pylint: disable=import-outside-toplevel
    base = tmp_path_factory.mktemp('prereqs')
    lab = Lab.create(str(base / 'lab'), nodes=2, preset='bare', hardware=['hv2=no_slat'])
    runner = (presets.software.__file__.rsplit('/tests/', 1)[0] + '/plugins/plugin_utils/runner.ps1')
    with open(runner, encoding='utf-8') as handle:
        script = handle.read()
    get_vmhost = json.dumps({'protocol': 1, 'mode': 'read', 'calls': [
        {'op': 'call', 'id': 'host', 'cmdlet': 'Get-VMHost', 'parameters': {}, 'select': None}]})
    playbook = lab.tasks_playbook(base, PREREQ_TASKS, hosts='hyperv')
    run = lab.playbook(playbook, extra_vars={'runner': script, 'get_vmhost': get_vmhost,
                                             'join_password': software.JOIN_ACCOUNT_PASSWORD})
    return lab, run


def test_playbook_feature_install_is_pending_then_done(prereq_run):
    lab, run = prereq_run
    first = run.result('features', 'hv1')
    assert first['changed'] is True and first['reboot_required'] is True
    assert first['exitcode'] == 'SuccessRestartRequired' and first['success'] is True
    step = run.result('hyperv cmdlets before the restart', 'hv1')['result']['calls'][0]
    assert [error['fully_qualified_error_id'].split(',')[0] for error in step['errors']] == ['CommandNotFoundException']
    assert run.result('features again', 'hv1')['changed'] is False
    assert run.result('features again', 'hv1')['reboot_required'] is False
    node = show_node(lab, 'hv1')
    assert set(node['features']) == ROLE_SET and node['features_pending'] == {} and node['pending_reboot'] is False


def test_playbook_unfit_hardware_fails_on_its_node_only(prereq_run):
    lab, run = prereq_run
    failed = run.result('features', 'hv2')
    assert failed['failed'] is True and failed['changed'] is False
    assert failed['msg'] == 'Failed to install Windows Feature: %s\n1. %s' % (features.PREREQUISITE_FAILED,
                                                                              features.NO_VIRTUALIZATION)
    assert show_node(lab, 'hv2')['features'] == []


def test_playbook_join(prereq_run):
    lab, run = prereq_run
    bad = run.result('bad join', 'hv1')
    assert bad['failed'] is True and bad['msg'].endswith(domainjoin.BAD_CREDENTIALS)
    assert bad['reboot_required'] is False
    checked = run.result('join check mode', 'hv1')
    assert checked['changed'] is True and checked['reboot_required'] is False   # the action "rebooted" (check mode)
    joined = run.result('join', 'hv1')
    assert joined['changed'] is True and joined['reboot_required'] is True
    assert joined['invocation']['module_args']['domain_admin_password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert software.JOIN_ACCOUNT_PASSWORD not in json.dumps(run.results)
    again = run.result('join again', 'hv1')
    assert again['changed'] is False and again['reboot_required'] is False
    for name in ('hv1', 'hv2'):
        node = show_node(lab, name)
        assert node['domain'] == 'corp.example.com' and node['membership_pending'] is None
    assert sorted(lab.raw_state()['domain']['computers']) == ['HV1', 'HV2']


def test_playbook_registry_and_time_service(prereq_run):
    lab, run = prereq_run
    changed = run.result('ntp server', 'hv1')
    assert changed['changed'] is True and changed['data_changed'] is True
    assert changed['diff']['after'][W32TIME]['NtpServer']['value'] == 'ntp1.corp.example.com,0x8'
    assert show_node(lab, 'hv1')['w32time'] == {'type': 'NT5DS', 'ntp_server': 'ntp1.corp.example.com,0x8'}
    refused = run.result('unknown option', 'hv1')
    assert refused['failed'] is True and refused['msg'].startswith(
        'Unsupported parameters for (ansible.windows.win_regedit) module: bogus.')
