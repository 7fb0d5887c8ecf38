# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.net_adapter: give a physical network adapter its role's name, found by MAC, description or name.

Every decision is in ``execute``: one read (Get-NetAdapter), the match in Python, at most one write
(Rename-NetAdapter). Virtual adapters are never matched: the host's vEthernet adapter of an external switch carries
its uplink's MAC address (NetworkingDsc #196), so a MAC would otherwise find two adapters.
"""

from __future__ import annotations

import re

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
)

SELECT = ['Name', 'InterfaceDescription', 'MacAddress', 'Status', 'LinkSpeed', 'Virtual']
MAC_RE = re.compile(r'^[0-9A-Fa-f]{2}([-:.]?[0-9A-Fa-f]{2}){5}$')


def normal_mac(value):
    """A MAC as Get-NetAdapter prints it: upper case, dash-separated."""
    digits = re.sub(r'[^0-9A-Fa-f]', '', str(value or '')).upper()
    return '-'.join(digits[index:index + 2] for index in range(0, len(digits), 2))


def _view(row):
    return {'name': row.get('Name'), 'interface_description': row.get('InterfaceDescription'),
            'mac': row.get('MacAddress'), 'status': row.get('Status'), 'link_speed': row.get('LinkSpeed')}


def _listing(rows):
    return '; '.join('%s (%s, %s)' % (row.get('Name'), row.get('MacAddress'), row.get('InterfaceDescription'))
                     for row in rows) or 'none'


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        mac=dict(type='str'),
        interface_description=dict(type='str'),
        current_name=dict(type='str'),
    )
    MUTUALLY_EXCLUSIVE = [('mac', 'interface_description', 'current_name')]

    def execute(self, params, host):
        name = params['name']
        label = 'network adapter %s' % name
        if not (params['mac'] or params['interface_description'] or params['current_name']):
            raise InvalidInputError(label, 'give one of mac, interface_description or current_name to find the '
                                    'adapter', 'A MAC address is the most stable choice.')
        if params['mac'] and not MAC_RE.match(params['mac']):
            raise InvalidInputError(label, 'mac %r is not a MAC address' % params['mac'],
                                    'Give it like 00-15-5D-01-02-03 (colons also work).')
        read = Batch('read')
        read.call('adapters', 'Get-NetAdapter', select=SELECT)
        found = host.read(read)
        if not found['adapters'].ok:
            _cluster.raise_step_error(label, found['adapters'], 'reading the adapters failed',
                                      'Check the node and rerun.')
        rows = found['adapters'].output
        physical = [row for row in rows if not row.get('Virtual')]
        if params['mac']:
            criterion = 'MAC address %s' % normal_mac(params['mac'])
            matches = [row for row in physical if normal_mac(row.get('MacAddress')) == normal_mac(params['mac'])]
        elif params['interface_description']:
            criterion = 'interface description %r' % params['interface_description']
            matches = [row for row in physical
                       if str(row.get('InterfaceDescription', '')).lower() == params['interface_description'].lower()]
        else:
            criterion = 'name %r' % params['current_name']
            matches = [row for row in physical if str(row.get('Name', '')).lower() == params['current_name'].lower()]
            if not matches and any(str(row.get('Name', '')).lower() == name.lower() for row in physical):
                # Renamed already: the adapter now has its new name.
                matches = [row for row in physical if str(row.get('Name', '')).lower() == name.lower()]
        if not matches:
            raise ObjectNotFoundError(label, 'no physical adapter has the %s' % criterion,
                                      'Adapters on %s: %s.' % (host.name, _listing(physical)))
        if len(matches) > 1:
            raise PreconditionError(label, '%d physical adapters have the %s' % (len(matches), criterion),
                                    'Match by MAC address instead. Candidates: %s.' % _listing(matches))
        adapter = matches[0]
        before = _view(adapter)
        if adapter.get('Name') == name:
            return {'changed': False, 'adapter': before, 'diff': {'before': before, 'after': before}}
        clash = [row for row in rows if str(row.get('Name', '')).lower() == name.lower() and row is not adapter]
        if clash:
            raise PreconditionError(label, 'another adapter is already named %s (%s)' % (name, _listing(clash)),
                                    'Rename that adapter first, or choose another name.')
        after = dict(before, name=name)
        if self.check_mode:
            return {'changed': True, 'adapter': after, 'diff': {'before': before, 'after': after}}
        write = Batch('write')
        write.call('rename', 'Rename-NetAdapter', {'Name': [adapter['Name']], 'NewName': name})
        write.call('final', 'Get-NetAdapter', {'Name': [name]}, select=SELECT)
        done = host.write(write)
        if done.failed_steps:
            _cluster.raise_step_error(label, done.failed_steps[0], 'renaming %s failed' % adapter['Name'],
                                      'Fix the cause and rerun.', adapter=before)
        final = _view(done['final'].first() or {})
        return {'changed': True, 'adapter': final, 'diff': {'before': before, 'after': final}}
