# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_network: name, role and metric of one cluster network, found by its subnet.

Every decision is in ``execute``: one read (Get-ClusterNetwork), the network matched by subnet in Python, at most one
write that sets the differing properties on the network object (no cmdlet sets them).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
)

ROLES = {'none': 'None', 'cluster': 'Cluster', 'cluster_and_client': 'ClusterAndClient'}
ROLE_NAMES = {value: key for key, value in ROLES.items()}
SELECT = _cluster.NETWORK_SELECT + ['Ipv4PrefixLengths']


def _subnet(row):
    prefix = row.get('Ipv4PrefixLengths')
    prefix = prefix[0] if isinstance(prefix, list) and prefix else prefix
    mask = row.get('AddressMask')
    try:
        if prefix is not None:
            return ipaddress.IPv4Network('%s/%s' % (row['Address'], prefix), strict=False)
        return ipaddress.IPv4Network('%s/%s' % (row['Address'], mask), strict=False)
    except (ValueError, KeyError, TypeError):
        return None


def _view(row):
    return {'name': row.get('Name'), 'address': row.get('Address'), 'address_mask': row.get('AddressMask'),
            'role': ROLE_NAMES.get(row.get('Role'), str(row.get('Role')).lower() if row.get('Role') else None),
            'metric': row.get('Metric'), 'auto_metric': row.get('AutoMetric'), 'state': row.get('State')}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        address=dict(type='str', required=True),
        name=dict(type='str'),
        role=dict(type='str', choices=list(ROLES)),
        metric=dict(type='int'),
    )

    def execute(self, params, host):
        label = 'cluster network %s' % params['address']
        try:
            wanted = ipaddress.IPv4Network(params['address'], strict=False)
        except ValueError as error:
            raise InvalidInputError(label, 'address must be an IPv4 subnet', 'Give it like 10.10.2.0/24 (or the '
                                    'network address alone for a /24).') from error
        if '/' not in params['address']:
            wanted = ipaddress.IPv4Network('%s/24' % params['address'], strict=False)
        if params['metric'] is not None and not 0 <= params['metric'] <= 0xFFFFFFFF:
            raise InvalidInputError(label, 'metric must be between 0 and 4294967295 (got %d)' % params['metric'],
                                    'Lower metrics are preferred for cluster traffic.')
        read = Batch('read')
        _cluster.add_cluster_read(read)
        read.call('networks', 'Get-ClusterNetwork', select=SELECT)
        found = host.read(read)
        cluster = _cluster.require_cluster(found, host.name, 'configure a cluster network', subject=label)
        if not found['networks'].ok:
            _cluster.raise_step_error('cluster %s' % cluster['name'], found['networks'], 'reading networks failed')
        rows = [row for row in found['networks'].output if _subnet(row) == wanted]
        if not rows:
            known = ', '.join('%s (%s)' % (row.get('Name'), _subnet(row)) for row in found['networks'].output)
            raise ObjectNotFoundError(label, 'cluster %s has no network on subnet %s' % (cluster['name'], wanted),
                                      'Its networks: %s. The cluster finds networks from the nodes\' adapters; '
                                      'check the adapters\' addresses, or the subnet given.' % (known or 'none'))
        row = rows[0]
        before = _view(row)
        if params['name'] and any(str(other.get('Name')).lower() == params['name'].lower() and other is not row
                                  for other in found['networks'].output):
            raise InvalidInputError(label, 'another network of cluster %s is already named %s'
                                    % (cluster['name'], params['name']), 'Choose another name.')
        changes = {}
        if params['name'] is not None and params['name'] != row.get('Name'):
            changes['Name'] = params['name']
        if params['role'] is not None and ROLES[params['role']] != row.get('Role'):
            changes['Role'] = ROLES[params['role']]
        if params['metric'] is not None and (params['metric'] != row.get('Metric') or row.get('AutoMetric')):
            changes['Metric'] = params['metric']
        after = dict(before)
        after.update({key: value for key, value in (('name', changes.get('Name')),
                                                    ('role', params['role'] if 'Role' in changes else None),
                                                    ('metric', changes.get('Metric'))) if value is not None})
        if 'Metric' in changes:
            after['auto_metric'] = False
        if not changes or self.check_mode:
            return {'changed': bool(changes), 'network': after, 'diff': {'before': before, 'after': after}}
        write = Batch('write')
        write.call('network', 'Get-ClusterNetwork', {'Name': [row['Name']]})
        write.set('properties', 'network', changes)
        write.call('final', 'Get-ClusterNetwork', {'Name': [changes.get('Name', row['Name'])]}, select=SELECT)
        done = host.write(write)
        if done.failed_steps:
            _cluster.raise_step_error('cluster network %s' % row['Name'], done.failed_steps[0],
                                      'setting %s failed' % ', '.join(sorted(changes)), 'Check the values and rerun.',
                                      network=before)
        final = _view(done['final'].first() or {})
        return {'changed': True, 'network': final, 'diff': {'before': before, 'after': final}}
