# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.vswitch: an external Hyper-V virtual switch of a given name on given adapters.

Every decision is in ``execute``: one read (the switch, the node's adapters, the VMs and the switches their adapters
use), the difference in Python, at most one write. The management vNIC is changed in place; adapters, embedded
teaming and the bandwidth mode are create-time properties, so changing them means removing the switch and creating
it again - refused while VMs use it, unless ``force``, which reconnects their adapters to the new switch.
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
)

BANDWIDTH = {'default': 'Default', 'weight': 'Weight', 'absolute': 'Absolute', 'none': 'None'}
SWITCH_SELECT = ['Name', 'SwitchType', 'AllowManagementOS', 'EmbeddedTeamingEnabled',
                 'NetAdapterInterfaceDescriptions', 'BandwidthReservationMode']


def _lower(values):
    return sorted(str(value).lower() for value in values or [])


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        adapters=dict(type='list', elements='str'),
        allow_management_os=dict(type='bool', default=False),
        embedded_teaming=dict(type='bool'),
        bandwidth_mode=dict(type='str', choices=list(BANDWIDTH)),
        force=dict(type='bool', default=False),
    )

    def execute(self, params, host):
        name = params['name']
        label = 'virtual switch %s on %s' % (name, host.name)
        present = params['state'] == 'present'
        if present and not params['adapters']:
            raise InvalidInputError(label, 'an external switch needs adapters', 'Give the names of the physical '
                                    'adapters it uses (hyperv.cluster.net_adapter names them by role).')
        read = Batch('read')
        read.call('switch', 'Get-VMSwitch', {'Name': name}, select=SWITCH_SELECT)
        read.call('adapters', 'Get-NetAdapter', {'Physical': True}, select=['Name', 'InterfaceDescription'])
        read.call('vms', 'Get-VM', select=['Name', 'NetworkAdapters.SwitchName'])
        found = host.read(read)
        for step_id in ('adapters', 'vms'):
            if not found[step_id].ok:
                _cluster.raise_step_error(label, found[step_id], 'reading %s failed' % step_id,
                                          'Check Hyper-V on the node.')
        # A missing switch is Get-VMSwitch's non-terminating error and no output.
        row = found['switch'].first() if found['switch'].output else None
        users = sorted(vm['Name'] for vm in found['vms'].output
                       if name.lower() in _lower(vm.get('NetworkAdapters.SwitchName')))
        before = self._view(row)
        if not present:
            if row is None:
                return self._outcome(False, before, before)
            self._refuse_with_vms(label, users, params['force'], 'removing it')
            after = self._view(None)
            if self.check_mode:
                return self._outcome(True, before, after, users)
            write = Batch('write')
            write.call('remove', 'Remove-VMSwitch', {'Name': [name], 'Force': True})
            self._run(host, write, label, before)
            return self._outcome(True, before, after, users)

        by_name = {str(adapter['Name']).lower(): adapter for adapter in found['adapters'].output}
        missing = [adapter for adapter in params['adapters'] if adapter.lower() not in by_name]
        if missing:
            raise ObjectNotFoundError(label, 'the node has no physical adapter named %s' % ', '.join(missing),
                                      'Its physical adapters: %s.' % (', '.join(
                                          adapter['Name'] for adapter in found['adapters'].output) or 'none'))
        teaming = params['embedded_teaming'] if params['embedded_teaming'] is not None else len(params['adapters']) > 1
        if len(params['adapters']) > 1 and not teaming:
            raise InvalidInputError(label, 'several adapters need embedded teaming (SET)',
                                    'Set embedded_teaming: true, or give one adapter.')
        descriptions = [by_name[adapter.lower()]['InterfaceDescription'] for adapter in params['adapters']]
        wanted = {'exists': True, 'name': name, 'switch_type': 'External', 'adapters': sorted(params['adapters']),
                  'adapter_descriptions': sorted(descriptions),
                  'allow_management_os': params['allow_management_os'], 'embedded_teaming': teaming,
                  'bandwidth_mode': params['bandwidth_mode'] or (before['bandwidth_mode'] if row else 'absolute')}
        if row is not None:
            recreate = [reason for reason, differs in (
                ('type', row.get('SwitchType') != 'External'),
                ('adapters', _lower(row.get('NetAdapterInterfaceDescriptions')) != _lower(descriptions)),
                ('embedded teaming', bool(row.get('EmbeddedTeamingEnabled')) != teaming),
                ('bandwidth mode', params['bandwidth_mode'] is not None
                 and BANDWIDTH[params['bandwidth_mode']] != row.get('BandwidthReservationMode'))) if differs]
            in_place = bool(row.get('AllowManagementOS')) != params['allow_management_os']
            if not recreate and not in_place:
                return self._outcome(False, before, before)
        else:
            recreate, in_place = ['new'], False
        after = dict(wanted)
        if recreate != ['new'] and recreate:
            self._refuse_with_vms(label, users, params['force'], 'changing its %s, which means creating it again'
                                  % ', '.join(recreate))
        if self.check_mode:
            return self._outcome(True, before, after, users if recreate and recreate != ['new'] else [])
        write = Batch('write')
        if recreate:
            if row is not None:
                write.call('remove', 'Remove-VMSwitch', {'Name': [name], 'Force': True})
            create = {'Name': name, 'NetAdapterName': list(params['adapters']),
                      'AllowManagementOS': params['allow_management_os'], 'EnableEmbeddedTeaming': teaming}
            if params['bandwidth_mode']:
                create['MinimumBandwidthMode'] = BANDWIDTH[params['bandwidth_mode']]
            write.call('create', 'New-VMSwitch', create, select=SWITCH_SELECT)
            if row is not None and users:
                write.call('reconnect', 'Connect-VMNetworkAdapter', {'VMName': users, 'SwitchName': name})
        else:
            write.call('set', 'Set-VMSwitch', {'Name': [name], 'AllowManagementOS': params['allow_management_os']})
        write.call('final', 'Get-VMSwitch', {'Name': name}, select=SWITCH_SELECT)
        done = self._run(host, write, label, before)
        final = self._view(done['final'].first(), adapters=params['adapters'])
        return self._outcome(True, before, final, users if recreate and row is not None else [])

    @staticmethod
    def _refuse_with_vms(label, users, force, what):
        if users and not force:
            raise PreconditionError(label, '%s would cut the network of the VMs that use it: %s; nothing was '
                                    'changed' % (what, ', '.join(users)),
                                    'Move or stop those VMs first, or set force: true (their adapters are '
                                    'reconnected to the new switch; they lose the network meanwhile).')

    @staticmethod
    def _run(host, write, label, before):
        done = host.write(write)
        if done.failed_steps:
            _cluster.raise_step_error(label, done.failed_steps[0], 'changing the switch failed',
                                      'Fix the cause and rerun.', switch=before)
        return done

    @staticmethod
    def _view(row, adapters=None):
        if not row:
            return {'exists': False}
        return {'exists': True, 'name': row.get('Name'), 'switch_type': row.get('SwitchType'),
                'adapter_descriptions': sorted(row.get('NetAdapterInterfaceDescriptions') or []),
                'allow_management_os': bool(row.get('AllowManagementOS')),
                'embedded_teaming': bool(row.get('EmbeddedTeamingEnabled')),
                'bandwidth_mode': str(row.get('BandwidthReservationMode') or '').lower() or None,
                **({'adapters': sorted(adapters)} if adapters else {})}

    @staticmethod
    def _outcome(changed, before, after, reconnected=()):
        result = {'changed': changed, 'switch': after, 'diff': {'before': before, 'after': after}}
        if reconnected:
            result['reconnected_vms'] = list(reconnected)
        return result
