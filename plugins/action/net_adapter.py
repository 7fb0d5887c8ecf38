# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.net_adapter: give a physical network adapter its role's name, found by MAC, description or name,
and set its protocol bindings by component id.

Every decision is in ``execute``: one read (Get-NetAdapter, Get-NetAdapterBinding), the match and the differences in
Python, at most one write (Rename-NetAdapter, then Disable-/Enable-NetAdapterBinding on the adapter by its new name).
Virtual adapters are never matched: the host's vEthernet adapter of an external switch carries its uplink's MAC
address (NetworkingDsc #196), so a MAC would otherwise find two adapters.
"""

from __future__ import annotations

import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
)

SELECT = ['Name', 'InterfaceDescription', 'MacAddress', 'Status', 'LinkSpeed', 'Virtual']
BINDING_SELECT = ['Name', 'ComponentID', 'DisplayName', 'Enabled']
MAC_RE = re.compile(r'^[0-9A-Fa-f]{2}([-:.]?[0-9A-Fa-f]{2}){5}$')
# The Hyper-V Extensible Virtual Switch protocol: New-VMSwitch binds it, and refuses an adapter it is bound to already.
SWITCH_PROTOCOL = 'vms_pp'


def normal_mac(value):
    """A MAC as Get-NetAdapter prints it: upper case, dash-separated."""
    digits = re.sub(r'[^0-9A-Fa-f]', '', str(value or '')).upper()
    return '-'.join(digits[index:index + 2] for index in range(0, len(digits), 2))


def _view(row, bindings):
    return {'name': row.get('Name'), 'interface_description': row.get('InterfaceDescription'),
            'mac': row.get('MacAddress'), 'status': row.get('Status'), 'link_speed': row.get('LinkSpeed'),
            'bindings': {binding['ComponentID']: bool(binding.get('Enabled')) for binding in bindings}}


def _bindings_of(rows, adapter_name):
    return [row for row in rows if str(row.get('Name', '')).lower() == str(adapter_name).lower()]


def _listing(rows):
    return '; '.join('%s (%s, %s)' % (row.get('Name'), row.get('MacAddress'), row.get('InterfaceDescription'))
                     for row in rows) or 'none'


def _wanted_bindings(value, label):
    wanted = {}
    for component, enabled in (value or {}).items():
        try:
            wanted[str(component)] = boolean(enabled, strict=True)
        except TypeError as error:
            raise InvalidInputError(label, 'bindings.%s is %r, not true or false' % (component, enabled),
                                    'Give true to enable the binding, false to disable it.') from error
    return wanted


def _binding_changes(label, adapter_name, bindings, wanted):
    """{component id as the adapter has it: enabled} for the bindings to change; an unknown id is refused."""
    by_id = {str(row['ComponentID']).lower(): row for row in bindings}
    unknown = sorted(component for component in wanted if component.lower() not in by_id)
    if unknown:
        components = '; '.join('%s (%s)' % (row['ComponentID'], row.get('DisplayName')) for row in bindings)
        raise ObjectNotFoundError(label, 'adapter %s has no binding with the component id %s'
                                  % (adapter_name, ', '.join(unknown)),
                                  'Its components: %s.' % (components or 'none'))
    changes = {}
    for component, enabled in wanted.items():
        row = by_id[component.lower()]
        if bool(row.get('Enabled')) != enabled:
            changes[row['ComponentID']] = enabled
    return changes


def _switch_protocol_warnings(changes):
    if changes.get(SWITCH_PROTOCOL) is True:
        return ['Enabling %s (Hyper-V Extensible Virtual Switch) by hand makes New-VMSwitch refuse the adapter; '
                'leave it to hyperv.cluster.vswitch, which binds it when it creates the switch.' % SWITCH_PROTOCOL]
    if changes.get(SWITCH_PROTOCOL) is False:
        return ['Disabling %s cuts the adapter off its virtual switch: the switch and its VMs lose this uplink.'
                % SWITCH_PROTOCOL]
    return []


def _match(params, label, host, rows):
    """The one physical adapter the task's criterion finds among the adapters read."""
    name = params['name']
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
    return matches[0]


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        mac=dict(type='str'),
        interface_description=dict(type='str'),
        current_name=dict(type='str'),
        bindings=dict(type='dict'),
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
        wanted_bindings = _wanted_bindings(params['bindings'], label)
        read = Batch('read')
        read.call('adapters', 'Get-NetAdapter', select=SELECT)
        read.call('bindings', 'Get-NetAdapterBinding', select=BINDING_SELECT)
        found = host.read(read)
        for step_id in ('adapters', 'bindings'):
            if not found[step_id].ok:
                _cluster.raise_step_error(label, found[step_id], 'reading the adapters failed',
                                          'Check the node and rerun.')
        rows = found['adapters'].output
        adapter = _match(params, label, host, rows)
        bindings = _bindings_of(found['bindings'].output, adapter['Name'])
        before = _view(adapter, bindings)
        changes = _binding_changes(label, adapter['Name'], bindings, wanted_bindings)
        rename = adapter.get('Name') != name
        if not rename and not changes:
            return {'changed': False, 'adapter': before, 'diff': {'before': before, 'after': before}}
        clash = [row for row in rows if str(row.get('Name', '')).lower() == name.lower() and row is not adapter]
        if rename and clash:
            raise PreconditionError(label, 'another adapter is already named %s (%s)' % (name, _listing(clash)),
                                    'Rename that adapter first, or choose another name.')
        after = dict(before, name=name, bindings=dict(before['bindings'], **changes))
        result = {'changed': True, 'adapter': after, 'diff': {'before': before, 'after': after}}
        warnings = _switch_protocol_warnings(changes)
        if warnings:
            result['warnings'] = warnings
        if self.check_mode:
            return result
        write = Batch('write')
        if rename:
            write.call('rename', 'Rename-NetAdapter', {'Name': [adapter['Name']], 'NewName': name})
        # After the rename in this batch the adapter answers to its new name only.
        for step_id, cmdlet, enabled in (('unbind', 'Disable-NetAdapterBinding', False),
                                         ('bind', 'Enable-NetAdapterBinding', True)):
            components = sorted(component for component, value in changes.items() if value is enabled)
            if components:
                write.call(step_id, cmdlet, {'Name': [name], 'ComponentID': components})
        write.call('final', 'Get-NetAdapter', {'Name': [name]}, select=SELECT)
        write.call('final_bindings', 'Get-NetAdapterBinding', {'Name': [name]}, select=BINDING_SELECT)
        done = host.write(write)
        if done.failed_steps:
            _cluster.raise_step_error(label, done.failed_steps[0], 'changing %s failed' % adapter['Name'],
                                      'Fix the cause and rerun.', adapter=before)
        final = _view(done['final'].first() or {}, done['final_bindings'].output)
        # "Disabling and enabling a network adapter binding can automatically enable or disable other network adapter
        # bindings" (Microsoft): say so when Windows did not keep what was asked.
        reverted = sorted(component for component, enabled in changes.items()
                          if final['bindings'].get(component) is not enabled)
        if reverted:
            result.setdefault('warnings', []).append(
                'Windows did not keep the bindings %s of %s as asked; another binding change may have reverted them.'
                % (', '.join(reverted), name))
        result.update(adapter=final, diff={'before': before, 'after': final})
        return result
