"""Role openstack_compute (playbooks/openstack_compute.yml) on simulated clusters: what it installs, writes, runs and
registers, that a rerun changes nothing, that the configuration it renders is what nova 27 / compute-hyperv 16 and
networking-hyperv read (oslo-config-validator and oslo.config on the option data in tests/data), and that every bad
input fails before any node changes."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from labkit import REPO_ROOT
from optdata import load_typed

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'openstack_compute.yml')
with open(os.path.join(REPO_ROOT, 'playbooks', 'vars', 'lab_openstack_compute.yml'), encoding='utf-8') as _handle:
    LAB_VARS = yaml.safe_load(_handle)
NOVA_DIR = 'C:\\Program Files\\Cloudbase Solutions\\OpenStack\\Nova'
NOVA_CONF = NOVA_DIR + '\\etc\\nova.conf'
AGENT_CONF = NOVA_DIR + '\\etc\\neutron_hyperv_agent.conf'
NOVA_OPTDATA = os.path.join(REPO_ROOT, 'tests', 'data', 'compute-hyperv-optdata.yaml')
AGENT_OPTDATA = os.path.join(REPO_ROOT, 'tests', 'data', 'networking-hyperv-agent-optdata.yaml')
SECRETS = [LAB_VARS[key] for key in ('openstack_compute_service_password', 'openstack_compute_nova_password',
                                     'openstack_compute_placement_password', 'openstack_compute_neutron_password')]
NODES = ('hv1', 'hv2', 'hv3')


def run_role(lab, diff=False, **changes):
    before_raw = lab.raw_state()
    run = lab.playbook(PLAYBOOK, extra_vars=dict(LAB_VARS, **changes), diff=diff)
    return run, before_raw


def read_file(lab, node, path):
    process = lab.lab_cli('file', lab.dir, node, path)
    assert process.returncode == 0, process.stderr
    return process.stdout


def parse_ini(text):
    """Sections and options of an oslo.config file, as oslo.config reads it (no interpolation)."""
    import configparser  # pylint: disable=import-outside-toplevel
    parser = configparser.RawConfigParser(strict=True)
    parser.read_string(text)
    return parser


@pytest.fixture(scope='module')
def converged(module_lab):
    lab = module_lab('compute', nodes=3, vms=3, clustered_vms=3)
    first, before = run_role(lab, diff=True)      # --diff must not show the passwords in nova.conf either
    after_first = lab.raw_state()
    second = run_role(lab)[0]
    return lab, first, before, after_first, second


def test_converge_installs_configures_and_runs_nova_on_every_node(converged):
    lab, first, _before, _after, _second = converged
    assert first.rc == 0, first
    show = lab.show()
    for node in NODES:
        state = lab.raw_state()['nodes'][node]
        package = state['packages'][LAB_VARS['openstack_compute_msi_product_id']]
        assert package['features'] == ['HyperVNovaCompute', 'NeutronHyperVAgent']
        assert package['properties']['SKIPNOVACONF'] == '1'
        assert package['services_created'] == []     # the role registers the services, not the MSI
        for name in ('nova-compute', 'neutron-hyperv-agent'):
            service = state['services'][name]
            expected = ('running', 'auto', 'CORP\\svc-nova')
            assert (service['state'], service['start_mode'], service['username']) == expected, service
        assert 'CORP\\svc-nova' in state['user_rights']['SeServiceLogonRight']
        assert 'CORP\\svc-nova' in state['local_groups']['Hyper-V Administrators']
    summary = lab.lab_cli('show', lab.dir).stdout
    assert '  hv2      nova-compute           running  as CORP\\svc-nova' in summary, summary
    assert 'openstack: compute services up on hv1, hv2, hv3\n  aggregate hvc1 (zone hyperv): hv1, hv2, hv3' in summary
    controller = show['openstack']
    assert sorted(controller['compute_services']) == list(NODES)
    assert controller['aggregates'] == {'hvc1': {'availability_zone': 'hyperv', 'hosts': list(NODES),
                                                 'metadata': {'availability_zone': 'hyperv'}}}


def test_the_aggregate_is_made_once_per_run_from_the_controller(converged):
    lab, _first, _before, _after, _second = converged
    calls = lab.show()['openstack']['calls']
    assert [(call['name'], call['hosts'], call['changed']) for call in calls] == [
        ('hvc1', list(NODES), True), ('hvc1', list(NODES), False)]


def test_a_rerun_changes_nothing(converged):
    lab, _first, _before, after_first, second = converged
    assert second.rc == 0, second
    assert {host: stats['changed'] for host, stats in second.stats.items()} == {
        'hv1': 0, 'hv2': 0, 'hv3': 0}
    after = lab.raw_state()
    # The aggregate call is recorded; nothing else moved.
    after['openstack'].pop('calls'), after_first['openstack'].pop('calls')
    assert after['nodes'] == after_first['nodes']
    assert after['openstack'] == after_first['openstack']


def test_secrets_never_reach_the_output(converged):
    _lab, first, _before, _after, second = converged
    for run in (first, second):
        for secret in SECRETS:
            assert secret not in run.stdout, secret


def test_nova_conf_is_the_cluster_driver_configuration(converged):
    lab = converged[0]
    texts = {node: read_file(lab, node, NOVA_CONF) for node in NODES}
    assert len(set(texts.values())) == 1, 'every node gets the same nova.conf'
    conf = parse_ini(texts['hv1'])
    expected = {
        ('DEFAULT', 'compute_driver'): 'compute_hyperv.cluster.driver.HyperVClusterDriver',
        ('DEFAULT', 'instances_path'): 'C:\\ClusterStorage\\Volume1\\OpenStack\\Instances',
        ('DEFAULT', 'sync_power_state_interval'): '-1',
        ('DEFAULT', 'disk_allocation_ratio'): '0.34',
        ('DEFAULT', 'reserved_host_disk_mb'): '102400',
        ('coordination', 'backend_url'): 'etcd3+http://etcd.corp.example.com:2379?api_version=v3',
        ('workarounds', 'handle_virt_lifecycle_events'): 'False',
        ('image_cache', 'remove_unused_base_images'): 'True',      # one cluster: one CSV, one image cache
        ('oslo_concurrency', 'lock_path'): 'C:\\OpenStack\\Lock',
        ('os_win', 'connect_cluster_timeout'): '0',
        ('placement', 'password'): LAB_VARS['openstack_compute_placement_password'],
    }
    assert {key: conf.get(*key) for key in expected} == expected
    agent = parse_ini(read_file(lab, 'hv1', AGENT_CONF))
    assert agent.get('agent', 'physical_network_vswitch_mappings') == '*:External'
    assert agent.get('securitygroup', 'firewall_driver') == 'hyperv'


@pytest.mark.parametrize('path, optdata', [(NOVA_CONF, NOVA_OPTDATA), (AGENT_CONF, AGENT_OPTDATA)],
                         ids=['nova.conf', 'neutron_hyperv_agent.conf'])
def test_rendered_configuration_passes_oslo_config_validator_and_loads_typed(converged, tmp_path, path, optdata):
    lab = converged[0]
    rendered = tmp_path / 'rendered.conf'
    rendered.write_text(read_file(lab, 'hv2', path), encoding='utf-8')
    validator = os.path.join(os.path.dirname(sys.executable), 'oslo-config-validator')
    process = subprocess.run([validator, '--opt-data', optdata, '--input-file', str(rendered), '--fatal-warnings'],
                             capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    values = load_typed(optdata, str(rendered))
    if path == NOVA_CONF:
        assert values[('DEFAULT', 'sync_power_state_interval')] == -1
        assert values[('DEFAULT', 'disk_allocation_ratio')] == 0.34
        assert values[('hyperv', 'auto_failback')] is True
        assert values[('workarounds', 'handle_virt_lifecycle_events')] is False
    else:
        assert values[('agent', 'physical_network_vswitch_mappings')] == ['*:External']


def test_the_checks_catch_a_misspelled_option_and_a_wrong_type(converged, tmp_path):
    """The two checks above can fail: an option nova does not know, and a value of the wrong type."""
    lab = converged[0]
    text = read_file(lab, 'hv1', NOVA_CONF)
    misspelled = tmp_path / 'misspelled.conf'
    misspelled.write_text(text.replace('sync_power_state_interval', 'sync_power_state_intervall'), encoding='utf-8')
    validator = os.path.join(os.path.dirname(sys.executable), 'oslo-config-validator')
    process = subprocess.run([validator, '--opt-data', NOVA_OPTDATA, '--input-file', str(misspelled)],
                             capture_output=True, text=True, check=False)
    assert process.returncode != 0
    assert 'DEFAULT/sync_power_state_intervall is not part of the sample config' in process.stderr
    wrong = tmp_path / 'wrong.conf'
    wrong.write_text(text.replace('max_failover_count = 1', 'max_failover_count = one'), encoding='utf-8')
    with pytest.raises(ValueError, match='hyperv/max_failover_count'):
        load_typed(NOVA_OPTDATA, str(wrong))


def test_a_configuration_change_restarts_one_node_at_a_time(module_lab):
    lab = module_lab('compute-restart', nodes=3)
    assert run_role(lab)[0].rc == 0
    events_log = os.path.join(lab.dir, 'service-events.log')
    start = os.path.getsize(events_log)
    run = run_role(lab, openstack_compute_debug=True)[0]
    assert run.rc == 0, run
    # debug is in both files: two templates and two restarts per node, nothing else.
    assert {host: stats['changed'] for host, stats in run.stats.items()} == {'hv1': 4, 'hv2': 4, 'hv3': 4}
    with open(events_log, encoding='utf-8') as handle:
        handle.seek(start)
        events = [json.loads(line) for line in handle if line.strip()]
    restarts = [event for event in events if event['action'] == 'restart' and event['service'] == 'nova-compute']
    assert sorted(event['node'] for event in restarts) == list(NODES)
    restarts.sort(key=lambda event: event['start'])
    for earlier, later in zip(restarts, restarts[1:]):
        assert earlier['end'] <= later['start'], (earlier, later)      # never two nodes down at once
    assert 'debug = True' in read_file(lab, 'hv3', NOVA_CONF)


def test_two_clusters_keep_their_base_images_and_get_an_aggregate_each(module_lab):
    lab = module_lab('compute-two', nodes=4, clusters=2)
    run = run_role(lab, openstack_compute_availability_zone='')[0]
    assert run.rc == 0, run
    for node in ('hv1', 'hv4'):
        assert parse_ini(read_file(lab, node, NOVA_CONF)).get('image_cache', 'remove_unused_base_images') == 'False'
    assert {name: aggregate['hosts'] for name, aggregate in lab.show()['openstack']['aggregates'].items()} == {
        'hvc1': ['hv1', 'hv2'], 'hvc2': ['hv3', 'hv4']}


# --- bad inputs: a clear error, and no node changed ------------------------------------------------------------------

BAD_INPUTS = [
    ('no backend URL', {'openstack_compute_coordination_backend_url': ''},
     'openstack_compute_coordination_backend_url is not set'),
    ('node-local file URL', {'openstack_compute_coordination_backend_url': 'file:///C:/OpenStack/Lock'},
     'is a directory on each node'),
    ('instances path not shared', {'openstack_compute_instances_path': 'D:\\OpenStack\\Instances'},
     'openstack_compute_instances_path D:\\OpenStack\\Instances is not on shared storage on hv1, hv2, hv3'),
    ('instances path differs', {'openstack_compute_instances_path': (
        "{{ 'C:\\\\ClusterStorage\\\\Volume2\\\\Instances' if inventory_hostname == 'hv3' "
        "else 'C:\\\\ClusterStorage\\\\Volume1\\\\Instances' }}")},
     'openstack_compute_instances_path differs across the nodes: hv3'),
    ('missing vSwitch', {'openstack_compute_vswitch_mappings': [{'physical_network': '*', 'vswitch': 'Provider'}]},
     "vSwitch 'Provider' (openstack_compute_vswitch_mappings) does not exist on hv1, hv2, hv3 (switches there: "
     "External)"),
    ('unsupported release', {'openstack_compute_release': '2024.1'}, 'OpenStack 2024.1 is not supported'),
]


@pytest.fixture(scope='module')
def fresh(module_lab):
    return module_lab('compute-bad', nodes=3)


@pytest.mark.parametrize('name, changes, fragment', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_fails_before_any_node_changes(fresh, name, changes, fragment):
    run, before = run_role(fresh, **changes)
    assert run.rc != 0, (name, run)
    failed = {host: result.get('msg', '') for task in run.tasks() for host, result in task['hosts'].items()
              if result.get('failed')}
    assert set(failed) == set(NODES), failed            # every node refuses, none goes ahead alone
    assert all(fragment in message for message in failed.values()), failed
    assert fresh.raw_state() == before
    for secret in SECRETS:
        assert secret not in run.stdout


def test_a_missing_msi_fails_on_every_node_and_installs_nothing(fresh):
    run, before = run_role(fresh, openstack_compute_msi_source='\\\\fs01.corp.example.com\\software\\missing.msi')
    assert run.rc != 0
    failed = {host: result.get('msg', '') for task in run.tasks() for host, result in task['hosts'].items()
              if result.get('failed')}
    assert set(failed) == set(NODES), failed
    assert all("the file at the path '\\\\fs01.corp.example.com\\software\\missing.msi' cannot be reached" in message
               for message in failed.values()), failed
    assert fresh.raw_state() == before
