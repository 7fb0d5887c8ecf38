# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.vm_role: make one VM a clustered role (or stop it being one) without touching the VM itself.

Every decision of the module is in ``execute``: one read, the plan in Python, at most one write.
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, ref
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
    WindowsCommandError,
)

# Get-VM -Name and the cluster cmdlets' -Name treat these as wildcards: such a name could select other VMs.
WILDCARD_CHARACTERS = ('*', '?', '[', ']')

VM_SELECT = ['Name', 'Id', 'State', 'ComputerName', 'IsClustered', 'Path', 'ConfigurationLocation',
             'HardDrives.Path']


def _vm_not_found(error):
    # Get-VM reports a missing VM as InvalidParameter / InvalidArgument ("Hyper-V was unable to find a virtual
    # machine with name ..."), not as ObjectNotFound.
    return error.error_id == 'InvalidParameter' and 'unable to find a virtual machine' in error.message


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        priority=dict(type='str', choices=list(_cluster.PRIORITIES)),
        preferred_owners=dict(type='list', elements='str'),
    )

    def execute(self, params, host):
        name = params['name']
        present = params['state'] == 'present'
        if not present and (params['priority'] is not None or params['preferred_owners'] is not None):
            raise InvalidInputError('VM %s' % name, 'priority and preferred_owners only apply with state=present',
                                    'Remove them from the task, or set state=present.')
        if any(char in name for char in WILDCARD_CHARACTERS):
            raise InvalidInputError('VM %s' % name, 'the name contains a wildcard character (%s), and Get-VM and the '
                                    'cluster cmdlets would match other VMs with it' % ' '.join(WILDCARD_CHARACTERS),
                                    'Rename the VM so that its name has none of these characters.')
        if params['preferred_owners'] == []:
            raise InvalidInputError('VM %s' % name, 'preferred_owners is an empty list, and Set-ClusterOwnerNode '
                                    'cannot set an empty owner list',
                                    'Omit preferred_owners to leave them as they are, or list the nodes.')

        read = Batch('read')
        _cluster.add_cluster_read(read)
        read.call('nodes', 'Get-ClusterNode', select=_cluster.NODE_SELECT)
        read.call('group', 'Get-ClusterGroup', {'Name': name}, select=_cluster.GROUP_SELECT)
        read.call('owners', 'Get-ClusterOwnerNode', {'Group': name}, select=['OwnerNodes'])
        if present:
            read.call('csvs', 'Get-ClusterSharedVolume', select=['Name', 'SharedVolumeInfo.FriendlyVolumeName'])
            read.call('vm', 'Get-VM', {'Name': name, 'ComputerName': ref('nodes', 'Name')}, select=VM_SELECT)
        found = host.read(read)

        cluster = _cluster.require_cluster(found, host.name, 'manage clustered VM roles', subject='VM %s' % name)
        nodes = [node['name'] for node in _cluster.parse_nodes(found['nodes'])]
        group = self._existing_group(found, name, cluster)
        before = self._describe(group, found['owners'] if group else None)

        if not present:
            if group is None:
                return self._outcome(False, name, cluster, before, before)
            write = Batch('write')
            write.call('remove', 'Remove-ClusterGroup', {'Name': name, 'RemoveResources': True, 'Force': True})
            after = self._describe(None, None)
            if not self.check_mode:
                self._write(host, write, name, 'unclustering the VM')
            return self._outcome(True, name, cluster, before, after)

        owners = self._wanted_owners(params['preferred_owners'], nodes, name, cluster)
        priority = _cluster.PRIORITIES[params['priority']] if params['priority'] else None
        write = Batch('write')
        if group is None:
            vm = self._vm_to_cluster(found, name, cluster)
            write.call('add', 'Add-ClusterVirtualMachineRole', {'VMId': vm['Id']}, select=_cluster.GROUP_SELECT)
            predicted = {'clustered': True, 'owner_node': _match(vm['ComputerName'], nodes),
                         'priority': _cluster.DEFAULT_PRIORITY, 'preferred_owners': []}
        else:
            predicted = dict(before)
        if priority is not None and priority != predicted['priority']:
            # Priority is a property of the ClusterGroup object (no cmdlet sets it); its setter commits.
            if group is not None:
                write.call('group', 'Get-ClusterGroup', {'Name': name})
            write.set('priority', 'group' if group is not None else 'add', {'Priority': priority})
            predicted['priority'] = priority
        if owners is not None and [o.lower() for o in owners] != [o.lower() for o in predicted['preferred_owners']]:
            write.call('owners', 'Set-ClusterOwnerNode', {'Group': name, 'Owners': owners})
            predicted['preferred_owners'] = owners

        if not len(write):
            return self._outcome(False, name, cluster, before, before)
        if self.check_mode:
            return self._outcome(True, name, cluster, before, predicted)
        write.call('final_group', 'Get-ClusterGroup', {'Name': name}, select=_cluster.GROUP_SELECT)
        write.call('final_owners', 'Get-ClusterOwnerNode', {'Group': name}, select=['OwnerNodes'])
        done = self._write(host, write, name, 'clustering the VM')
        after = self._describe(_cluster.parse_group(done['final_group'].first()), done['final_owners'])
        return self._outcome(True, name, cluster, before, after)

    # --- reading ------------------------------------------------------------------------------------------------

    @staticmethod
    def _existing_group(found, name, cluster):
        step = found['group']
        if step.not_found:
            return None
        if not step.ok:
            _cluster.raise_step_error('VM %s' % name, step, 'reading its cluster role failed')
        group = _cluster.parse_group(step.first())
        if group['group_type'] != 'VirtualMachine':
            raise PreconditionError(
                'VM %s' % name,
                "cluster %s already has a role named '%s', and it is a %s role, not a virtual machine"
                % (cluster['name'], group['name'], group['group_type']),
                'Rename the VM or the existing role; vm_role never changes roles that are not VMs.')
        return group

    @staticmethod
    def _describe(group, owners_step):
        if group is None:
            return {'clustered': False, 'owner_node': None, 'priority': None, 'preferred_owners': []}
        owners = []
        if owners_step is not None and owners_step.ok and owners_step.output:
            owners = list(owners_step.output[0].get('OwnerNodes') or [])
        return {'clustered': True, 'owner_node': group['owner_node'], 'priority': group['priority'],
                'preferred_owners': owners}

    @staticmethod
    def _wanted_owners(wanted, nodes, name, cluster):
        if wanted is None:
            return None
        unknown = [owner for owner in wanted if _match(owner, nodes) is None]
        if unknown:
            raise InvalidInputError('VM %s' % name, 'preferred owner(s) %s are not nodes of cluster %s'
                                    % (', '.join(unknown), cluster['name']),
                                    'Use node names from: %s.' % ', '.join(nodes))
        # Set-ClusterOwnerNode stores each node once, so compare (and send) the list without repeats.
        owners = []
        for owner in wanted:
            node = _match(owner, nodes)
            if node not in owners:
                owners.append(node)
        return owners

    @staticmethod
    def _vm_to_cluster(found, name, cluster):
        step = found['vm']
        vms = step.output
        unreachable = [error.target or error.message for error in step.errors if not _vm_not_found(error)]
        if not vms:
            searched = 'on any node of cluster %s' % cluster['name']
            if unreachable:
                searched += ' that could be searched (could not search: %s)' % ', '.join(unreachable)
            raise ObjectNotFoundError('VM %s' % name, 'no virtual machine of that name exists %s' % searched,
                                      'Check the name (Get-VM on the nodes), or create the VM first.')
        if len(vms) > 1:
            raise PreconditionError('VM %s' % name, 'several virtual machines have that name (on %s)'
                                    % ', '.join(vm['ComputerName'] for vm in vms),
                                    'Rename all but one so the role name identifies one VM.')
        vm = vms[0]
        csv_paths = [path for row in found['csvs'].output
                     for path in (row.get('SharedVolumeInfo.FriendlyVolumeName') or [])]
        files = [vm.get('Path'), vm.get('ConfigurationLocation')] + list(vm.get('HardDrives.Path') or [])
        local = sorted({path for path in files if _cluster.storage_location(path, csv_paths) == 'local'})
        if local:
            raise PreconditionError(
                'VM %s' % name,
                'its files are not on shared storage, so no other node could run it: %s' % ', '.join(local),
                'Move its storage to a Cluster Shared Volume (%s) or an SMB share first, for example with '
                'Move-VMStorage.' % (', '.join(csv_paths) or 'none configured'))
        return vm

    # --- writing ------------------------------------------------------------------------------------------------

    @staticmethod
    def _write(host, batch, name, what):
        done = host.write(batch)
        failed = done.failed_steps
        if failed:
            step = failed[0]
            completed = [s.cmdlet or 'set %s' % s.id for s in done if s.ok and _changes_something(s)]
            messages = '; '.join(error.message.strip() for error in step.errors)
            already = ' (already done: %s)' % ', '.join(completed) if completed else ''
            raise WindowsCommandError(
                'VM %s' % name,
                '%s failed at %s: %s%s' % (what, step.cmdlet or step.op, messages, already),
                'Fix the cause and rerun the task; it continues from the current state.',
                records=[error.to_dict() for error in step.errors],
                # What did succeed changed the cluster, and the task must say so.
                changed=bool(completed))
        return done

    @staticmethod
    def _outcome(changed, name, cluster, before, after):
        priority = after['priority']
        return {
            'changed': changed,
            'vm_role': {
                'name': name,
                'cluster': cluster['name'],
                'clustered': after['clustered'],
                'owner_node': after['owner_node'],
                'priority': priority,
                'priority_name': _cluster.PRIORITY_NAMES.get(priority, 'custom') if priority is not None else None,
                'preferred_owners': after['preferred_owners'],
            },
            'diff': {'before': before, 'after': after},
        }


def _changes_something(step):
    return step.op == 'set' or not (step.cmdlet or '').startswith('Get-')


def _match(name, names):
    for candidate in names:
        if _cluster.same_name(candidate, name):
            return candidate
    return None
