# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_node: pause (and drain) a cluster node for maintenance, or resume it.

Every decision of the module is in ``execute``: one read, the plan and the guards in Python, at most one write.
A drain is one cluster-native operation (``Suspend-ClusterNode -Drain -Wait``), however many roles the node owns;
only when that call itself fails does the module read once more, to say where the node stands.
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _capacity, _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
    WindowsCommandError,
)

NODE_SELECT = _cluster.NODE_SELECT + ['NodeWeight']
FAILBACK = {'immediate': 'Immediate', 'policy': 'Policy', 'none': 'NoFailback'}
DEFAULT_FAILBACK = 'policy'
PAUSE_ONLY = ('drain', 'force_drain', 'target_node', 'host_memory_reserve_mb')
RESUME_ONLY = ('failback',)


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str'),
        state=dict(type='str', required=True, choices=['paused', 'resumed']),
        drain=dict(type='bool'),
        force_drain=dict(type='bool'),
        target_node=dict(type='str'),
        host_memory_reserve_mb=dict(type='int'),
        failback=dict(type='str', choices=list(FAILBACK)),
        force=dict(type='bool', default=False),
    )

    def execute(self, params, host):
        pausing = params['state'] == 'paused'
        label = 'cluster node %s' % (params['name'] or host.name)
        wrong = [option for option in (RESUME_ONLY if pausing else PAUSE_ONLY) if params[option] is not None]
        if wrong:
            raise InvalidInputError(label, '%s only appl%s with state=%s' % (
                ', '.join(wrong), 'ies' if len(wrong) == 1 else 'y', 'resumed' if pausing else 'paused'),
                'Remove %s from the task.' % ('it' if len(wrong) == 1 else 'them'))
        drain = params['drain'] is not False
        if pausing and not drain and (params['force_drain'] or params['target_node']):
            raise InvalidInputError(label, 'force_drain and target_node only apply when the node is drained',
                                    'Remove them, or set drain: true.')
        reserve_mb = params['host_memory_reserve_mb']
        if reserve_mb is None:
            reserve_mb = _capacity.DEFAULT_HOST_RESERVE_MB
        elif reserve_mb < 0:
            raise InvalidInputError(label, 'host_memory_reserve_mb cannot be negative (got %d)' % reserve_mb,
                                    'Give the memory in MB to keep free on every node, 0 or more.')

        read = Batch('read')
        _capacity.add_guard_reads(read, memory=pausing)
        found = host.read(read)
        cluster, nodes, groups = _capacity.parse_guard_reads(found, host.name, 'pause or resume a cluster node',
                                                             label)
        node = self._node(params['name'], found.computer_name, nodes, cluster, host.name)
        before = _describe(node, groups)
        context = {'cluster': cluster, 'node': node, 'nodes': nodes, 'groups': groups, 'before': before}
        if pausing:
            return self._pause(params, host, found, context, drain, reserve_mb * _capacity.MB)
        return self._resume(params, host, context)

    # --- pausing ------------------------------------------------------------------------------------------------

    def _pause(self, params, host, found, context, drain, reserve_bytes):
        cluster, node, nodes, before = context['cluster'], context['node'], context['nodes'], context['before']
        name = node['name']
        label = 'cluster node %s' % name
        if node['state'] == 'Paused':
            if not drain or not before['roles']:
                return _outcome(False, cluster, name, before, before)
            if node['drain_status'] == 'InProgress':
                raise PreconditionError(
                    label, 'a drain of the node is already in progress (DrainStatus InProgress), started outside '
                    'this task; %d role(s) are still on it' % len(before['roles']),
                    'Wait until Get-ClusterNode %s shows DrainStatus Completed or Failed, then rerun the task.' % name)
            retry = True
        elif node['state'] == 'Up':
            retry = False
        else:
            raise PreconditionError(
                label, 'the node is %s, and only an Up node can be paused' % node['state'],
                'Bring the node back (start it, or Start-ClusterNode %s) and rerun; its roles already failed over '
                'to the other nodes.' % name if node['state'] == 'Down' else
                'Wait until the node is Up (it is %s) and rerun.' % node['state'])

        target = self._target(params['target_node'], node, nodes, cluster) if drain else None
        warnings, guards = [], {}
        risks = []
        if not retry:
            # Pausing the node is what costs a vote; draining a node that is already paused does not.
            quorum = _capacity.quorum_after_losing(nodes, [name], _capacity.witness_of(found['quorum'].first()),
                                                   (found['quorum'].first() or {}).get('QuorumType'))
            guards['quorum'] = _quorum_summary(quorum)
            if not quorum['ok']:
                risks.append(('quorum', _quorum_problem(quorum, name, cluster['name']),
                              _quorum_fix(quorum), _quorum_risk(quorum, name, cluster['name'])))
        if drain:
            capacity_info = self._capacity(found, context, target, reserve_bytes)
            guards['capacity'] = capacity_info['summary']
            warnings += capacity_info['warnings']
            if capacity_info['problem']:
                risks.append(('capacity',) + capacity_info['problem'])
        if risks and not params['force']:
            _kind, problem, fix, _risk = risks[0]
            others = ''.join(' Also: %s.' % other[1] for other in risks[1:])
            raise PreconditionError(
                label, '%s; nothing was changed.%s' % (problem, others),
                '%s Or set force: true to %s it anyway (%s).' % (
                    fix, 'drain' if retry else 'pause', '; '.join(risk[3] for risk in risks)),
                guards=guards)
        for kind, problem, _fix, risk in risks:
            warnings.append('force: true overrode the %s guard (%s): %s.' % (kind, problem, risk))

        write = Batch('write')
        if retry:
            # Suspend-ClusterNode acts only on an Up node: resume (without failback) and pause again to retry.
            write.call('resume', 'Resume-ClusterNode', {'Name': name, 'Failback': FAILBACK['none']})
        suspend = {'Name': name}
        if drain:
            suspend.update(Drain=True, Wait=True)
            if params['force_drain']:
                suspend['ForceDrain'] = True
            if target:
                suspend['TargetNode'] = target
        write.call('suspend', 'Suspend-ClusterNode', suspend, select=NODE_SELECT)
        write.call('final_node', 'Get-ClusterNode', {'Name': name}, select=NODE_SELECT)
        write.call('final_groups', 'Get-ClusterGroup', select=_cluster.GROUP_SELECT)

        if self.check_mode:
            stuck = [] if params['force_drain'] else sorted(_unplaced(guards), key=str.lower)
            roles = stuck if drain else before['roles']
            predicted = {'state': 'Paused',
                         'drain_status': ('Failed' if stuck else 'Completed') if drain else node['drain_status'],
                         'roles': roles}
            moved = [role for role in before['roles'] if role not in roles]
            return _outcome(True, cluster, name, before, predicted, moved=moved, guards=guards, warnings=warnings,
                            check_mode=True)

        done = host.write(write)
        step = done['suspend']
        after, groups_after = self._after(host, done, name, step)
        moved = [role for role in before['roles'] if role not in after['roles']]
        result = _outcome(True, cluster, name, before, after, moved=moved, groups_after=groups_after,
                          guards=guards, warnings=warnings, duration_ms=step.elapsed_ms)
        failed = done.failed_steps
        if failed:
            raise self._write_failure(failed[0], name, before, after, result, retry, what='pausing the node')
        if after['state'] != 'Paused':
            raise WindowsCommandError(label, 'Suspend-ClusterNode returned, but the node is %s, not Paused'
                                      % after['state'], 'Check the node with Get-ClusterNode %s and rerun.' % name,
                                      **result)
        if drain and (after['drain_status'] != 'Completed' or after['roles']):
            raise _drain_failure(name, before, after, result, bool(params['force_drain']))
        return result

    @staticmethod
    def _target(target_node, node, nodes, cluster):
        if target_node is None:
            return None
        target = _capacity.node_for(target_node, [other['name'] for other in nodes])
        if target is None:
            raise InvalidInputError('cluster node %s' % node['name'], 'target_node %s is not a node of cluster %s'
                                    % (target_node, cluster['name']),
                                    'Use another Up node: %s.' % (', '.join(
                                        other['name'] for other in nodes
                                        if other['state'] == 'Up' and other['name'] != node['name']) or 'none is Up'))
        if target == node['name']:
            raise InvalidInputError('cluster node %s' % node['name'], 'target_node is the node being drained',
                                    'Give another node of cluster %s, or omit target_node.' % cluster['name'])
        state = next(other['state'] for other in nodes if other['name'] == target)
        if state != 'Up':
            raise PreconditionError('cluster node %s' % node['name'], 'target_node %s is %s, and roles can only '
                                    'be drained to an Up node' % (target, state),
                                    'Bring %s up, choose another node, or omit target_node.' % target)
        return target

    @staticmethod
    def _capacity(found, context, target, reserve_bytes):
        """The capacity guard: can the other Up nodes (or target) take the node's running VM roles?"""
        node, nodes, groups = context['node'], context['nodes'], context['groups']
        name = node['name']
        names = [other['name'] for other in nodes]
        capacity = _capacity.parse_capacity(found['vmhosts'], names)
        vms = _capacity.parse_vms(found['vms'], names)
        on_node = {vm['name'].lower(): vm for vm in vms if _cluster.same_name(vm['host'], name) and vm['name']}
        owned = [group for group in groups if _cluster.same_name(group['owner_node'], name)]
        movers, unsized = [], []
        for group in owned:
            if group['group_type'] != 'VirtualMachine':
                continue
            vm = on_node.get(group['name'].lower())
            if vm is not None:
                movers.append((group['name'], vm['memory']))
            elif group['state'] != 'Offline':
                unsized.append(group['name'])
        warnings = []
        unclustered = sorted(vm['name'] for vm in on_node.values() if not vm['clustered'] and vm['memory'])
        if unclustered:
            warnings.append('%d VM(s) running on %s are not clustered, so the drain does not move them and they stop '
                            'if the node restarts: %s.' % (len(unclustered), name, _names(unclustered)))
        targets = [target] if target else [other['name'] for other in nodes
                                           if other['state'] == 'Up' and other['name'] != name]
        plan = _capacity.evacuation_plan(movers, targets, capacity, vms, reserve_bytes)
        summary = {
            'targets': targets,
            'host_memory_reserve_mb': _capacity.to_mb(reserve_bytes),
            'needed_mb': _capacity.to_mb(plan['needed']),
            'free_mb': {key: _capacity.to_mb(value) for key, value in plan['free_before'].items()},
            'running_vms': len([size for _name, size in movers if size]),
            'unplaced': plan['unplaced'] + unsized,
            'unplaced_mb': _capacity.to_mb(plan['unplaced_bytes']),
            'unknown_nodes': plan['unknown'],
        }
        problem = None
        if plan['unplaced'] or unsized:
            parts = []
            where = ('target node %s' % target) if target else 'the other Up nodes (%s)' % ', '.join(targets)
            if plan['unplaced'] and not targets:
                parts.append('no other node is Up to host its %d running VM(s): %s (%d MB)' % (
                    summary['running_vms'], _names(plan['unplaced']), summary['unplaced_mb']))
            elif plan['unplaced']:
                parts.append('%s cannot host %d of its %d running VM(s) by memory: %s (%d MB) do not fit, counting %d '
                             'MB kept free per node' % (where, len(plan['unplaced']), summary['running_vms'],
                                                        _names(plan['unplaced']), summary['unplaced_mb'],
                                                        summary['host_memory_reserve_mb']))
            if plan['unknown']:
                parts.append('the memory of %s could not be read (Get-VMHost), so they were counted as full'
                             % ', '.join(plan['unknown']))
            if unsized:
                parts.append('the memory of VM role(s) %s could not be read (no VM of that name on %s)'
                             % (_names(unsized), name))
            fix = ('Free memory on the other nodes (stop or move VMs, or bring more nodes Up), or lower '
                   'host_memory_reserve_mb if the hosts need less.')
            risk = ('VMs that do not fit stay on %s and the drain ends Failed, or with force_drain they are shut down '
                    'and moved offline' % name)
            problem = ('; '.join(parts), fix, risk)
        return {'summary': summary, 'warnings': warnings, 'problem': problem}

    # --- resuming -----------------------------------------------------------------------------------------------

    def _resume(self, params, host, context):
        cluster, node, before = context['cluster'], context['node'], context['before']
        name = node['name']
        label = 'cluster node %s' % name
        if node['state'] == 'Up':
            return _outcome(False, cluster, name, before, before)
        if node['state'] != 'Paused':
            raise PreconditionError(
                label, 'the node is %s, and only a Paused node can be resumed' % node['state'],
                'Bring the node back first (start it, or Start-ClusterNode %s); a node that joins the cluster again '
                'is Up.' % name if node['state'] == 'Down' else 'Wait until the node is Paused or Up and rerun.')
        failback = params['failback'] or DEFAULT_FAILBACK
        write = Batch('write')
        write.call('resume', 'Resume-ClusterNode', {'Name': name, 'Failback': FAILBACK[failback]}, select=NODE_SELECT)
        write.call('final_node', 'Get-ClusterNode', {'Name': name}, select=NODE_SELECT)
        write.call('final_groups', 'Get-ClusterGroup', select=_cluster.GROUP_SELECT)
        if self.check_mode:
            # Windows does not say which roles a drain took from the node, so failback is not predicted.
            predicted = dict(before, state='Up', drain_status='NotInitiated')
            return _outcome(True, cluster, name, before, predicted, failback=failback, check_mode=True)
        done = host.write(write)
        step = done['resume']
        after, groups_after = self._after(host, done, name, step)
        arrived = [role for role in after['roles'] if role not in before['roles']]
        result = _outcome(True, cluster, name, before, after, moved=arrived, groups_after=groups_after,
                          failback=failback, duration_ms=step.elapsed_ms)
        if done.failed_steps:
            raise self._write_failure(done.failed_steps[0], name, before, after, result, False,
                                      what='resuming the node')
        if after['state'] != 'Up':
            raise WindowsCommandError(label, 'Resume-ClusterNode returned, but the node is %s, not Up'
                                      % after['state'], 'Check the node with Get-ClusterNode %s and rerun.' % name,
                                      **result)
        return result

    # --- shared -------------------------------------------------------------------------------------------------

    @staticmethod
    def _node(wanted, computer_name, nodes, cluster, host_name):
        names = [node['name'] for node in nodes]
        if wanted is None:
            found = _capacity.node_for(computer_name, names)
            if found is None:
                raise InvalidInputError(
                    'host %s' % host_name, 'name is not given, and the computer the task runs on (%s) is not a node of '
                    'cluster %s' % (computer_name, cluster['name']), 'Give the node to act on in name: one of %s.'
                    % ', '.join(names))
        else:
            found = _capacity.node_for(wanted, names)
            if found is None:
                raise ObjectNotFoundError('cluster node %s' % wanted, 'cluster %s has no node of that name'
                                          % cluster['name'], 'Use one of: %s.' % ', '.join(names))
        return next(node for node in nodes if node['name'] == found)

    @staticmethod
    def _after(host, done, name, step):
        """The node and the groups after the write; read again (a third execution) if the write stopped early."""
        node_step, groups_step = done['final_node'], done['final_groups']
        if not (node_step.ok and groups_step.ok and node_step.output):
            verify = Batch('read')
            verify.call('final_node', 'Get-ClusterNode', {'Name': name}, select=NODE_SELECT)
            verify.call('final_groups', 'Get-ClusterGroup', select=_cluster.GROUP_SELECT)
            again = host.read(verify)
            node_step, groups_step = again['final_node'], again['final_groups']
        node = _cluster.parse_nodes(node_step)[0] if node_step.output else (
            _cluster.parse_nodes(step)[0] if step.output else {'name': name, 'state': None, 'drain_status': None})
        groups = [_cluster.parse_group(row) for row in groups_step.output]
        return _describe(node, groups), groups

    @staticmethod
    def _write_failure(step, name, before, after, result, retry, what):
        messages = '; '.join(error.message.strip().rstrip('.') for error in step.errors) or 'no error detail'
        resumed = ' (it was resumed to retry the drain)' if retry and after['state'] == 'Up' else ''
        changed = after['state'] != before['state'] or after['roles'] != before['roles']
        result['changed'] = changed
        return WindowsCommandError(
            'cluster node %s' % name,
            '%s failed at %s: %s; the node is now %s%s with %d role(s)' % (
                what, step.cmdlet, messages, after['state'], resumed, len(after['roles'])),
            'Fix the cause and rerun the task; it continues from the current state.',
            records=[error.to_dict() for error in step.errors], **result)


def _drain_failure(name, before, after, result, force_drain):
    stuck = after['roles']
    cause = 'the drain did not empty the node: %d of %d role(s) did not move (%s); %s is %s, DrainStatus %s' % (
        len(stuck), len(before['roles']), _names(stuck), name, after['state'], after['drain_status'])
    fix = ('Free memory on the other nodes, or move or stop those VMs, then rerun the task: it drains the paused node '
           'again.')
    if not force_drain:
        fix += ' Or set force_drain: true to shut down the roles that cannot be live-migrated and move them offline.'
    return WindowsCommandError('cluster node %s' % name, cause, fix, **result)


def _unplaced(guards):
    return (guards.get('capacity') or {}).get('unplaced') or []


def _describe(node, groups):
    roles = sorted((group['name'] for group in groups if _cluster.same_name(group['owner_node'], node['name'])),
                   key=str.lower)
    return {'state': node.get('state'), 'drain_status': node.get('drain_status'), 'roles': roles}


def _names(names, limit=10):
    names = list(names)
    if len(names) <= limit:
        return ', '.join(names)
    return '%s and %d more' % (', '.join(names[:limit]), len(names) - limit)


def _quorum_summary(quorum):
    return {key: quorum[key] for key in ('ok', 'votes', 'available', 'needed', 'voters', 'lost', 'witness')}


def _quorum_problem(quorum, name, cluster):
    lost = ', '.join('%s %s' % (node, why) for node, why in sorted(quorum['lost'].items()) if why != 'taken out')
    witness = {'none': 'no witness', 'online': 'the witness online', 'offline': 'the witness offline'}[
        quorum['witness']]
    return ('pausing it could leave cluster %s without quorum: %d of its %d votes would remain (%s; %s%s), and '
            'quorum needs %d' % (cluster, quorum['available'], quorum['votes'],
                                 'Up: %s' % ', '.join(quorum['voters']) if quorum['voters'] else 'no other node Up',
                                 witness, '; already out: %s' % lost if lost else '', quorum['needed']))


def _quorum_fix(quorum):
    out = [node for node, why in sorted(quorum['lost'].items()) if why != 'taken out']
    fix = 'Bring %s back Up (resume or start it) first' % ', '.join(out) if out else 'Add a node first'
    if quorum['witness'] == 'none':
        fix += ', or configure a quorum witness (Set-ClusterQuorum)'
    elif quorum['witness'] == 'offline':
        fix += ', or bring the quorum witness back online'
    return fix + '.'


def _quorum_risk(quorum, name, cluster):
    return ('if %s restarts or one more node fails, cluster %s loses quorum and stops every role on every node'
            % (name, cluster))


def _outcome(changed, cluster, name, before, after, moved=None, groups_after=None, guards=None, warnings=None,
             failback=None, duration_ms=None, check_mode=False):
    name_of = {}
    for group in groups_after or []:
        name_of[group['name']] = group['owner_node']
    result = {
        'changed': changed,
        'cluster_node': {'name': name, 'cluster': cluster['name'], 'state': after['state'],
                         'drain_status': after['drain_status'], 'roles': after['roles']},
        'roles_moved': sorted(moved or [], key=str.lower),
        'roles_moved_count': len(moved or []),
        'roles_moved_to': {} if check_mode else {role: name_of.get(role) for role in moved or []},
        'duration_s': None if duration_ms is None else round(duration_ms / 1000.0, 3),
        'diff': {'before': before, 'after': after},
    }
    if guards:
        result['guards'] = guards
    if failback:
        result['failback'] = failback
    if warnings:
        result['warnings'] = list(warnings)
    return result
