"""playbooks/cluster_prereqs.yml (role cluster_prereqs) and playbooks/site.yml on simulated labs: bare nodes through
check mode and site.yml to prepared, clustered nodes running nova-compute, reruns that change nothing and cost one
remote execution per module run, and the nodes the role must refuse - each refusal with a clear message and the node
left as it was.

An ansible-playbook run costs seconds on these labs, so runs are shared: one lab makes the whole way from bare nodes
(``journey``), and the ``faulty`` lab gives each kind of bad node its own node (hardware, OS, domain, adapters) next
to a standard node that goes through.
"""

import json
import os

import pytest
import yaml

from hvsim.state import LabState
from labkit import REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'cluster_prereqs.yml')
SITE = os.path.join(REPO_ROOT, 'playbooks', 'site.yml')
ROLE_DIR = os.path.join(REPO_ROOT, 'roles', 'cluster_prereqs')
VARS_DIR = os.path.join(REPO_ROOT, 'playbooks', 'vars')
with open(os.path.join(VARS_DIR, 'lab_cluster_prereqs.yml'), encoding='utf-8') as _handle:
    LAB_VARS = yaml.safe_load(_handle)
JOIN_PASSWORD = LAB_VARS['cluster_prereqs_domain_join_password']
NODES = ('hv1', 'hv2', 'hv3')
GIB = 1024 ** 3

ROLE = 'hyperv.cluster.cluster_prereqs : '
HOST_CHECK = ROLE + 'Check the hardware and the OS of the node'
SAME_OS = ROLE + 'Check that the nodes of the group run one OS version and edition'
FIND_ADAPTERS = ROLE + 'Find the adapter of each role, before any is renamed'
JOIN = ROLE + 'Join the domain (restarting when the join needs it)'
HYPERV_STEPS = ROLE + 'Configure MPIO, the virtual switch and the Hyper-V host'
MPIO = ROLE + "Claim the shared disks' paths with MPIO"
VSWITCH = ROLE + 'Create the external virtual switch, the same on every node'
VMHOST = ROLE + 'Set live migration, NUMA spanning and the default paths'

# What the role makes of a bare node with LAB_VARS.
NIC_NAMES = ['Cluster', 'Live-Migration', 'Management', 'Vm']
# Hyper-V, Failover-Clustering and Multipath-IO with their management tools (and the tools' parents).
ROLE_FEATURES = ['Failover-Clustering', 'Hyper-V', 'Hyper-V-PowerShell', 'Hyper-V-Tools', 'Multipath-IO', 'RSAT',
                 'RSAT-Clustering', 'RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell', 'RSAT-Feature-Tools',
                 'RSAT-Hyper-V-Tools', 'RSAT-Role-Tools']
# Get-VMHost after the role's defaults: live migration on with Kerberos (a fresh host: off, CredSSP), no
# migration networks given (so any network), the default folders kept.
VMHOST_SETTINGS = {'VirtualMachineMigrationEnabled': True, 'VirtualMachineMigrationAuthenticationType': 'Kerberos',
                   'VirtualMachineMigrationPerformanceOption': 'Compression', 'MaximumVirtualMachineMigrations': 2,
                   'MaximumStorageMigrations': 2, 'UseAnyNetworkForMigration': True, 'NumaSpanningEnabled': True,
                   'VirtualMachinePath': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V',
                   'VirtualHardDiskPath': 'C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks'}
# Defender left alone (as when a GPO manages it) where it is not what a test is about: its 3 + 23 registry values are
# a win_regedit run each, most of a run's time on a node.
NO_DEFENDER = dict.fromkeys(('cluster_prereqs_defender_exclude_paths', 'cluster_prereqs_defender_exclude_processes',
                             'cluster_prereqs_defender_exclude_extensions'), [])
SWITCH = {'type': 'External', 'adapters': ['Vm'], 'allow_management_os': False, 'embedded_teaming': False,
          'bandwidth_mode': 'Weight'}


def _role_task_modules():
    """{task name as the output shows it: the module it runs} for the role's tasks and handlers."""
    modules = {}
    for folder in ('tasks', 'handlers'):
        directory = os.path.join(ROLE_DIR, folder)
        for file_name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, file_name), encoding='utf-8') as handle:
                for task in yaml.safe_load(handle) or []:
                    modules[ROLE + task['name']] = next(key for key in task if '.' in key)
    return modules


# A hyperv.cluster module run is a remote execution (the runner logs it); the twins of ansible.windows and
# microsoft.ad (win_feature, win_regedit, win_service, membership) are not, as on Windows they are not our batches.
TASK_MODULES = _role_task_modules()


class Run:
    """One ansible-playbook run on a lab: its results, the raw state around it and the remote executions it cost."""

    def __init__(self, lab, playbook=PLAYBOOK, extra_vars=None, lab_vars=True, **options):
        """``extra_vars`` come on top of LAB_VARS, unless ``lab_vars`` is false (the caller passes its own input)."""
        self.raw_before = lab.raw_state()
        logged = lab.total_executions()
        self.run = lab.playbook(playbook, extra_vars=dict(LAB_VARS if lab_vars else {}, **(extra_vars or {})),
                                **options)
        self.executions = lab.executions()[logged:]
        self.raw_after = lab.raw_state()
        self.show = lab.show()

    def failed(self):
        """{(task, host): message} of the failed tasks; a loop's message is that of its first failed item."""
        return self.run.failures()

    def failed_hosts(self):
        return {host: task for task, host in self.failed()}

    def module_runs(self, host, collection='hyperv.cluster.'):
        """How many times the role ran a module of ``collection`` on ``host`` (loop items each), skips left out."""
        runs = 0
        for task in self.run.tasks():
            result = task['hosts'].get(host)
            if not TASK_MODULES.get(task['name'], '').startswith(collection) or result is None:
                continue
            items = result['results'] if 'results' in result else [result]
            runs += sum(1 for item in items if not item.get('skipped'))
        return runs

    def executions_on(self, host):
        return [entry['mode'] for entry in self.executions if entry['node'] == host]

    def node_unchanged(self, node):
        return self.raw_after['nodes'][node] == self.raw_before['nodes'][node]

    def __repr__(self):
        return repr(self.run)


def _edit(lab, change):
    """Change the lab's state as the platform would (a machine delivered this way), not through the role."""
    with LabState.open(lab.dir) as state:
        change(state.data)


def _assert_prepared(node, name, defender=True):
    """A node as the role leaves it with LAB_VARS (time from the domain, the role's defaults elsewhere); without
    ``defender``, with NO_DEFENDER."""
    assert sorted(node['nics']) == NIC_NAMES, (name, node['nics'])
    uplink = node['nics']['Vm']['bindings']
    assert uplink['vms_pp'] and not uplink['ms_tcpip'] and not uplink['ms_tcpip6'], (name, uplink)
    for nic in ('Management', 'Cluster', 'Live-Migration'):
        bindings = node['nics'][nic]['bindings']
        assert bindings['ms_tcpip'] and bindings['ms_tcpip6'] and not bindings['vms_pp'], (name, nic, bindings)
    assert node['domain'] == 'corp.example.com' and node['workgroup'] is None, name
    assert node['membership_pending'] is None and node['pending_reboot'] is False, name
    # A member follows the domain hierarchy (the NTP peer of the fresh install stays in the registry, unused).
    assert node['w32time'] == {'type': 'NT5DS', 'ntp_server': 'time.windows.com,0x9'}, (name, node['w32time'])
    assert node['features'] == ROLE_FEATURES and node['features_pending'] == {}, (name, node['features'])
    assert node['mpio'] == {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'}, name
    assert node['vswitches'] == {'External': SWITCH}, (name, node['vswitches'])
    assert node['vmhost'] == VMHOST_SETTINGS, (name, node['vmhost'])
    if not defender:
        assert node['defender_exclusions'] == {}, (name, node['defender_exclusions'])
        return
    with open(os.path.join(ROLE_DIR, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        defaults = yaml.safe_load(handle)
    assert node['defender_exclusions'] == {
        'Paths': sorted(defaults['cluster_prereqs_defender_exclude_paths']),
        'Processes': sorted(defaults['cluster_prereqs_defender_exclude_processes']),
        'Extensions': sorted(defaults['cluster_prereqs_defender_exclude_extensions'])}, (name, node['defender_exclusions'])


# --- one lab's way from bare nodes to nova-compute: check mode, site.yml, the role again, site.yml again -----------
# The role alone from bare to prepared (and again) is molecule's scenario prereqs; here site.yml takes the nodes
# further, the prepared state is checked after it, and the role's own rerun comes on the finished site.

SITE_ARGS = tuple(argument for name in ('lab_cluster_prereqs', 'lab_failover_cluster', 'lab_openstack_compute')
                  for argument in ('-e', '@' + os.path.join(VARS_DIR, name + '.yml')))


class Journey:
    def __init__(self, lab):
        self.check = Run(lab, check=True)
        # site.yml with the three lab var files as `make lab` gives them (-e @file, as a person types it).
        self.site = Run(lab, SITE, lab_vars=False, args=SITE_ARGS)
        self.prereqs_again = Run(lab)
        self.site_again = Run(lab, SITE, lab_vars=False, args=SITE_ARGS)


@pytest.fixture(scope='module')
def journey(module_lab):
    return Journey(module_lab('prereqs-site', preset='bare'))


def test_check_mode_on_bare_nodes_changes_nothing_and_skips_the_steps_that_need_hyper_v(journey):
    check = journey.check
    assert check.run.rc == 0, check
    assert check.raw_after == check.raw_before
    assert {entry['mode'] for entry in check.executions} == {'read'}
    # Hyper-V "would be installed": MPIO, the switch and the host settings cannot be read yet.
    for host in NODES:
        assert check.run.result(HYPERV_STEPS, host).get('skipped') is True
        assert check.run.result(ROLE + 'Install Hyper-V, Failover Clustering and MPIO with their management tools',
                                host)['changed'] is True
        assert check.run.result(JOIN, host)['changed'] is True
    for task in (MPIO, VSWITCH, VMHOST):
        assert not check.run.tasks(task), task
    # The adapters' report is the read-only pass; the renames do not run.
    assert all(item['changed'] for item in check.run.result(FIND_ADAPTERS, 'hv1')['results'])


def test_site_takes_bare_nodes_to_prepared_ones_and_on_to_nova_compute_on_a_cluster(journey):
    site = journey.site
    assert site.run.rc == 0, site
    for name in NODES:
        node = site.show['nodes'][name]
        _assert_prepared(node, name)
        assert node['services']['nova-compute']['state'] == 'running', (name, node['services'])
    assert sorted(site.raw_after['domain']['computers']) == ['HV1', 'HV2', 'HV3', 'HVC1']
    cluster = site.show['clusters']['hvc1']
    assert {node: member['state'] for node, member in cluster['nodes'].items()} == dict.fromkeys(NODES, 'Up')
    assert sorted(cluster['csvs']) == ['CSV-A', 'CSV-B']
    assert sorted(site.show['openstack']['compute_services']) == list(NODES)


def test_the_role_again_changes_nothing_and_costs_one_read_per_module_run(journey):
    again = journey.prereqs_again
    assert again.run.rc == 0, again
    assert {host: stats['changed'] for host, stats in again.run.stats.items()} == dict.fromkeys(NODES, 0)
    assert again.raw_after == again.raw_before
    for host in NODES:
        # host_check, 4 adapters found (none to rename), MPIO, the switch, the host settings: one read each.
        assert again.module_runs(host) == 8, again
        assert again.executions_on(host) == ['read'] * 8, again.executions
        # The twins ran as well - the join, the features, the time source and the 3 + 23 Defender values - and
        # logged no execution: executions.log counts the collection's batches only.
        assert (again.module_runs(host, 'microsoft.ad.membership'), again.module_runs(host, 'ansible.windows.win_feature'),
                again.module_runs(host, 'ansible.windows.win_regedit')) == (1, 1, 27), again


def _without_aggregate_calls(raw):
    """The state without the controller's log of host_aggregate calls, which records unchanged calls too."""
    raw = json.loads(json.dumps(raw))
    calls = raw['openstack'].pop('calls')
    return raw, calls


def test_site_again_changes_nothing(journey):
    again = journey.site_again
    assert again.run.rc == 0, again
    assert {host: stats['changed'] for host, stats in again.run.stats.items()} == dict.fromkeys(NODES, 0)
    (after, calls_after), (before, calls_before) = map(_without_aggregate_calls, (again.raw_after, again.raw_before))
    assert after == before
    assert [call['changed'] for call in calls_after[len(calls_before):]] == [False]


# --- nodes the role refuses, one kind per node, in one run -----------------------------------------------------------

FAULTY = ('hv1', 'hv2', 'hv3', 'hv4', 'hv5', 'hv6')
PROCESSOR = 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz'
SHARED_DESCRIPTION = LAB_VARS['cluster_prereqs_nics'][0]['interface_description']


def _make_faulty(data):
    nodes = data['nodes']
    # hv3: several problems at once - 2 GiB (profile small_memory), no DEP, a small and full system volume, and
    # firmware virtualization off on its second processor only.
    hardware = nodes['hv3']['hardware']
    hardware['dep_available'] = False
    hardware['system_volume'] = {'size_bytes': 30 * GIB, 'free_bytes': GIB}
    hardware['processors'][1]['virtualization_firmware_enabled'] = False
    # hv5: a fifth adapter with the description the management entry matches by (a second port with the same name).
    nics = nodes['hv5']['nics']
    nics.append(dict(nics[0], name='Ethernet 5', mac='00-15-5D-00-05-05', bindings=dict(nics[0]['bindings'])))


@pytest.fixture(scope='module')
def faulty(module_lab):
    """hv1 standard; hv2 without SLAT; hv3 with several problems; hv4 cannot reach the domain; hv5 has two adapters
    the management entry matches; hv6 runs Windows Server 2019."""
    lab = module_lab('prereqs-faulty', nodes=len(FAULTY), preset='bare',
                     hardware=['hv2=no_slat', 'hv3=small_memory', 'hv6=old_os'])
    _edit(lab, _make_faulty)
    lab.fault('domain-unreachable', 'hv4')
    return lab, Run(lab, extra_vars=NO_DEFENDER)


def test_faulty_nodes_fail_each_at_its_step_and_the_standard_node_is_prepared(faulty):
    _lab, run = faulty
    assert run.run.rc != 0
    assert run.failed_hosts() == {'hv2': HOST_CHECK, 'hv3': HOST_CHECK, 'hv4': JOIN, 'hv5': FIND_ADAPTERS,
                                  'hv6': SAME_OS}, run.failed()
    _assert_prepared(run.show['nodes']['hv1'], 'hv1', defender=False)
    # Only hv1 has a computer object: no other node got as far as a join that worked.
    assert run.raw_after['domain']['computers'] == run.raw_before['domain']['computers'] + ['HV1']


def test_unfit_hardware_is_reported_in_full_and_the_node_is_left_alone(faulty):
    _lab, run = faulty
    no_slat = run.failed()[(HOST_CHECK, 'hv2')]
    assert no_slat.startswith('node hv2: does not meet 1 requirement(s) of a Hyper-V cluster node: '), no_slat
    assert ('second level address translation (SLAT: Intel EPT, AMD RVI) - found missing on processors 0 (%s), 1 (%s)'
            % (PROCESSOR, PROCESSOR)) in no_slat
    several = run.failed()[(HOST_CHECK, 'hv3')]
    unmet = ['virtualization enabled in the firmware - found missing on processor 1 (%s)' % PROCESSOR,
             'hardware-enforced Data Execution Prevention (Intel XD, AMD NX) - found not available',
             'at least 4 GB of memory - found 2.0 GB',
             'a system volume of at least 32 GB - found 30.0 GB on C:',
             'at least 10 GB free on the system volume - found 1.0 GB free on C:']
    assert several.startswith('node hv3: does not meet 5 requirement(s) of a Hyper-V cluster node: %s. Fix: '
                              % '; '.join(unmet)), several
    for fix in ('Enable Intel VT-x / AMD-V', 'Execute Disable Bit', 'Add memory', 'Use a larger boot disk',
                'Free space on C:'):
        assert fix in several, (fix, several)
    for node in ('hv2', 'hv3'):
        assert run.node_unchanged(node), node
        assert sorted(run.show['nodes'][node]['nics']) == ['Ethernet 1', 'Ethernet 2', 'Ethernet 3', 'Ethernet 4']


def test_an_odd_os_version_fails_that_node_naming_both_sides(faulty):
    _lab, run = faulty
    message = run.failed()[(SAME_OS, 'hv6')]
    assert message.startswith('hv6 runs Microsoft Windows Server 2019 Datacenter (10.0.17763) while hv1, hv4, hv5 '
                              'run(s) Microsoft Windows Server 2022 Datacenter (10.0.20348).'), message
    assert run.node_unchanged('hv6')
    # The majority went on: hv1 is prepared, hv4 and hv5 reached their own faults.
    assert (SAME_OS, 'hv1') not in run.failed() and run.show['nodes']['hv1']['domain'] == 'corp.example.com'


def test_an_unreachable_domain_fails_the_join_with_windows_error(faulty):
    _lab, run = faulty
    assert run.failed()[(JOIN, 'hv4')] == (
        "Computer 'hv4' failed to join domain 'corp.example.com' from its current workgroup 'WORKGROUP' with "
        "following error message: The specified domain either does not exist or could not be contacted.")
    node = run.show['nodes']['hv4']
    assert node['domain'] is None and node['workgroup'] == 'WORKGROUP' and node['membership_pending'] is None
    assert node['features'] == []
    assert node['features_pending'] == {} and node['pending_reboot'] is False
    assert 'HV4' not in run.raw_after['domain']['computers']
    assert run.show['faults'] == [{'kind': 'domain-unreachable', 'node': 'hv4'}]


def test_an_ambiguous_adapter_match_lists_the_candidates_and_renames_nothing(faulty):
    _lab, run = faulty
    assert run.failed()[(FIND_ADAPTERS, 'hv5')] == (
        "network adapter Management: 2 physical adapters have the interface description '%s'. Match by MAC address "
        "instead. Candidates: Ethernet 1 (00-15-5D-00-05-01, %s); Ethernet 5 (00-15-5D-00-05-05, %s)."
        % ((SHARED_DESCRIPTION,) * 3))
    # The other three entries were found (and would be renamed), but no adapter of the node was touched.
    found = run.run.result(FIND_ADAPTERS, 'hv5')['results']
    assert [(item.get('failed', False), item['changed']) for item in found] == [(True, False)] + [(False, True)] * 3
    assert run.node_unchanged('hv5')


# --- one OS across the nodes: a tie ----------------------------------------------------------------------------------

def test_two_nodes_on_different_os_versions_both_fail(module_lab):
    lab = module_lab('prereqs-tie', nodes=2, preset='bare', hardware=['hv2=old_os'])
    run = Run(lab)
    assert run.run.rc != 0
    assert run.failed_hosts() == {'hv1': SAME_OS, 'hv2': SAME_OS}
    sides = ('hv1: Microsoft Windows Server 2022 Datacenter (10.0.20348); '
             'hv2: Microsoft Windows Server 2019 Datacenter (10.0.17763)')
    for node, version in (('hv1', '2022 Datacenter (10.0.20348)'), ('hv2', '2019 Datacenter (10.0.17763)')):
        assert run.failed()[(SAME_OS, node)] == (
            '%s runs Microsoft Windows Server %s, the other nodes of its cluster do not agree on one OS (%s). Every '
            'node of a cluster must run the same Windows Server version and edition: reinstall or update the odd '
            'ones.' % (node, version, sides))
    assert run.raw_after == run.raw_before


# --- a wrong join password -------------------------------------------------------------------------------------------

WRONG_PASSWORD = 'Wrong-Join-Pa55-7Q'


@pytest.fixture(scope='module')
def wrong_password(module_lab):
    """One bare node, the join account with a wrong password: as the tests read results (JSON, --diff), then as a
    person reads the output (the default callback, -vvv, --diff)."""
    lab = module_lab('prereqs-password', nodes=1, preset='bare')
    wrong = {'cluster_prereqs_domain_join_password': WRONG_PASSWORD}
    return lab, Run(lab, extra_vars=wrong, diff=True), Run(lab, extra_vars=wrong, diff=True, args=('-vvv',), env={
        'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.default'})


def test_a_wrong_join_password_fails_the_join_with_windows_message_and_nothing_half_joined(wrong_password):
    _lab, run, verbose = wrong_password
    for attempt in (run, verbose):
        assert attempt.run.rc != 0
    assert run.failed() == {(JOIN, 'hv1'): (
        "Computer 'hv1' failed to join domain 'corp.example.com' from its current workgroup 'WORKGROUP' with "
        "following error message: The user name or password is incorrect.")}
    assert 'The user name or password is incorrect.' in verbose.run.stdout
    for attempt in (run, verbose):
        node, before = attempt.raw_after['nodes']['hv1'], attempt.raw_before['nodes']['hv1']
        assert node['domain'] is None and node['workgroup'] == 'WORKGROUP', node
        assert 'membership_pending' not in node and node['pending_reboot'] is False, node
        assert node['features'] == before['features']
        assert attempt.raw_after['domain'] == attempt.raw_before['domain']      # no computer object
        assert 'HV1' not in attempt.raw_after['domain']['computers']


def test_the_join_password_never_appears_in_the_output(journey, wrong_password):
    _lab, run, verbose = wrong_password
    for attempt in (run, verbose):
        assert WRONG_PASSWORD not in attempt.run.stdout + attempt.run.stderr
    # Nor the right one, in every result of a run that joined three nodes (the JSON callback prints them all).
    site = journey.site
    assert JOIN_PASSWORD not in site.run.stdout + site.run.stderr
    assert site.run.result(JOIN, 'hv1')['changed'] is True


# --- a switch change on nodes whose VMs use the switch ---------------------------------------------------------------

SWITCH_NODES = ('hv1', 'hv2')
# Teamed (SET) on the same adapter: a switch Windows cannot change in place.
TEAMED = dict(NO_DEFENDER, cluster_prereqs_vswitch={'name': 'External', 'allow_management_os': False,
                                                    'bandwidth_mode': 'weight', 'embedded_teaming': True})


@pytest.fixture(scope='module')
def switch_in_use(module_lab):
    """A 2-node cluster with VMs on both nodes - clustered on CSVs, and one on hv1's local disk - their adapters on
    External; the role asked to team the switch (SET): refused, then forced."""
    lab = module_lab('prereqs-switch', nodes=len(SWITCH_NODES), preset='clustered', vms=4, clustered_vms=2,
                     local_vms=1)
    return lab, Run(lab, extra_vars=TEAMED), Run(lab, extra_vars=dict(TEAMED, cluster_prereqs_vswitch_force=True))


def _vms_by_host(raw):
    found = {}
    for vm in raw['vms'].values():
        found.setdefault(vm['host'], []).append(vm['name'])
    return {host: sorted(names) for host, names in found.items()}


def _switch_record(raw, host):
    (switch,) = [switch for switch in raw['nodes'][host]['vswitches'] if switch['name'] == 'External']
    return switch


def test_a_switch_change_that_recreates_it_is_refused_while_vms_use_it(switch_in_use):
    _lab, refused, _forced = switch_in_use
    assert refused.run.rc != 0
    assert refused.failed_hosts() == dict.fromkeys(SWITCH_NODES, VSWITCH), refused.failed()
    assert sorted(_vms_by_host(refused.raw_before)) == list(SWITCH_NODES)
    for host, vms in _vms_by_host(refused.raw_before).items():
        message = refused.failed()[(VSWITCH, host)]
        assert ('changing its embedded teaming, which means creating it again would cut the network of the VMs that '
                'use it: %s; nothing was changed' % ', '.join(vms)) in message, message
        assert 'set force: true' in message
    assert refused.raw_after == refused.raw_before


def test_a_forced_switch_change_recreates_it_and_reconnects_the_vms(switch_in_use):
    _lab, _refused, forced = switch_in_use
    assert forced.run.rc == 0, forced
    for host in SWITCH_NODES:
        switch = forced.show['nodes'][host]['vswitches']['External']
        assert switch == dict(SWITCH, embedded_teaming=True), switch
        # Created again: New-VMSwitch gave it a new id (the preset's switch has none).
        assert _switch_record(forced.raw_after, host)['id'] not in (None, _switch_record(forced.raw_before, host).get('id'))
        result = forced.run.result(VSWITCH, host)
        assert result['changed'] is True and result['reconnected_vms'] == _vms_by_host(forced.raw_before)[host]
    # Nothing else changed: the VMs run on, connected to External again; the uplink has the switch's bindings again.
    switches_back = json.loads(json.dumps(forced.raw_after))
    for host in SWITCH_NODES:
        switches_back['nodes'][host]['vswitches'] = forced.raw_before['nodes'][host]['vswitches']
    assert switches_back == forced.raw_before
    assert {vm['name']: vm['nics'][0]['switch'] for vm in forced.raw_after['vms'].values()} == dict.fromkeys(
        (vm['name'] for vm in forced.raw_before['vms'].values()), 'External')
