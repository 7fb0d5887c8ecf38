# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster: create a failover cluster, add nodes to it, evict nodes from it.

Every decision is in ``execute``: one read (the cluster of that name and its members, and which cluster each named
node is in), the plan in Python, at most one write. A member is never added again, whatever its state: adding is
not how a Down member comes back (FailoverClusterDsc issue #79), and Windows refuses it.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    PreconditionError,
)

MAX_NAME_LENGTH = 15
NAME_RE = re.compile(r'^[A-Za-z0-9-]+$')
ACCESS_POINTS = {'active_directory_and_dns': 'ActiveDirectoryAndDns', 'dns': 'Dns', 'none': 'None'}
NODE_SELECT = ['Name', 'State']


def short(name):
    return str(name).split('.', 1)[0].lower()


def _as_members(nodes, view):
    """The names of ``nodes`` as the cluster spells its members (a node given as an FQDN is its short name)."""
    spelled = {short(member['name']): member['name'] for member in view['nodes']}
    return [spelled.get(short(node), node) for node in nodes]


def _check_input(params):
    name = params['name']
    label = 'cluster %s' % name
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(label, 'the name has %d characters, and a cluster name is a NetBIOS computer name of '
                                'at most %d' % (len(name), MAX_NAME_LENGTH),
                                'Use a name of 15 characters or fewer (the cluster name object in AD has the same '
                                'name).')
    if not NAME_RE.match(name) or name.isdigit() or name.startswith('-'):
        raise InvalidInputError(label, 'the name must be a computer name: letters, digits and hyphens, not all '
                                'digits', 'Give the short name, not an FQDN or a distinguished name.')
    both = sorted({short(node) for node in params['nodes'] or []} & {short(node) for node in params['evict']})
    if both:
        verb = 'is' if len(both) == 1 else 'are'
        raise InvalidInputError(label, '%s %s both in nodes and in evict' % (', '.join(both), verb),
                                'Name each node in one list only.')
    for address in params['static_address']:
        try:
            ipaddress.IPv4Interface(address)
        except ValueError as error:
            raise InvalidInputError(label, 'static_address %r is not an IPv4 address' % address,
                                    'Give addresses like 10.10.0.50 or 10.10.0.50/24.') from error
    for network in params['ignore_network']:
        try:
            ipaddress.IPv4Network(network, strict=False)
        except ValueError as error:
            raise InvalidInputError(label, 'ignore_network %r is not an IPv4 network' % network,
                                    'Give networks in CIDR form, like 10.10.3.0/24.') from error


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        nodes=dict(type='list', elements='str'),
        evict=dict(type='list', elements='str', default=[]),
        static_address=dict(type='list', elements='str', default=[]),
        ignore_network=dict(type='list', elements='str', default=[]),
        access_point=dict(type='str', default='active_directory_and_dns', choices=list(ACCESS_POINTS)),
    )

    def execute(self, params, host):
        _check_input(params)
        name = params['name']
        label = 'cluster %s' % name
        # Without nodes, the node the task runs on; which cluster it is in is the local Get-Cluster's answer.
        named = list(dict.fromkeys((params['nodes'] or []) + params['evict']))

        read = Batch('read')
        _cluster.add_cluster_read(read)
        read.call('named', 'Get-Cluster', {'Name': name}, select=_cluster.CLUSTER_SELECT)
        read.call('members', 'Get-ClusterNode', {'Cluster': name}, select=NODE_SELECT)
        for index, node in enumerate(named):
            # A node's name reaches the cluster it belongs to (an error when it belongs to none).
            read.call('of_%d' % index, 'Get-Cluster', {'Name': node}, select=['Name'])
        found = host.read(read)

        exists = found['named'].ok and found['named'].output and \
            str(found['named'].first().get('Name', '')).lower() == name.lower()
        if found['named'].ok and found['named'].output and not exists:
            raise PreconditionError(label, '%s is the name of a computer in cluster %s, not of a cluster'
                                    % (name, found['named'].first().get('Name')),
                                    'Choose another cluster name: it becomes a computer name in AD and DNS.')
        if not found['named'].ok and not _cluster.is_not_clustered(found['named']):
            _cluster.raise_step_error(label, found['named'], 'reading the cluster failed')
        membership = {}
        for index, node in enumerate(named):
            step = found['of_%d' % index]
            membership[node] = step.first().get('Name') if step.ok and step.output else None
        wanted = params['nodes'] or [found.computer_name or host.name]
        if not params['nodes']:
            local = _cluster.parse_cluster(found, host.name)
            membership[wanted[0]] = local['name'] if local else None
        members = _cluster.parse_nodes(found['members']) if exists and found['members'].ok else []
        member_names = {short(member['name']): member for member in members}

        strangers = sorted('%s (in cluster %s)' % (node, membership[node]) for node in wanted
                           if membership[node] and membership[node].lower() != name.lower())
        if strangers:
            raise PreconditionError(label, '%s already belong%s to another cluster; nothing was changed'
                                    % (', '.join(strangers), 's' if len(strangers) == 1 else ''),
                                    'Evict them from that cluster first (Remove-ClusterNode, or this module with '
                                    'evict on that cluster), or leave them out of nodes.')
        before = self._view(name, members)
        if not exists:
            return self._create(params, host, wanted, before)

        to_add = [node for node in wanted if short(node) not in member_names]
        to_evict = [member_names[short(node)]['name'] for node in params['evict'] if short(node) in member_names]
        if to_evict and len(to_evict) >= len(members) + len(to_add):
            raise PreconditionError(label, 'evicting %s would leave the cluster without nodes' % ', '.join(to_evict),
                                    'Keep at least one node; to remove a cluster, destroy it with Remove-Cluster.')
        warnings = []
        if params['static_address'] or params['ignore_network']:
            warnings.append('static_address and ignore_network apply when the cluster is created; cluster %s '
                            'exists, so they were not compared or changed.' % name)
        if not to_add and not to_evict:
            return self._outcome(False, before, before, warnings=warnings)
        after = self._view(name, [m for m in members if m['name'] not in to_evict]
                           + [{'name': node, 'state': 'Up'} for node in to_add])
        if self.check_mode:
            return self._outcome(True, before, after, added=to_add, evicted=to_evict, warnings=warnings)
        write = Batch('write')
        if to_add:
            write.call('add', 'Add-ClusterNode', {'Name': to_add, 'Cluster': name, 'NoStorage': True},
                       select=NODE_SELECT)
        if to_evict:
            write.call('evict', 'Remove-ClusterNode', {'Name': to_evict, 'Cluster': name, 'Force': True})
        write.call('final', 'Get-ClusterNode', {'Cluster': name}, select=NODE_SELECT)
        done = host.write(write)
        if done.failed_steps:
            step = done.failed_steps[0]
            self._raise_write_error(label, step, 'adding %s' % ', '.join(to_add) if step.id == 'add'
                                    else 'evicting %s' % ', '.join(to_evict), before)
        final = self._view(name, _cluster.parse_nodes(done['final']))
        return self._outcome(True, before, final, added=_as_members(to_add, final), evicted=to_evict,
                             warnings=warnings)

    def _create(self, params, host, wanted, before):
        name = params['name']
        after = self._view(name, [{'name': node, 'state': 'Up'} for node in wanted])
        warnings = []
        if params['evict']:
            warnings.append('cluster %s does not exist yet, so there is nothing to evict %s from.'
                            % (name, ', '.join(params['evict'])))
        if self.check_mode:
            return self._outcome(True, before, after, created=True, added=wanted, warnings=warnings)
        create = {'Name': name, 'Node': wanted, 'NoStorage': True,
                  'AdministrativeAccessPoint': ACCESS_POINTS[params['access_point']]}
        if params['static_address']:
            create['StaticAddress'] = params['static_address']
        if params['ignore_network']:
            create['IgnoreNetwork'] = params['ignore_network']
        write = Batch('write')
        write.call('create', 'New-Cluster', create, select=['Name'])
        write.call('final', 'Get-ClusterNode', {'Cluster': name}, select=NODE_SELECT)
        done = host.write(write)
        if done.failed_steps:
            self._raise_write_error('cluster %s' % name, done.failed_steps[0], 'creating it', before)
        final = self._view(name, _cluster.parse_nodes(done['final']))
        return self._outcome(True, before, final, created=True, added=_as_members(wanted, final), warnings=warnings)

    @staticmethod
    def _raise_write_error(label, step, what, before):
        categories = {error.category for error in step.errors}
        if 'PermissionDenied' in categories:
            fix = ('Give the account that runs the task (become_user) the right to create computer objects in the '
                   "nodes' OU, or prestage a disabled computer object with the cluster's name and grant that account "
                   'Full Control over it; or use access_point: dns.')
        elif 'ConnectionError' in categories:
            fix = 'Check that every node is on, reachable and resolves in DNS, then rerun.'
        else:
            fix = 'Fix the cause above and rerun: the module picks up from what exists.'
        _cluster.raise_step_error(label, step, '%s failed' % what, fix, cluster=before)

    @staticmethod
    def _view(name, members):
        return {'name': name, 'exists': bool(members),
                'nodes': sorted(({'name': member['name'], 'state': member['state']} for member in members),
                                key=lambda member: member['name'].lower())}

    @staticmethod
    def _outcome(changed, before, after, created=False, added=(), evicted=(), warnings=()):
        result = {'changed': changed, 'cluster': after, 'created': created, 'added': list(added),
                  'evicted': list(evicted)}
        if warnings:
            result['warnings'] = list(warnings)
        result['diff'] = {'before': before, 'after': after}
        return result
