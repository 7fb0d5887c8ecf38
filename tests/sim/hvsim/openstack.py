"""The OpenStack controller of a lab, as far as the Hyper-V nodes and the collection deal with it.

State (top-level key ``openstack``, optional: a lab created before this module existed reads as empty):

    {"clouds": {name: {"auth_url", "region_name"}},          # what clouds.yaml on the controller names
     "compute_services": {host: {"host", "binary", "state", "node"}},
     "aggregates": {name: {"id", "uuid", "name", "availability_zone", "hosts", "metadata",
                           "created_at", "updated_at"}},
     "next_aggregate_id": 1,
     "calls": [{"module", "name", "hosts", "changed", "check_mode"}]}   # every host_aggregate call, in order

A nova-compute service registers its host with the controller when it reaches Running on a node where it can work:
its account is SYSTEM or a member of the node's Hyper-V Administrators (or Administrators) group, since nova-compute
otherwise stops at init_host with an access-denied error from Hyper-V's WMI provider. Aggregates take only
registered hosts, as nova does ("Compute host <host> could not be found.").
"""

import datetime
import os
import uuid

from hvsim import software

CONTROLLER = 'controller'
LAB_CLOUD = 'lab'
KEYSTONE_URL = 'https://keystone.corp.example.com:5000/v3'
COMPUTE_URL = 'https://nova.corp.example.com:8774/v2.1'


class OpenStackError(Exception):
    """An error the real module reports (openstacksdk exceptions, nova API faults)."""


def seed(data):
    data['openstack'] = {
        'clouds': {LAB_CLOUD: {'auth_url': KEYSTONE_URL, 'region_name': 'RegionOne'}},
        'compute_services': {},
        'aggregates': {},
        'next_aggregate_id': 1,
    }


def controller(state):
    return state.data.setdefault('openstack', {'clouds': {}, 'compute_services': {}, 'aggregates': {},
                                               'next_aggregate_id': 1})


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%f')


def register_compute(state, node, service):
    """win_service's on_running hook: nova-compute on ``node`` reached Running."""
    if service['name'].lower() != 'nova-compute':
        return
    account = service.get('username') or software.SYSTEM
    able = account in software.SYSTEM_ACCOUNTS or any(
        software.is_member(state, node['name'], group, account)
        for group in ('Hyper-V Administrators', 'Administrators'))
    if not able:
        return
    controller(state)['compute_services'][node['name']] = {
        'host': node['name'], 'binary': 'nova-compute', 'state': 'up', 'node': node['name'],
        'hypervisor_type': 'hyperv'}


def check_cloud(state, cloud, auth, environ=None):
    """openstacksdk's view of the connection options: a cloud clouds.yaml names (``openstack.clouds`` of the lab),
    an auth dict, or OS_* environment variables."""
    environ = os.environ if environ is None else environ
    clouds = controller(state).get('clouds') or {}
    if isinstance(cloud, dict):
        auth = cloud.get('auth', auth)
        cloud = None
    if cloud is None:
        cloud = environ.get('OS_CLOUD') or None
    if cloud is not None:
        if cloud not in clouds:
            raise OpenStackError('Cloud %s was not found.' % cloud)
        return
    if auth is not None or environ.get('OS_AUTH_URL'):
        if not (auth or {}).get('auth_url') and not environ.get('OS_AUTH_URL'):
            raise OpenStackError('Auth plugin requires parameters which were not given: auth_url')
        return
    raise OpenStackError('Cloud defaults was not found.')


def _as_sdk(aggregate):
    """Aggregate.to_dict(computed=False) of openstacksdk."""
    return {
        'availability_zone': aggregate.get('availability_zone'), 'created_at': aggregate['created_at'],
        'deleted_at': None, 'hosts': list(aggregate['hosts']), 'id': aggregate['id'], 'is_deleted': False,
        'metadata': dict(aggregate['metadata']), 'name': aggregate['name'], 'updated_at': aggregate['updated_at'],
        'uuid': aggregate['uuid'],
    }


def _find_aggregate(aggregates, name):
    if name in aggregates:
        return aggregates[name]
    for aggregate in aggregates.values():
        if str(aggregate['id']) == str(name) or aggregate['uuid'] == name:
            return aggregate
    return None


def _needs_update(aggregate, params, metadata):
    wanted_metadata = dict(metadata or {})
    if params.get('availability_zone') is not None:
        wanted_metadata['availability_zone'] = params['availability_zone']
    hosts = params.get('hosts')
    if hosts is not None:
        if params.get('purge_hosts', True):
            if set(hosts) != set(aggregate['hosts']):
                return True
        elif not set(hosts) <= set(aggregate['hosts']):
            return True
    if params.get('availability_zone') is not None and params['availability_zone'] != aggregate.get(
            'availability_zone'):
        return True
    if params.get('metadata') is not None and wanted_metadata != aggregate['metadata']:
        return True
    return False


def _add_hosts(state, aggregate, hosts):
    """One os-aggregates add_host call per host, as the module makes them: a host nova does not know fails with
    ComputeHostNotFound (404) and the hosts added before it stay added."""
    services = controller(state)['compute_services']
    for host in hosts:
        if host not in services:
            state.save()
            raise OpenStackError('404: Client Error for url: %s/os-aggregates/%s/action, Compute host %s could not '
                                 'be found.' % (COMPUTE_URL, aggregate['id'], host))
        aggregate['hosts'].append(host)


def host_aggregate(state, params, check_mode):
    """openstack.cloud.host_aggregate: returns the result dict (aggregate as openstacksdk returns it)."""
    check_cloud(state, params.get('cloud'), params.get('auth'))
    ctrl = controller(state)
    aggregates = ctrl['aggregates']
    metadata = dict(params['metadata']) if params.get('metadata') is not None else None
    if metadata is not None:
        metadata.pop('availability_zone', None)
    aggregate = _find_aggregate(aggregates, params['name'])
    wanted = params.get('state') or 'present'
    if wanted == 'absent':
        if aggregate is None:
            return {'changed': False}
        if not check_mode:
            del aggregates[aggregate['name']]
        return {'changed': True}
    changed = aggregate is None or _needs_update(aggregate, params, metadata)
    ctrl.setdefault('calls', []).append({'module': 'openstack.cloud.host_aggregate', 'name': params['name'],
                                         'hosts': params.get('hosts'), 'changed': changed, 'check_mode': check_mode})
    if check_mode:
        return {'changed': changed}
    hosts = params.get('hosts')
    if aggregate is None:
        number = ctrl.get('next_aggregate_id', 1)
        ctrl['next_aggregate_id'] = number + 1
        aggregate = {'id': number, 'uuid': str(uuid.uuid4()), 'name': params['name'], 'hosts': [],
                     'availability_zone': params.get('availability_zone'), 'metadata': {},
                     'created_at': _now(), 'updated_at': None}
        if params.get('availability_zone') is not None:
            aggregate['metadata']['availability_zone'] = params['availability_zone']
        aggregates[aggregate['name']] = aggregate
        _add_hosts(state, aggregate, hosts or [])
        if metadata:
            aggregate['metadata'].update(metadata)
    elif changed:
        if params.get('availability_zone') is not None:
            aggregate['availability_zone'] = params['availability_zone']
            aggregate['metadata']['availability_zone'] = params['availability_zone']
        if metadata is not None:
            kept = {'availability_zone': aggregate['metadata']['availability_zone']} if (
                'availability_zone' in aggregate['metadata']) else {}
            aggregate['metadata'] = dict(kept, **metadata)
        if hosts is not None:
            _add_hosts(state, aggregate, [host for host in hosts if host not in aggregate['hosts']])
            if params.get('purge_hosts', True):
                aggregate['hosts'] = [host for host in aggregate['hosts'] if host in hosts]
        aggregate['updated_at'] = _now()
    return {'changed': changed, 'aggregate': _as_sdk(aggregate)}


def view(state):
    """The ``openstack`` key of `lab show --json`."""
    ctrl = state.data.get('openstack') or {}
    return {
        'aggregates': {name: {'hosts': sorted(item['hosts']), 'availability_zone': item.get('availability_zone'),
                              'metadata': dict(item['metadata'])}
                       for name, item in (ctrl.get('aggregates') or {}).items()},
        'compute_services': {host: {'state': item['state'], 'binary': item['binary']}
                             for host, item in (ctrl.get('compute_services') or {}).items()},
        'calls': [dict(call) for call in ctrl.get('calls') or []],
    }
