# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.vm_migration: move one VM to a destination node, choosing the migration path itself.

Every decision of the module is in this file:

* which path the VM takes: ``choose_path`` (the decision table is its docstring);
* what must hold before anything changes: ``_check_preconditions``;
* what the one write batch of each path does: ``_forward_batch``;
* how a migration that failed is undone, from where the VM really is: ``_recover`` and ``_undo_batch``.

A run reads once (the source cluster, the VM, the destination and a Compare-VM pre-flight), decides in Python and
writes once. Only a failure costs more: a read to find the VM, a write to put it back, a read to report where it is.
"""

from __future__ import annotations

import re

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster, _hyperv
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, ref
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    OperationTimeoutError,
    PreconditionError,
    WindowsCommandError,
)

PATHS = ('none', 'cluster_live', 'cluster_quick', 'shared_nothing', 'cold')
# Without the Failover Clustering cmdlets a host is simply not in a cluster.
CLUSTER_READS = ('Get-Cluster', 'Get-ClusterNode', 'Get-ClusterSharedVolume', 'Get-ClusterGroup',
                 'Get-ClusterOwnerNode')
# What is compared to tell whether the VM ended where it should (priority, owners and path are reported only).
VERIFIED = ('host', 'state', 'clustered', 'cluster', 'owner_node')
_ABSOLUTE_PATH = re.compile(r'^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)')


def choose_path(on_destination, migration_type, clustered, same_cluster):
    """The migration path of a VM.

    ========================  ==========  =========  ============  ======================================
    VM already on the node    type        clustered  same cluster  path
    ========================  ==========  =========  ============  ======================================
    yes                       any         any        any           none
    no                        cold        any        any           cold
    no                        live        yes        yes           cluster_live (Move-ClusterVirtualMachineRole)
    no                        quick       yes        yes           cluster_quick
    no                        live        otherwise                shared_nothing (Move-VM)
    no                        quick       otherwise                refused: a quick migration is a cluster move
    ========================  ==========  =========  ============  ======================================

    "same cluster": the destination is a node of the cluster the VM is a role of. An unclustered VM inside a
    cluster therefore moves with Move-VM, leaving its files in place when the destination reaches them (CSVs of
    the same cluster, SMB shares), and stays unclustered.
    """
    if on_destination:
        return 'none'
    if migration_type == 'cold':
        return 'cold'
    if clustered and same_cluster:
        return 'cluster_%s' % migration_type
    if migration_type == 'quick':
        return None
    return 'shared_nothing'


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        destination=dict(type='str', required=True),
        type=dict(type='str', default='live', choices=['live', 'quick', 'cold']),
        cold_action=dict(type='str', choices=['shutdown', 'save']),
        destination_storage_path=dict(type='str'),
        timeout=dict(type='int', default=600),
        host_memory_reserve_mb=dict(type='int', default=2048),
    )

    def execute(self, params, host):
        self._validate(params)
        name = params['name']
        storage_root = params['destination_storage_path']
        found = host.read(self._read_batch(name, params['destination'], storage_root),
                          missing_ok=CLUSTER_READS)
        facts = Facts(found, params, host.name)
        warnings = []

        path = choose_path(facts.vm_on_destination, params['type'], facts.clustered, facts.same_cluster)
        if path is None:
            raise InvalidInputError(
                'VM %s' % name,
                'type=quick is a move of a clustered role inside its cluster, and %s' % facts.why_not_cluster_move(),
                'Use type=live (a shared-nothing live migration) or type=cold.')
        plan = Plan(path, facts, params)
        if path == 'none':
            return self._outcome(False, plan, plan.before, plan.before, 0, warnings)

        self._check_preconditions(plan, facts, params)
        warnings += plan.warnings + facts.preflight_warnings(plan)
        if self.check_mode:
            return self._outcome(True, plan, plan.before, plan.after, 0, warnings)

        done = host.write(self._forward_batch(plan, facts, params))
        duration = sum(step.elapsed_ms for step in done if step.id in plan.actions and not step.skipped)
        failed = next((step for step in done.failed_steps if step.id in plan.actions), None)
        placement = facts.placement(done, 'final_') if failed is None else None
        if placement is not None and _matches(placement, plan.after):
            return self._outcome(True, plan, plan.before, placement, duration, warnings)
        return self._recover(host, plan, facts, params, done, failed, placement, duration, warnings)

    # --- input ------------------------------------------------------------------------------------------------

    @staticmethod
    def _validate(params):
        name = params['name']
        for option in ('name', 'destination'):
            value = params[option]
            if not value.strip():
                raise InvalidInputError('VM %s' % name, '%s is empty' % option, 'Give the %s.' % option)
            if any(char in value for char in _hyperv.WILDCARD_CHARACTERS):
                raise InvalidInputError(
                    'VM %s' % name, 'the %s %s contains a wildcard character (%s), and the Hyper-V and cluster '
                    'cmdlets would match other objects with it'
                    % (option, value, ' '.join(_hyperv.WILDCARD_CHARACTERS)), 'Use the exact name.')
        if params['cold_action'] is not None and params['type'] != 'cold':
            raise InvalidInputError('VM %s' % name, 'cold_action only applies with type=cold',
                                    'Remove cold_action, or set type=cold.')
        root = params['destination_storage_path']
        if root is not None and not _ABSOLUTE_PATH.match(root):
            raise InvalidInputError('VM %s' % name, "destination_storage_path '%s' is not an absolute Windows path "
                                    'or a UNC path' % root,
                                    'Give a folder such as C:\\ClusterStorage\\Volume1 or \\\\server\\share\\vms.')
        if params['timeout'] < 1:
            raise InvalidInputError('VM %s' % name, 'timeout must be at least 1 second, not %d' % params['timeout'],
                                    'Give the number of seconds a cluster move may take.')
        if params['host_memory_reserve_mb'] < 0:
            raise InvalidInputError('VM %s' % name, 'host_memory_reserve_mb cannot be negative',
                                    'Give 0 or more megabytes.')

    # --- the one read -----------------------------------------------------------------------------------------

    @staticmethod
    def _read_batch(name, destination, storage_root):
        """Everything every path needs: the source cluster and the VM in it (or on this standalone host), the
        destination (its cluster, if any, its host, switches and VMs), and Compare-VM's pre-flight report."""
        batch = Batch('read')
        _cluster.add_cluster_read(batch)
        batch.call('nodes', 'Get-ClusterNode', select=_cluster.NODE_SELECT)
        batch.call('csvs', 'Get-ClusterSharedVolume', select=['Name', 'SharedVolumeInfo.FriendlyVolumeName'])
        batch.call('group', 'Get-ClusterGroup', {'Name': name}, select=_cluster.GROUP_SELECT)
        batch.call('owners', 'Get-ClusterOwnerNode', {'Group': name}, select=['OwnerNodes'])
        # The VM on every node of this host's cluster; on a standalone host, 'vm' cannot bind (no nodes) and
        # 'vm_local' finds it. The steps that need the VM's host follow both.
        batch.call('vm', 'Get-VM', {'Name': name, 'ComputerName': ref('nodes', 'Name')}, select=_hyperv.VM_SELECT)
        batch.call('vm_local', 'Get-VM', {'Name': name}, select=_hyperv.VM_SELECT)
        batch.call('here', 'Get-VMHost', select=_hyperv.VMHOST_SELECT)
        batch.call('src_host', 'Get-VMHost', {'ComputerName': ref('vm', 'ComputerName')},
                   select=_hyperv.VMHOST_SELECT)
        batch.call('processor', 'Get-VMProcessor', {'VMName': name, 'ComputerName': ref('vm', 'ComputerName')},
                   select=_hyperv.PROCESSOR_SELECT)
        batch.call('processor_local', 'Get-VMProcessor', {'VMName': name}, select=_hyperv.PROCESSOR_SELECT)
        compare = {'Name': name, 'DestinationHost': destination, 'IncludeStorage': True}
        if storage_root is not None:
            compare['DestinationStoragePath'] = _hyperv.join_path(storage_root, name)
        batch.call('compare', 'Compare-VM', dict(compare, ComputerName=ref('vm', 'ComputerName')),
                   select=_hyperv.COMPARE_SELECT)
        batch.call('compare_local', 'Compare-VM', compare, select=_hyperv.COMPARE_SELECT)
        # The destination: a node name reaches its cluster (-Cluster / Get-Cluster -Name).
        batch.call('dest_cluster', 'Get-Cluster', {'Name': destination}, select=_cluster.CLUSTER_SELECT)
        batch.call('dest_nodes', 'Get-ClusterNode', {'Cluster': destination}, select=_cluster.NODE_SELECT)
        batch.call('dest_csvs', 'Get-ClusterSharedVolume', {'Cluster': destination},
                   select=['Name', 'SharedVolumeInfo.FriendlyVolumeName'])
        batch.call('dest_group', 'Get-ClusterGroup', {'Cluster': destination, 'Name': name},
                   select=_cluster.GROUP_SELECT)
        batch.call('dest_owners', 'Get-ClusterOwnerNode', {'Cluster': destination, 'Group': name},
                   select=['OwnerNodes'])
        batch.call('dest_host', 'Get-VMHost', {'ComputerName': destination}, select=_hyperv.VMHOST_SELECT)
        batch.call('dest_switches', 'Get-VMSwitch', {'ComputerName': destination}, select=_hyperv.SWITCH_SELECT)
        batch.call('dest_vms', 'Get-VM', {'ComputerName': destination}, select=_hyperv.VM_MEMORY_SELECT)
        batch.call('dest_vm', 'Get-VM', {'Name': name, 'ComputerName': destination}, select=_hyperv.VM_SELECT)
        return batch

    # --- preconditions: each its own error, all before anything changes ---------------------------------------

    @staticmethod
    def _check_preconditions(plan, facts, params):
        name, dest = facts.name, plan.destination
        vm = facts.vm
        if facts.vm['is_clustered'] and facts.group is None:
            raise PreconditionError(
                'VM %s' % name, 'it is clustered, but cluster %s has no virtual machine role named %s'
                % (facts.vm_cluster_name or '?', name),
                'vm_migration finds a VM\'s role by the VM\'s name: rename the role to %s.' % name)

        # The destination exists and is Up.
        state = facts.dest_node_state
        if state is None:
            raise ObjectNotFoundError(
                'destination %s' % facts.dest_arg,
                'no Hyper-V host of that name could be reached (%s)' % facts.dest_errors(),
                'Check the name, and that the node is powered on and runs Hyper-V.')
        if state != 'Up':
            why = {'Paused': 'is Paused (it is in maintenance and accepts no roles)',
                   'Down': 'is Down'}.get(state, 'is %s, not Up' % state)
            raise PreconditionError(
                'destination %s' % dest, 'node %s of cluster %s %s' % (dest, facts.dest_cluster_name, why),
                'Resume the node (hyperv.cluster.cluster_node, or Resume-ClusterNode) or bring it up, or choose '
                'another destination.')
        if facts.dest_vmhost is None:
            raise PreconditionError(
                'destination %s' % dest, 'its Hyper-V host could not be read (%s)' % facts.dest_errors(),
                'Check that the Hyper-V Virtual Machine Management service runs on %s.' % dest)

        # Enough free memory on the destination.
        if plan.after['state'] in _hyperv.RUNNING_STATES:
            needed = _hyperv.memory_needed_mb(vm)
            free = _hyperv.free_memory_mb(facts.dest_vmhost, facts.dest_vm_rows)
            reserve = params['host_memory_reserve_mb']
            if free - needed < reserve:
                raise PreconditionError(
                    'destination %s' % dest,
                    'not enough free memory for VM %s: it needs %d MB, and %s has %d MB free (%d MB installed) of '
                    'which %d MB are kept for the host (host_memory_reserve_mb)'
                    % (name, needed, dest, max(free, 0), facts.dest_vmhost['memory_capacity_mb'] or 0, reserve),
                    'Free memory on %s, choose another destination, or lower host_memory_reserve_mb.' % dest)

        # A switch of the same name on the destination for every network adapter.
        if facts.dest_switches is None:
            raise WindowsCommandError('destination %s' % dest, 'reading its virtual switches failed: %s'
                                      % facts.step_messages('dest_switches'))
        have = {switch.lower() for switch in facts.dest_switches}
        missing = sorted({switch for switch in vm['switches'] if switch.lower() not in have})
        if missing:
            raise PreconditionError(
                'destination %s' % dest,
                'VM %s is connected to virtual switch(es) %s, and %s has no switch of that name (it has: %s)'
                % (name, ', '.join(missing), dest, ', '.join(sorted(facts.dest_switches)) or 'none'),
                'Create the switch on %s (the cluster_prereqs role does), or connect the VM to a switch both '
                'hosts have.' % dest)

        # Nothing of the same name (or Id) at the destination.
        if not facts.same_cluster:
            for row in facts.dest_vm_rows:
                if row.get('Id') == vm['id']:
                    raise PreconditionError(
                        'destination %s' % dest, 'a virtual machine with the Id of VM %s (%s) is already registered '
                        'there, as %s' % (name, vm['id'], row.get('Name')),
                        'Remove the stale registration from %s (Remove-VM keeps the files), then rerun.' % dest)
            role = facts.dest_role
            if role is not None:
                raise PreconditionError(
                    'destination %s' % dest, "cluster %s already has a role named '%s' (a %s role owned by %s)"
                    % (facts.dest_cluster_name, name, role['group_type'], role['owner_node']),
                    'Rename or remove that role first; two roles cannot share a name in one cluster.')
        if facts.dest_vm_clash is not None:
            raise PreconditionError(
                'destination %s' % dest, 'it already has another virtual machine named %s (Id %s)'
                % (name, facts.dest_vm_clash['id']),
                'Rename one of the two VMs; vm_migration refuses to create a second VM of the same name.')

        # Live migration is enabled on both hosts (Move-VM).
        if plan.uses_move_vm:
            for role, vmhost, host_name in (('source', facts.src_vmhost, plan.source),
                                            ('destination', facts.dest_vmhost, dest)):
                if vmhost is not None and not vmhost['migration_enabled']:
                    raise PreconditionError(
                        '%s %s' % (role, host_name), 'live migration is not enabled on it '
                        '(VirtualMachineMigrationEnabled is false), so Move-VM cannot move VM %s' % name,
                        'Enable it (Enable-VMMigration; the cluster_prereqs role does) on %s.' % host_name)

        # A VM that stays a clustered role needs its files where every node of the cluster reaches them.
        if plan.recluster and plan.storage_moved:
            location = _cluster.storage_location(plan.after['path'], facts.dest_csvs)
            if location == 'local':
                raise PreconditionError(
                    'VM %s' % name,
                    'it would be clustered again in cluster %s, but its files would go to %s, which is local to %s'
                    % (facts.dest_cluster_name, plan.after['path'], dest),
                    'Give destination_storage_path on a Cluster Shared Volume of %s (%s) or an SMB share.'
                    % (facts.dest_cluster_name, ', '.join(facts.dest_csvs) or 'none configured'))

        # A processor the VM can run on without a restart.
        if plan.live_at_move:
            for problem in facts.incompatibilities:
                if problem['message_id'] == _hyperv.INCOMPATIBLE_PROCESSOR:
                    compat = facts.processor_compat
                    hint = ('processor compatibility is already on for the VM, so the processors differ in vendor'
                            if compat else 'processor compatibility for migration is off for the VM')
                    raise PreconditionError(
                        'destination %s' % dest,
                        "its processor cannot run VM %s without a restart (Compare-VM: %s); %s"
                        % (name, problem['message'], hint),
                        'Use type=cold with cold_action=shutdown. Between processors of one vendor, turning on '
                        'processor compatibility (Set-VMProcessor -CompatibilityForMigrationEnabled $true, with '
                        'the VM off) also allows a live migration.')

    # --- the one write ----------------------------------------------------------------------------------------

    @staticmethod
    def _forward_batch(plan, facts, params):
        """The migration as one write batch; the final reads tell where the VM ended."""
        name, vm = facts.name, facts.vm
        batch = Batch('write')
        src_computer = vm['computer_name']
        if plan.cluster_move:
            kind = {'cluster_live': 'Live', 'cluster_quick': 'Quick'}.get(plan.path)
            if kind is None:   # cold inside the cluster: Windows shuts down (or saves) the guest around the move
                kind = 'Quick' if plan.cold_action == 'save' else 'Shutdown'
            if plan.before['state'] not in _hyperv.RUNNING_STATES:
                # Nothing runs, so nothing to migrate live or shut down: the role just changes owner.
                kind = 'Quick'
            batch.call('move', 'Move-ClusterVirtualMachineRole',
                       {'Name': name, 'Node': plan.destination, 'MigrationType': kind, 'Wait': params['timeout']},
                       select=_cluster.GROUP_SELECT)
        else:
            if plan.path == 'cold' and plan.before['state'] in _hyperv.RUNNING_STATES:
                if plan.cold_action == 'save':
                    batch.call('stop', 'Save-VM', {'Name': name, 'ComputerName': src_computer})
                else:
                    batch.call('stop', 'Stop-VM', {'Name': name, 'ComputerName': src_computer, 'Force': True})
            if plan.before['clustered']:
                batch.call('uncluster', 'Remove-ClusterGroup', {'Name': name, 'RemoveResources': True,
                                                                'Force': True})
            move = {'Name': name, 'ComputerName': src_computer, 'DestinationHost': facts.dest_arg}
            if plan.storage_moved:
                move.update(IncludeStorage=True, DestinationStoragePath=plan.after['path'])
            batch.call('move', 'Move-VM', move)
            if plan.recluster:
                _add_role(batch, '', facts.dest_cluster_name, name, vm['id'], plan.after['priority'],
                          plan.after['preferred_owners'])
        if plan.restart:
            batch.call('start', 'Start-VM', {'Name': name, 'ComputerName': facts.dest_arg})
        plan.actions = list(batch.ids)
        facts.add_placement_reads(batch, 'final_', hosts=[facts.dest_arg],
                                  source_cluster=plan.after['clustered'] and facts.same_cluster,
                                  destination_cluster=plan.after['clustered'] and not facts.same_cluster)
        return batch

    # --- failure: cancel, find the VM, put it back, say where it is -------------------------------------------

    def _recover(self, host, plan, facts, params, done, failed, placement, duration, warnings):
        name = facts.name
        changed = _any_change(done)
        move = done['move']
        # With -Wait N, Move-ClusterVirtualMachineRole returns after N seconds with the move still in progress and
        # the role still owned by the source: the group it returns says so.
        timed_out = (move.ok and move.cmdlet == 'Move-ClusterVirtualMachineRole' and move.output
                     and not _hyperv.same_host(move.output[0].get('OwnerNode'), plan.destination))
        if timed_out:
            cause = ('Move-ClusterVirtualMachineRole did not finish within %d seconds (timeout)'
                     % params['timeout'])
        elif failed is not None:
            cause = '%s failed: %s' % (failed.cmdlet or failed.id, _messages(failed))
        elif placement is None:
            cause = 'reading the VM on %s after the move did not find it there' % plan.destination
        else:
            cause = 'the VM ended %s instead of %s' % (_where(placement), _where(plan.after))
        steps_done = [step.cmdlet or 'set %s' % step.id for step in done
                      if step.id in plan.actions and step.ok and not (timed_out and step.id == 'move')]
        story = ['the %s migration from %s to %s stopped: %s' % (plan.path, plan.source, plan.destination, cause)]
        if steps_done:
            story.append('done before that: %s' % ', '.join(steps_done))

        if timed_out:
            cancel = Batch('write').call('cancel', 'Move-ClusterVirtualMachineRole', {'Name': name, 'Cancel': True})
            cancelled = host.write(cancel)
            changed = changed or cancelled['cancel'].ok
            story.append('the move was cancelled' if cancelled['cancel'].ok
                         else 'cancelling the move failed: %s' % _messages(cancelled['cancel']))

        located = self._locate(host, facts)
        if located['found'] and _matches(located, plan.after):
            # The VM is where it was asked to be (a move that reported an error, or that finished after the
            # timeout, did complete): that is success, with a warning.
            warnings.append('VM %s: %s; the VM nevertheless ended on %s as asked.' % (name, story[0], plan.destination))
            return self._outcome(True, plan, plan.before, located, duration, warnings)

        undo = self._undo_batch(plan, facts, params, located)
        if undo is not None:
            undone = host.write(undo)
            changed = changed or _any_change(undone)
            failed_undo = undone.failed_steps[0] if undone.failed_steps else None
            if failed_undo is None:
                story.append('to restore it: %s' % ', '.join(step.cmdlet or 'set %s' % step.id for step in undone))
            else:
                story.append('restoring it failed at %s: %s' % (failed_undo.cmdlet or failed_undo.id,
                                                                _messages(failed_undo)))
            located = self._locate(host, facts)

        restored = located['found'] and _matches(located, plan.before)
        if not located['found']:
            where = self._lost(located, plan)
        elif located['copies'] > 1:
            where = 'registered %d times, on %s' % (located['copies'], ', '.join(located['hosts']))
        else:
            where = _where(located)
        message = '%s. VM %s is now %s%s' % ('; '.join(story), name, where, ', as before the task' if restored else '')
        fix = ('Fix the cause and rerun the task.' if restored else
               'Check the VM on %s and %s; when the cause is fixed, rerun the task (it starts from where the VM is).'
               % (plan.source, plan.destination))
        if not restored and plan.before['clustered'] and not (located['found'] and located['clustered']):
            fix += (' It was a clustered role of %s (priority %s, preferred owners %s): make it one again with '
                    'hyperv.cluster.vm_role once it is reachable.'
                    % (plan.before['cluster'], plan.before['priority'],
                       ', '.join(plan.before['preferred_owners']) or 'none'))
        error_class = OperationTimeoutError if timed_out else WindowsCommandError
        result = self._outcome(changed, plan, plan.before, located if located['found'] else plan.before, duration,
                               warnings)
        result.pop('diff')
        records = [error.to_dict() for error in failed.errors] if failed is not None else []
        if error_class is WindowsCommandError:
            raise WindowsCommandError('VM %s' % name, message, fix, records=records, **result)
        raise error_class('VM %s' % name, message, fix, **result)

    @staticmethod
    def _locate(host, facts):
        batch = Batch('read')
        facts.add_placement_reads(batch, 'where_', hosts=facts.all_hosts(), source_cluster=True,
                                  destination_cluster=True)
        located = host.read(batch, missing_ok=CLUSTER_READS)
        return facts.placement(located, 'where_', strict=False)

    @staticmethod
    def _undo_batch(plan, facts, params, located):
        """Bring the VM back to its source, clustered as before (same priority and preferred owners) and running if
        it ran, from wherever the failure left it. None when there is nothing to do, or nothing that can be done
        (the VM cannot be seen, or a failover put it on a third node)."""
        if not located['found'] or located['copies'] != 1:
            return None
        name, vm, before = facts.name, facts.vm, plan.before
        batch = Batch('write')
        at_source = _hyperv.same_host(located['host'], plan.source)
        clustered_at_source = located['clustered'] and at_source
        running = located['state'] in _hyperv.RUNNING_STATES
        if not at_source:
            if not _hyperv.same_host(located['host'], plan.destination):
                return None
            if plan.cluster_move or plan.path in ('cluster_live', 'cluster_quick'):
                batch.call('back', 'Move-ClusterVirtualMachineRole',
                           {'Name': name, 'Node': plan.source, 'MigrationType': 'Live' if running else 'Quick',
                            'Wait': params['timeout']}, select=_cluster.GROUP_SELECT)
                clustered_at_source = located['clustered']
            else:
                if located['clustered']:
                    batch.call('uncluster_back', 'Remove-ClusterGroup',
                               {'Cluster': located['cluster'], 'Name': name, 'RemoveResources': True, 'Force': True})
                back = {'Name': name, 'ComputerName': facts.dest_arg, 'DestinationHost': vm['computer_name']}
                if plan.storage_moved:
                    back.update(IncludeStorage=True, DestinationStoragePath=before['path'])
                batch.call('back', 'Move-VM', back)
        if before['clustered'] and not clustered_at_source:
            _add_role(batch, 'back_', None, name, vm['id'], before['priority'], before['preferred_owners'])
        if before['state'] in _hyperv.RUNNING_STATES and not running:
            batch.call('restart', 'Start-VM', {'Name': name, 'ComputerName': vm['computer_name']})
        return batch if len(batch) else None

    @staticmethod
    def _lost(located, plan):
        """Where the VM is when no host that answered has it: on a host that did not answer."""
        unreachable = located['unreachable']
        text = ('not visible on any host that could be searched (not reachable: %s)'
                % (', '.join(unreachable) or 'none'))
        if any(_hyperv.same_host(host, plan.source) for host in unreachable):
            text += '; it is still registered on %s' % plan.source
            if plan.before['clustered'] and plan.uses_move_vm:
                text += ', not clustered'
        return text

    # --- the result -------------------------------------------------------------------------------------------

    @staticmethod
    def _outcome(changed, plan, before, after, duration, warnings):
        result = {
            'changed': changed,
            'migration': {
                'path': plan.path,
                'source': plan.source,
                'destination': plan.destination,
                'duration_ms': duration,
                'storage_moved': plan.storage_moved,
                'vm': _public(after),
            },
            'diff': {'before': _diffable(before), 'after': _diffable(after)},
        }
        if warnings:
            result['warnings'] = list(warnings)
        return result


class Facts:
    """What the one read found, interpreted: the source cluster, the VM, the destination."""

    def __init__(self, found, params, host_name):
        self.name = params['name']
        self.dest_arg = params['destination']
        self.dest_cluster_error = ''
        self.cluster_cmdlets_missing = False
        self.vm = None
        self._found = found
        self.src_cluster = _cluster.parse_cluster(found, host_name)
        self.src_nodes = _cluster.parse_nodes(found['nodes']) if self.src_cluster else []
        self.src_csvs = _csv_paths(found['csvs']) if self.src_cluster else []
        self.here = _first_vmhost(found['here'])

        self.dest_cluster = self._dest_cluster(found['dest_cluster'])
        self.dest_nodes = _cluster.parse_nodes(found['dest_nodes']) if self.dest_cluster else []
        self.dest_csvs = _csv_paths(found['dest_csvs']) if self.dest_cluster else []
        self.dest_vmhost = _first_vmhost(found['dest_host'])
        self.dest_switches = ([row['Name'] for row in found['dest_switches'].output]
                              if found['dest_switches'].ok or found['dest_switches'].output else None)
        self.dest_vm_rows = found['dest_vms'].output
        self.same_cluster = bool(self.src_cluster) and self._in_source_cluster(self.dest_arg)
        if self.same_cluster:
            self.dest_cluster, self.dest_nodes, self.dest_csvs = self.src_cluster, self.src_nodes, self.src_csvs
        self.known_hosts = ([node['name'] for node in self.src_nodes] + [node['name'] for node in self.dest_nodes]
                            + [vmhost['name'] for vmhost in (self.here, self.dest_vmhost) if vmhost])
        self.destination = _hyperv.spelled_as(self.dest_arg, self.known_hosts)

        self.vm, self.vm_on_destination, self.dest_vm_clash = self._find_vm(found)
        self.vm_host = _hyperv.spelled_as(self.vm['computer_name'], self.known_hosts)
        local = self.src_cluster is None
        self.src_vmhost = _first_vmhost(found['here'] if local else found['src_host'])
        processor = found['processor_local' if local else 'processor'].first() or {}
        self.processor_compat = processor.get('CompatibilityForMigrationEnabled')
        compare = found['compare_local' if local else 'compare']
        self.incompatibilities = _hyperv.parse_incompatibilities(compare)
        self.compare_errors = [error.message.strip() for error in compare.errors if not error.is_binding_error]

        self.group, self.owners = self._group(found['group'], found['owners'])
        # Any role of the VM's name in the destination's cluster: the VM's own when it is already there, else a
        # name clash.
        self.dest_role = None
        if self.same_cluster:
            self.dest_group, self.dest_owners = self.group, self.owners
        else:
            step = found['dest_group']
            self.dest_role = _cluster.parse_group(step.output[0]) if step.ok and step.output else None
            self.dest_group, self.dest_owners = None, []
            if self.dest_role is not None and self.dest_role['group_type'] == 'VirtualMachine':
                self.dest_group = self.dest_role
                owners = found['dest_owners']
                self.dest_owners = list((owners.first() or {}).get('OwnerNodes') or []) if owners.ok else []

    def preflight_warnings(self, plan):
        """What Compare-VM reported beyond what the preconditions check (a processor, a switch, an Id): Windows
        may know of more, and Move-VM fails (and is undone) if they matter."""
        if not plan.uses_move_vm:
            return []
        known = (_hyperv.INCOMPATIBLE_PROCESSOR, _hyperv.INCOMPATIBLE_SWITCH, _hyperv.SAME_ID_ON_DESTINATION)
        notes = ['%s (%s)' % (problem['message'], problem['message_id']) for problem in self.incompatibilities
                 if problem['message_id'] not in known]
        notes += ['Compare-VM failed: %s' % message for message in self.compare_errors]
        if not notes:
            return []
        return ['VM %s: the pre-flight check of the move to %s reported: %s.'
                % (self.name, plan.destination, '; '.join(notes))]

    # reading the destination

    def _dest_cluster(self, step):
        if step.ok and step.output:
            row = step.output[0]
            return {'name': row['Name'], 'domain': row.get('Domain'), 'id': row.get('Id'),
                    'shared_volumes_root': row.get('SharedVolumesRoot')}
        if _cluster.is_not_clustered(step) or not step.errors:
            self.dest_cluster_error = '; '.join(error.message.strip() for error in step.errors)
            self.cluster_cmdlets_missing = any(error.is_command_not_found for error in step.errors)
            return None
        _cluster.raise_step_error('destination %s' % self.dest_arg, step, 'reading its cluster failed')
        return None

    def _in_source_cluster(self, name):
        return any(_hyperv.same_host(node['name'], name) for node in self.src_nodes)

    @property
    def dest_cluster_name(self):
        return self.dest_cluster['name'] if self.dest_cluster else None

    @property
    def dest_node_state(self):
        """Up, Paused, Down... for a cluster node; Up for a standalone host that answered; None if not found."""
        for node in self.dest_nodes:
            if _hyperv.same_host(node['name'], self.dest_arg):
                return node['state']
        return 'Up' if self.dest_vmhost is not None else None

    def dest_errors(self):
        parts = []
        for step_id in ('dest_host', 'dest_cluster'):
            messages = self.step_messages(step_id)
            if messages:
                parts.append('%s: %s' % (self._found[step_id].cmdlet, messages))
        return '; '.join(parts) or 'no answer'

    def step_messages(self, step_id):
        return '; '.join(error.message.strip() for error in self._found[step_id].errors)

    # finding the VM

    def _find_vm(self, found):
        """The one VM to move, whether it is already on the destination, and another VM of its name there."""
        source_step = found['vm'] if self.src_cluster else found['vm_local']
        dest_step = found['dest_vm']
        candidates = {}
        for row in source_step.output + dest_step.output:
            if not _cluster.same_name(row.get('Name'), self.name):
                continue
            vm = _hyperv.parse_vm(row)
            candidates.setdefault((vm['id'], _hyperv.short_name(vm['computer_name'])), vm)
        vms = list(candidates.values())
        at_destination = [vm for vm in vms if _hyperv.same_host(vm['computer_name'], self.dest_arg)]
        elsewhere = [vm for vm in vms if vm not in at_destination]
        if not vms:
            searched = ('on any node of cluster %s' % self.src_cluster['name'] if self.src_cluster
                        else 'on this host')
            unreachable = _hyperv.unreachable_hosts(source_step) + _hyperv.unreachable_hosts(dest_step)
            searched += ' or on %s' % self.dest_arg
            if unreachable:
                searched += ' (could not search: %s)' % ', '.join(unreachable)
            raise ObjectNotFoundError(
                'VM %s' % self.name, 'no virtual machine of that name exists %s' % searched,
                'Check the name (Get-VM), and run the task on a node of the cluster the VM is in, or on the '
                'standalone host that runs it.')
        if len(elsewhere) > 1 or (len(elsewhere) == 1 and at_destination and self.same_cluster):
            raise PreconditionError('VM %s' % self.name, 'several virtual machines have that name (on %s)'
                                    % ', '.join(vm['computer_name'] for vm in vms),
                                    'Rename all but one, so that the name identifies one VM.')
        if len(at_destination) > 1:
            raise PreconditionError('VM %s' % self.name, 'several virtual machines of that name are on %s'
                                    % self.dest_arg, 'Rename all but one.')
        if elsewhere:
            return elsewhere[0], False, at_destination[0] if at_destination else None
        return at_destination[0], True, None

    def _group(self, group_step, owners_step):
        if not group_step.ok or not group_step.output:
            return None, []
        group = _cluster.parse_group(group_step.output[0])
        if group['group_type'] != 'VirtualMachine':
            if self.vm is not None and self.vm['is_clustered']:
                raise PreconditionError(
                    'VM %s' % self.name, "the cluster has a role named '%s', and it is a %s role, not a virtual "
                    'machine' % (group['name'], group['group_type']),
                    'Rename the VM or the other role; vm_migration never moves roles that are not VMs.')
            return None, []
        owners = list((owners_step.first() or {}).get('OwnerNodes') or []) if owners_step.ok else []
        return group, owners

    @property
    def vm_cluster_name(self):
        if self._host_in(self.vm_host, self.src_nodes):
            return self.src_cluster['name']
        if self._host_in(self.vm_host, self.dest_nodes):
            return self.dest_cluster_name
        return None

    @staticmethod
    def _host_in(host, nodes):
        return any(_hyperv.same_host(node['name'], host) for node in nodes)

    @property
    def clustered(self):
        return self.vm['is_clustered']

    def why_not_cluster_move(self):
        if not self.clustered:
            return 'VM %s is not a clustered role' % self.name
        return ('the destination %s is not a node of cluster %s' % (self.dest_arg, self.vm_cluster_name))

    def describe_vm(self):
        """The VM as it is now, where it is now."""
        vm = self.vm
        in_source = self._host_in(self.vm_host, self.src_nodes)
        group, owners = (self.group, self.owners) if in_source else (self.dest_group, self.dest_owners)
        clustered = vm['is_clustered']
        return {
            'name': vm['name'], 'id': vm['id'], 'host': self.vm_host, 'state': vm['state'],
            'clustered': clustered, 'cluster': self.vm_cluster_name,
            'owner_node': self.spelled(group['owner_node']) if clustered and group else None,
            'priority': group['priority'] if clustered and group else None,
            'preferred_owners': list(owners) if clustered and group else [],
            'path': vm['path'],
        }

    def spelled(self, host):
        return _hyperv.spelled_as(host, self.known_hosts) if host else host

    # finding the VM again, after a write

    def all_hosts(self):
        """Where the VM can be after a migration of any outcome: the nodes of its cluster (or its host) and the
        destination."""
        hosts = [node['name'] for node in self.src_nodes] or [self.vm['computer_name']]
        if not any(_hyperv.same_host(host, self.vm['computer_name']) for host in hosts):
            hosts.append(self.vm['computer_name'])
        if not any(_hyperv.same_host(host, self.dest_arg) for host in hosts):
            hosts.append(self.dest_arg)
        return hosts

    def add_placement_reads(self, batch, prefix, hosts, source_cluster, destination_cluster):
        if source_cluster and self.src_cluster:
            batch.call(prefix + 'group', 'Get-ClusterGroup', {'Name': self.name}, select=_cluster.GROUP_SELECT)
            batch.call(prefix + 'owners', 'Get-ClusterOwnerNode', {'Group': self.name}, select=['OwnerNodes'])
        if destination_cluster and self.dest_cluster and not self.same_cluster:
            cluster = self.dest_cluster_name
            batch.call(prefix + 'dest_group', 'Get-ClusterGroup', {'Cluster': cluster, 'Name': self.name},
                       select=_cluster.GROUP_SELECT)
            batch.call(prefix + 'dest_owners', 'Get-ClusterOwnerNode', {'Cluster': cluster, 'Group': self.name},
                       select=['OwnerNodes'])
        batch.call(prefix + 'vm', 'Get-VM', {'Name': self.name, 'ComputerName': hosts}, select=_hyperv.VM_SELECT)

    def placement(self, result, prefix, strict=True):
        """Where the VM is according to the reads ``add_placement_reads`` added, described like ``describe_vm``
        plus 'found', 'copies' and 'unreachable'. With ``strict``, None when a read did not answer."""
        ids = {step.id for step in result}
        step = result[prefix + 'vm']
        if strict and not step.output:
            return None
        copies = [_hyperv.parse_vm(row) for row in step.output if row.get('Id') == self.vm['id']]
        described = {'found': bool(copies), 'copies': len(copies), 'unreachable': _hyperv.unreachable_hosts(step),
                     'hosts': [self.spelled(vm['computer_name']) for vm in copies]}
        if not copies:
            return described if not strict else None
        vm = copies[0]
        host = self.spelled(vm['computer_name'])
        group, owners, cluster = None, [], None
        for kind, nodes, cluster_name in (('', self.src_nodes, self.src_cluster and self.src_cluster['name']),
                                          ('dest_', self.dest_nodes, self.dest_cluster_name)):
            if self._host_in(host, nodes):
                cluster = cluster_name
                if prefix + kind + 'group' in ids:
                    group_step = result[prefix + kind + 'group']
                    if group_step.ok and group_step.output:
                        group = _cluster.parse_group(group_step.output[0])
                        owners_step = result[prefix + kind + 'owners']
                        owners = list((owners_step.first() or {}).get('OwnerNodes') or []) if owners_step.ok else []
                elif strict and vm['is_clustered']:
                    return None
                break
        clustered = vm['is_clustered']
        described.update({
            'name': vm['name'], 'id': vm['id'], 'host': host, 'state': vm['state'], 'clustered': clustered,
            'cluster': cluster,
            'owner_node': self.spelled(group['owner_node']) if clustered and group else None,
            'priority': group['priority'] if clustered and group else None,
            'preferred_owners': list(owners) if clustered and group else [],
            'path': vm['path'],
        })
        return described


class Plan:
    """The path chosen, and the VM as it will be afterwards."""

    def __init__(self, path, facts, params):
        self.path = path
        self.warnings = []
        self.actions = []
        self.cold_action = params['cold_action'] or 'shutdown'
        self.before = facts.describe_vm()
        self.source = self.before['host']
        self.destination = facts.destination
        before = self.before
        clustered = before['clustered']
        # Cold inside the cluster of a clustered VM: Windows moves the role itself (Shutdown or Quick).
        self.cluster_move = path in ('cluster_live', 'cluster_quick') or (
            path == 'cold' and clustered and facts.same_cluster)
        self.uses_move_vm = path in ('shared_nothing', 'cold') and not self.cluster_move
        self.recluster = self.uses_move_vm and clustered and facts.dest_cluster is not None
        self.live_at_move = before['state'] in _hyperv.RUNNING_STATES and (
            path in ('shared_nothing', 'cluster_live') or (path == 'cold' and self.cold_action == 'save')
            or path == 'cluster_quick')
        self.restart = (path == 'cold' and before['state'] in _hyperv.RUNNING_STATES
                        and not (self.cluster_move and self.cold_action == 'save'))
        self.storage_moved, storage_path = self._storage(facts, params) if self.uses_move_vm else (False, None)

        after = dict(before, host=self.destination, cluster=facts.dest_cluster_name)
        if path == 'cold' and before['state'] in _hyperv.RUNNING_STATES:
            after['state'] = 'Running'
        if self.storage_moved:
            after['path'] = storage_path
        stays_clustered = clustered and (self.cluster_move or self.recluster)
        after['clustered'] = stays_clustered
        after['owner_node'] = self.destination if stays_clustered else None
        after['priority'] = before['priority'] if stays_clustered else None
        if not stays_clustered:
            after['preferred_owners'] = []
        elif self.recluster:
            after['preferred_owners'] = self._owners_at_destination(facts)
        self.after = after
        if path != 'none' and clustered and not stays_clustered:
            reason = facts.dest_cluster_error or 'no cluster'
            self.warnings.append('VM %s is a clustered role, and %s is not in a failover cluster (%s): after the '
                                 'move the VM is no longer clustered.' % (facts.name, self.destination, reason))
        if path != 'none' and facts.cluster_cmdlets_missing:
            self.warnings.append('The Failover Clustering cmdlets are not installed on the host the task runs on, so '
                                 'whether %s is a cluster node, and whether it is Up, could not be checked (install '
                                 'RSAT-Clustering-PowerShell).' % self.destination)
        if path != 'none' and not self.uses_move_vm and params['destination_storage_path'] is not None:
            self.warnings.append('destination_storage_path is not used: a move inside the cluster keeps the files '
                                 'of VM %s where they are.' % facts.name)

    def _storage(self, facts, params):
        """Move-VM with the storage (to destination_storage_path\\<name>, by default the destination's
        VirtualMachinePath\\<name>), or without it when the destination already reaches every file."""
        root = params['destination_storage_path']
        if root is None:
            files = _hyperv.vm_files(facts.vm)
            shared = facts.src_csvs if facts.same_cluster else []
            if files and all(_cluster.storage_location(path, shared) in ('smb', 'csv') for path in files):
                return False, None
            root = (facts.dest_vmhost or {}).get('virtual_machine_path')
            if not root:
                return True, None
        return True, _hyperv.join_path(root, facts.name)

    def _owners_at_destination(self, facts):
        kept, dropped = [], []
        for owner in self.before['preferred_owners']:
            node = next((node['name'] for node in facts.dest_nodes if _hyperv.same_host(node['name'], owner)), None)
            if node is None:
                dropped.append(owner)
            elif node not in kept:
                kept.append(node)
        if dropped:
            self.warnings.append('VM %s: preferred owner(s) %s are not nodes of cluster %s and are dropped; set the '
                                 'preferred owners there with hyperv.cluster.vm_role.'
                                 % (facts.name, ', '.join(dropped), facts.dest_cluster_name))
        return kept


# --- helpers ------------------------------------------------------------------------------------------------------

def _add_role(batch, prefix, cluster, name, vm_id, priority, owners):
    """Add-ClusterVirtualMachineRole with the VM's priority and preferred owners (on ``cluster``, or on the cluster
    of the host the batch runs on)."""
    add = {'VMId': vm_id}
    if cluster:
        add['Cluster'] = cluster
    batch.call(prefix + 'cluster', 'Add-ClusterVirtualMachineRole', add, select=_cluster.GROUP_SELECT)
    if priority is not None and priority != _cluster.DEFAULT_PRIORITY:
        # Priority is a property of the ClusterGroup object (no cmdlet sets it); its setter commits.
        batch.set(prefix + 'priority', prefix + 'cluster', {'Priority': priority})
    if owners:
        owners_call = {'Group': name, 'Owners': list(owners)}
        if cluster:
            owners_call['Cluster'] = cluster
        batch.call(prefix + 'owners', 'Set-ClusterOwnerNode', owners_call)


def _matches(placement, expected):
    if not placement or not placement.get('found', True) or placement.get('copies', 1) != 1:
        return False
    for key in VERIFIED:
        left, right = placement.get(key), expected.get(key)
        if key in ('host', 'owner_node', 'cluster'):
            if (left is None) != (right is None) or (left is not None and not _cluster.same_name(
                    _hyperv.short_name(left), _hyperv.short_name(right))):
                return False
        elif left != right:
            return False
    return True


def _where(described):
    text = 'on %s (%s)' % (described['host'], described['state'])
    if described['clustered']:
        text += ', clustered in %s' % described['cluster']
        extras = []
        if described.get('priority') is not None:
            extras.append('priority %s' % described['priority'])
        if described.get('preferred_owners'):
            extras.append('preferred owners %s' % ', '.join(described['preferred_owners']))
        if extras:
            text += ' (%s)' % ', '.join(extras)
    else:
        text += ', not clustered'
    return text


def _messages(step):
    return '; '.join(error.message.strip().rstrip('.') for error in step.errors) or 'skipped'


def _any_change(done):
    return any(step.ok and (step.op == 'set' or not (step.cmdlet or '').startswith('Get-')) for step in done)


PUBLIC_KEYS = ('name', 'id', 'host', 'state', 'clustered', 'cluster', 'owner_node', 'priority', 'preferred_owners',
               'path')
DIFF_KEYS = PUBLIC_KEYS[2:]


def _public(described):
    return {key: described.get(key) for key in PUBLIC_KEYS}


def _diffable(described):
    return {key: described.get(key) for key in DIFF_KEYS}


def _csv_paths(step):
    return [path for row in step.output for path in _as_list(row.get('SharedVolumeInfo.FriendlyVolumeName')) if path]


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_vmhost(step):
    row = step.first()
    return _hyperv.parse_vmhost(row) if row else None
