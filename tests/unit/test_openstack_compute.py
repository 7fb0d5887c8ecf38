"""plugin_utils/_openstack_compute.py: what the openstack_compute role refuses, and what it derives from the nodes."""

import pytest

from ansible_collections.hyperv.cluster.plugins.filter import openstack_compute as filters
from ansible_collections.hyperv.cluster.plugins.plugin_utils import _openstack_compute as oc

GOOD = {
    'release': '2023.1',
    'backend_url': 'etcd3+http://etcd.corp.example.com:2379?api_version=v3',
    'instances_path': 'C:\\ClusterStorage\\Volume1\\OpenStack\\Instances',
    'vswitch_mappings': [{'physical_network': '*', 'vswitch': 'External'}],
    'msi_product_id': '{57873D6B-87D6-51B2-9C80-B630278F3C85}',
    'transport_url': 'rabbit://openstack:secret@rabbit:5672/',
    'disk_allocation_ratio': None,
    'reserved_host_disk_mb': 0,
    'service_user': 'CORP\\svc-nova',
}


def problems(**changes):
    return oc.input_problems(dict(GOOD, **changes))


def test_good_input_has_no_problem():
    assert problems() == []
    assert problems(release='antelope', service_user='svc-nova@corp.example.com',
                    backend_url='mysql://tooz:pw@db.corp.example.com/tooz') == []
    assert problems(backend_url='file:////fs01.corp.example.com/openstack/locks') == []


@pytest.mark.parametrize('release, fragment', [
    ('2024.1', 'OpenStack 2024.1 is not supported: compute-hyperv 16.0.0 (OpenStack 2023.1 "Antelope") is the last '
               'release of the Hyper-V cluster driver'),
    ('caracal', 'nova 29 (2024.1) removed nova/virt/hyperv'),
    ('2023.2', 'Keep these nodes on 2023.1'),
    ('2022.2', 'this role configures nova 27.x with compute-hyperv 16.0.0'),
    ('zed', 'install the 2023.1 MSI'),
    ('latest', "openstack_compute_release 'latest' is not an OpenStack release: give 2023.1 (Antelope)"),
])
def test_unsupported_releases_are_refused_with_the_reason(release, fragment):
    found = problems(release=release)
    assert len(found) == 1 and fragment in found[0], found


@pytest.mark.parametrize('url, fragment', [
    ('', 'openstack_compute_coordination_backend_url is not set'),
    (None, 'locks nothing across nodes'),
    ('file:///C:/OpenStack/Lock', 'is a directory on each node'),
    ('file://C:/locks', 'is a directory on each node'),
    ('etcd3+http://etcd:2379', 'has no api_version'),
    ('etcd3+http://:2379?api_version=v3', 'names no etcd host'),
    ('etcd://etcd:2379', 'uses the etcd v2 API'),
    ('mysql://user:pw@db', 'must name the MySQL host and database'),
    ('redis://redis:6379', "the 'redis' backend is not one this role supports"),
])
def test_backend_urls_that_give_no_cross_node_lock_are_refused(url, fragment):
    found = problems(backend_url=url)
    assert len(found) == 1 and fragment in found[0], found


def test_messages_never_show_a_password():
    found = problems(backend_url='mysql://tooz:S3cret@db', transport_url='amqp://guest:Hunter2@rabbit/')
    assert len(found) == 2, found
    text = ' '.join(found)
    assert 'S3cret' not in text and 'Hunter2' not in text
    assert 'mysql://***@db' in text and 'amqp://***@rabbit/' in text
    assert oc.redact_url('etcd3+http://etcd:2379?api_version=v3') == 'etcd3+http://etcd:2379?api_version=v3'


@pytest.mark.parametrize('changes, fragment', [
    ({'instances_path': 'OpenStack\\Instances'}, 'is not an absolute Windows path'),
    ({'instances_path': ''}, 'is not an absolute Windows path'),
    ({'vswitch_mappings': []}, 'neutron-hyperv-agent refuses to start without a vSwitch'),
    ({'vswitch_mappings': [{'physical_network': 'physnet1'}]}, 'needs physical_network and vswitch'),
    ({'vswitch_mappings': [{'physical_network': 'p', 'vswitch': 'A'}, {'physical_network': 'p', 'vswitch': 'B'}]},
     'maps physical network(s) p more than once'),
    ({'msi_product_id': '57873D6B-87D6-51B2-9C80-B630278F3C85'}, 'is not an MSI product code'),
    ({'transport_url': ''}, 'must be the RabbitMQ URL of the control plane (rabbit://USER:PASSWORD@HOST:5672/), got '
                            'nothing'),
    ({'disk_allocation_ratio': 0}, 'must be greater than 0'),
    ({'reserved_host_disk_mb': -1}, 'cannot be negative'),
    ({'service_user': 'svc-nova'}, 'must be a domain account'),
])
def test_other_bad_inputs(changes, fragment):
    found = problems(**changes)
    assert len(found) == 1 and fragment in found[0], found


def test_every_problem_is_reported_at_once():
    found = problems(release='2024.1', backend_url='', instances_path='x', vswitch_mappings=[],
                     msi_product_id='x', transport_url='x', service_user='x')
    assert len(found) == 7


# --- plan: the nodes of the play together ------------------------------------------------------------------------

CSVS = ['C:\\ClusterStorage\\Volume1', 'C:\\ClusterStorage\\Volume2']


def node(cluster='hvc1', **changes):
    entry = {'cluster': cluster, 'csv_paths': CSVS, 'vswitches': ['External'],
             'instances_path': 'C:\\ClusterStorage\\Volume1\\OpenStack\\Instances',
             'vswitch_mappings': [{'physical_network': '*', 'vswitch': 'External'}],
             'aggregate_name': '', 'availability_zone': '', 'nova_host': None}
    entry.update(changes)
    return entry


def test_one_cluster_one_aggregate_and_the_image_cache_cleaned():
    result = oc.plan({'hv2': node(), 'hv1': node(), 'hv3': node(availability_zone='')})
    assert result == {'problems': [], 'remove_unused_base_images': True, 'storage': 'csv',
                      'aggregates': [{'cluster': 'hvc1', 'name': 'hvc1', 'availability_zone': None,
                                      'hosts': ['hv1', 'hv2', 'hv3']}]}


def test_two_clusters_on_their_own_csvs_keep_their_base_images():
    result = oc.plan({'hv1': node(), 'hv2': node(), 'hv4': node('hvc2', aggregate_name='az-b', nova_host='HV4')})
    assert result['problems'] == []
    assert result['remove_unused_base_images'] is False
    expected = [('hvc1', ['hv1', 'hv2']), ('az-b', ['HV4'])]
    assert [(item['name'], item['hosts']) for item in result['aggregates']] == expected
    assert oc.plan({'hv1': node(), 'hv4': node('hvc2')}, 'true')['remove_unused_base_images'] is True


def test_one_smb_share_for_two_clusters_is_one_image_cache():
    share = '\\\\fs01\\openstack\\instances'
    result = oc.plan({'hv1': node(instances_path=share), 'hv4': node('hvc2', instances_path=share)})
    assert result['storage'] == 'smb' and result['remove_unused_base_images'] is True


@pytest.mark.parametrize('nodes, fragment', [
    ({'hv1': node(), 'hv9': node(cluster='')}, 'hv9 is not in a failover cluster'),
    ({'hv1': node(instances_path='D:\\Instances')}, 'openstack_compute_instances_path D:\\Instances is not on shared '
                                                    'storage on hv1'),
    ({'hv1': node(), 'hv2': node(), 'hv3': node(instances_path='C:\\ClusterStorage\\Volume2\\I')},
     'openstack_compute_instances_path differs across the nodes: hv3 (hv3: C:\\ClusterStorage\\Volume2\\I)'),
    ({'hv1': node(), 'hv2': node(vswitches=['External', 'Other'],
                                 vswitch_mappings=[{'physical_network': '*', 'vswitch': 'Other'}])},
     'openstack_compute_vswitch_mappings differ across the nodes'),
    ({'hv1': node(), 'hv2': node(vswitches=['Provider'])},
     "vSwitch 'External' (openstack_compute_vswitch_mappings) does not exist on hv2 (switches there: Provider)"),
    ({'hv1': node(), 'hv2': node(aggregate_name='other')},
     'openstack_compute_aggregate_name differs between the nodes of cluster hvc1'),
])
def test_nodes_that_would_be_configured_differently_are_refused(nodes, fragment):
    found = oc.plan(nodes)['problems']
    assert any(fragment in problem for problem in found), found


def test_the_filters_check_their_input():
    assert filters.FilterModule().filters()['openstack_compute_plan']({'hv1': node()})['problems'] == []
    assert filters.openstack_compute_input_problems(GOOD) == []
    for function in (filters.openstack_compute_plan, filters.openstack_compute_input_problems):
        with pytest.raises(Exception, match='expects a dict'):
            function(['hv1'])
