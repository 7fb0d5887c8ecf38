"""Moving VMs (tests/sim/MIGRATION.md): placement, memory accounting, armed faults, simulated time, and the moves.

One placement rule and one memory account serve the cluster moves (Move-ClusterVirtualMachineRole), the drains and
failbacks of node maintenance (Suspend-/Resume-ClusterNode), the shared-nothing moves (Move-VM, Compare-VM) and the
failover of a node that loses power (faults.node_down).

State kept here (optional keys of schema 1, JSON data):

- ``data["faults"]``: armed faults, ``[{"kind", "node"}]`` in arming order (faults.arm); ``take_fault`` consumes
  the first one that applies to a migration;
- ``cluster["pending"]``: operations in progress, in the order they started:
  ``{"op": "move", "group", "source", "target", "type", "hung", "fault"}`` (Move-ClusterVirtualMachineRole -Wait 0,
  or a move hung by a ``migration-timeout`` fault) and ``{"op": "drain", "node", "target", "force"}``
  (Suspend-ClusterNode -Drain without -Wait). Those not hung complete at the next cmdlet call that reaches the
  cluster (``settle``, called by the runner); hung moves stay until cancelled or until a node they involve goes down.
"""

from hvsim import errors

MB = 1024 * 1024
RUNNING_STATES = ('Running', 'Paused')
FAULT_KINDS = ('migration-fail', 'migration-timeout', 'node-down-during-migration', 'source-down-during-migration')
# How long a hung migration runs before a call that has no bound of its own gives up (sim choice): Move-VM (which
# has no -Wait), Move-ClusterVirtualMachineRole without -Wait, and a role moved by a drain or a failback.
UNBOUNDED_TIMEOUT_S = 300
# move_role(fault=TAKE): consume the armed fault that applies, if any (otherwise the fault is given, or None).
TAKE = object()


def same(left, right):
    return left is not None and right is not None and str(left).lower() == str(right).lower()


def member_key(cluster, node_name):
    """The key of a cluster member, looked up case-insensitively (None if it is no member)."""
    lowered = str(node_name).lower()
    for key in cluster['nodes']:
        if key.lower() == lowered:
            return key
    return None


def group_key(cluster, name):
    lowered = str(name).lower()
    for key in cluster['groups']:
        if key.lower() == lowered:
            return key
    return None


def is_running(vm):
    return vm is not None and vm['state'] in RUNNING_STATES


def role_vm(state, group):
    return state.vms.get(group.get('vm_id')) if group.get('vm_id') else None


# --- simulated time -----------------------------------------------------------------------------------------------

def live_ms(vm):
    """A live migration: 1 ms per MB of VM memory."""
    return int(vm['memory_mb'])


def quick_ms(vm):
    """A quick migration (save, move, restore): 500 ms + 0.5 ms per MB."""
    return int(500 + vm['memory_mb'] * 0.5)


def storage_ms(vm):
    """A storage move: 1 ms per 4 MB of disk."""
    return int(vm.get('disk_bytes', 0) // (4 * MB))


def role_move_ms(vm, migration_type):
    if not is_running(vm):
        return 0
    if migration_type == 'Live':
        return live_ms(vm)
    if migration_type == 'Quick':
        return quick_ms(vm)
    return 0


# --- memory -------------------------------------------------------------------------------------------------------

def free_memory_mb(state, node_name):
    """What the host can still give VMs: its memory (Get-VMHost MemoryCapacity) less the memory of its running VMs
    (their MemoryAssigned), less the node's ``host_reserve_mb`` (0 in the presets: MIGRATION.md)."""
    return Capacity(state).free(node_name)


class Capacity:
    """Free memory per node, computed once and kept current as VMs move, start and stop through ``relocate``.

    Anything else that changes VMs wholesale (a node losing power and its roles failing over) calls ``invalidate``.
    """

    def __init__(self, state):
        self.state = state
        self._used = None

    def _load(self):
        used = {}
        for vm in self.state.vms.values():
            if is_running(vm):
                host = vm['host'].lower()
                used[host] = used.get(host, 0) + vm['memory_mb']
        self._used = used

    def invalidate(self):
        self._used = None

    def free(self, node_name):
        if self._used is None:
            self._load()
        node = self.state.node(node_name)
        if node is None:
            return 0
        return node['hardware']['memory_mb'] - node.get('host_reserve_mb', 0) - self._used.get(node['name'].lower(), 0)

    def relocate(self, vm, host, vm_state):
        """Put ``vm`` on ``host`` in ``vm_state``, keeping the account."""
        if self._used is not None:
            if is_running(vm):
                old = vm['host'].lower()
                self._used[old] = self._used.get(old, 0) - vm['memory_mb']
            if vm_state in RUNNING_STATES:
                new = host.lower()
                self._used[new] = self._used.get(new, 0) + vm['memory_mb']
        vm['host'] = host
        vm['state'] = vm_state


# --- placement ----------------------------------------------------------------------------------------------------

def up_nodes(cluster, exclude=()):
    return [key for key, member in cluster['nodes'].items()
            if member['state'] == 'Up' and not any(same(key, other) for other in exclude)]


def place(cluster, group, need_mb, capacity, exclude=(), target=None):
    """The node a role goes to, or None when it fits nowhere.

    ``target`` when given (if Up, not excluded and with room); else the first of the role's preferred owners that is
    Up and has room (Set-ClusterOwnerNode: "the order of preference among owner nodes", a preference, not a
    restriction); else the Up node with the most free memory (the first one listed on a tie). A role that needs no
    memory (offline, or not a VM) fits on any Up node, even an overcommitted one: it only changes owner.
    """
    candidates = up_nodes(cluster, exclude)
    if target is not None:
        candidates = [key for key in candidates if same(key, target)]
    fits = [key for key in candidates if need_mb <= 0 or capacity.free(key) >= need_mb]
    if not fits:
        return None
    for name in group.get('preferred_owners') or []:
        key = member_key(cluster, name)
        if key in fits:
            return key
    return max(fits, key=capacity.free)


def role_need_mb(state, group, migration_type='Live'):
    """Memory the destination must have free: a running VM that keeps running (Live, Quick)."""
    vm = role_vm(state, group)
    if not is_running(vm) or migration_type not in ('Live', 'Quick'):
        return 0
    return vm['memory_mb']


# --- faults -------------------------------------------------------------------------------------------------------

def take_fault(state, source, target):
    """Consume and return the kind of the first armed fault that applies to a migration from source to target."""
    armed = state.data.get('faults') or []
    for index, fault in enumerate(armed):
        if fault['kind'] not in FAULT_KINDS:
            continue  # not a migration fault (update-fail belongs to win_updates, hvsim/updates.py)
        node = source if fault['kind'] == 'source-down-during-migration' else target
        if same(fault['node'], node):
            del armed[index]
            return fault['kind']
    return None


def _lose_power(state, node_name, capacity):
    # faults uses this module's placement, so it is imported here, not at the top.
    from hvsim import faults  # pylint: disable=import-outside-toplevel
    faults.node_down(state, node_name)
    capacity.invalidate()


class Outcome:
    """What became of one migration: ``ok``, else ``reason`` (memory, fail, timeout, target-down, source-down)."""

    def __init__(self, ok, reason=None, ms=0):
        self.ok = ok
        self.reason = reason
        self.ms = ms

    def __repr__(self):
        return 'Outcome(%r, %r, %r)' % (self.ok, self.reason, self.ms)


def _apply_fault(state, fault, source, target, capacity, ms):
    """The effect of a fault on a migration that started; None when there is none (the migration goes through)."""
    if fault == 'migration-fail':
        return Outcome(False, 'fail', ms)
    if fault == 'migration-timeout':
        return Outcome(False, 'timeout', 0)
    if fault == 'node-down-during-migration':
        _lose_power(state, target, capacity)
        return Outcome(False, 'target-down', ms // 2)
    if fault == 'source-down-during-migration':
        _lose_power(state, source, capacity)
        return Outcome(False, 'source-down', ms // 2)
    return None


# --- cluster moves ------------------------------------------------------------------------------------------------

def pending(cluster):
    return cluster.setdefault('pending', [])


def move_in_progress(cluster, key):
    for entry in cluster.get('pending') or []:
        if entry['op'] == 'move' and same(entry['group'], key):
            return entry
    return None


def move_role(state, cluster, key, target, migration_type, capacity, fault=TAKE):
    """Move one role to ``target`` now. On failure the role and its VM stay, unchanged, on the source (except for
    what a node losing power does to them)."""
    group = cluster['groups'][key]
    source = group.get('owner')
    vm = role_vm(state, group)
    need = role_need_mb(state, group, migration_type)
    if need and capacity.free(target) < need:
        return Outcome(False, 'memory')
    if fault is TAKE:
        fault = take_fault(state, source, target)
    ms = role_move_ms(vm, migration_type)
    failure = _apply_fault(state, fault, source, target, capacity, ms)
    if failure is not None:
        return failure
    group['owner'] = target
    if vm is not None:
        if not is_running(vm):
            vm_state = vm['state']
        elif migration_type == 'Live':
            vm_state = vm['state']
        elif migration_type == 'Quick':
            vm_state = 'Running'
        else:
            vm_state = 'Off'
        capacity.relocate(vm, target, vm_state)
    return Outcome(True, ms=ms)


def role_move_error(cmdlet, key, vm_name, source, target, outcome):
    """The error a cluster cmdlet reports for a failed move."""
    if outcome.reason == 'memory':
        error = errors.migration_not_enough_memory(vm_name, target)
        return errors.role_move_failed(cmdlet, key, target, error.message, 'ResourceUnavailable')
    if outcome.reason == 'timeout':
        error = errors.migration_timed_out(vm_name, source, UNBOUNDED_TIMEOUT_S)
        return errors.role_move_failed(cmdlet, key, target, error.message, 'OperationTimeout')
    if outcome.reason in ('target-down', 'source-down'):
        lost = target if outcome.reason == 'target-down' else source
        error = errors.migration_connection_lost(vm_name, source, lost)
        return errors.role_move_failed(cmdlet, key, target, error.message, 'ConnectionError')
    error = errors.migration_failed(vm_name, source, target)
    return errors.role_move_failed(cmdlet, key, target, error.message)


def drainable_roles(cluster, node_key):
    """The roles a drain moves off a node, highest priority first: every group it owns (MIGRATION.md: "every role
    N owns"), the core groups included."""
    keys = [key for key, group in cluster['groups'].items() if same(group.get('owner'), node_key)]
    return sorted(keys, key=lambda key: -cluster['groups'][key].get('priority', 2000))


def drain(state, cluster, node_key, target=None, force=False, capacity=None):
    """Move every role off a paused node. Returns ``(drain status, simulated ms, source lost)``."""
    capacity = capacity or Capacity(state)
    failed = False
    total = 0
    for key in drainable_roles(cluster, node_key):
        group = cluster['groups'].get(key)
        if group is None or not same(group.get('owner'), node_key):
            continue
        outcome = None
        if move_in_progress(cluster, key) is None:
            destination = place(cluster, group, role_need_mb(state, group), capacity, exclude=[node_key],
                                target=target)
            if destination is not None:
                outcome = move_role(state, cluster, key, destination, 'Live', capacity)
                total += outcome.ms + (UNBOUNDED_TIMEOUT_S * 1000 if outcome.reason == 'timeout' else 0)
                if outcome.reason == 'source-down':
                    return 'Failed', total, True
        if outcome is not None and outcome.ok:
            group['drained_from'] = node_key
            continue
        if force and _force_move(state, cluster, key, node_key, target, capacity):
            continue
        failed = True
    return ('Failed' if failed else 'Completed'), total, False


def _force_move(state, cluster, key, node_key, target, capacity):
    """-ForceDrain: a role that could not move is stopped and moved offline."""
    group = cluster['groups'][key]
    destination = place(cluster, group, 0, capacity, exclude=[node_key], target=target)
    if destination is None:
        return False
    cancel_move(cluster, key)
    vm = role_vm(state, group)
    group['owner'] = destination
    if vm is not None:
        capacity.relocate(vm, destination, 'Off')
    group['drained_from'] = node_key
    return True


def fail_back(state, cluster, node_key, policy_only, move=True, capacity=None):
    """Resume-ClusterNode: with ``move``, roles drained from the node move back (live), only those whose
    AutoFailbackType is 1 when ``policy_only``. Returns ``(ms, failures)`` with failures as ``[(role, outcome)]``;
    every role drained from the node forgets it."""
    capacity = capacity or Capacity(state)
    total = 0
    failures = []
    keys = [key for key, group in cluster['groups'].items() if same(group.get('drained_from'), node_key)]
    keys.sort(key=lambda key: -cluster['groups'][key].get('priority', 2000))
    for key in keys:
        group = cluster['groups'].get(key)
        if group is None:
            continue
        group['drained_from'] = None
        if not move or (policy_only and group.get('auto_failback_type', 0) != 1):
            continue
        if same(group.get('owner'), node_key) or move_in_progress(cluster, key) is not None:
            continue
        if cluster['nodes'][node_key]['state'] != 'Up':
            break
        outcome = move_role(state, cluster, key, node_key, 'Live', capacity)
        total += outcome.ms + (UNBOUNDED_TIMEOUT_S * 1000 if outcome.reason == 'timeout' else 0)
        if not outcome.ok:
            failures.append((key, outcome))
    for group in cluster['groups'].values():
        if same(group.get('drained_from'), node_key):
            group['drained_from'] = None
    return total, failures


def cancel_move(cluster, key):
    entry = move_in_progress(cluster, key)
    if entry is not None:
        cluster['pending'].remove(entry)
    return entry


def forget_node(cluster, node_key):
    """A node lost power: moves from or to it end (the role stays where it is, or fails over with the node's other
    roles); a drain of it ends Failed."""
    kept = []
    for entry in cluster.get('pending') or []:
        if entry['op'] == 'move' and (same(entry['source'], node_key) or same(entry['target'], node_key)):
            continue
        if entry['op'] == 'drain' and same(entry['node'], node_key):
            cluster['nodes'][node_key]['drain_status'] = 'Failed'
            continue
        kept.append(entry)
    if 'pending' in cluster:
        cluster['pending'] = kept


def abort_all(cluster):
    """The cluster lost quorum: its service stops, and with it every move and drain in progress."""
    for entry in cluster.get('pending') or []:
        key = member_key(cluster, entry['node']) if entry['op'] == 'drain' else None
        if key is not None:
            cluster['nodes'][key]['drain_status'] = 'Failed'
    if 'pending' in cluster:
        cluster['pending'] = []


# --- lazy completion ----------------------------------------------------------------------------------------------

def has_settleable(state):
    """Whether a cmdlet call could complete something (a read batch then needs the write lock)."""
    return any(not entry.get('hung') for cluster in state.clusters.values() for entry in cluster.get('pending') or [])


def clusters_reached(state, node_name, cmdlet, bound):
    """The clusters a cmdlet call reaches: the node's own, and those named by -Cluster, Get-Cluster -Name,
    -ComputerName and -DestinationHost (directly or through one of their nodes)."""
    names = []
    own = state.cluster_of(node_name)
    if own is not None:
        names.append(own['name'])
    given = [bound.get('Cluster')]
    if cmdlet == 'Get-Cluster':
        given.append(bound.get('Name'))
    computers = bound.get('ComputerName') or []
    given.extend(computers if isinstance(computers, list) else [computers])
    given.append(bound.get('DestinationHost'))
    for name in given:
        if isinstance(name, str) and name:
            cluster, _node = state.reach_cluster(name)
            if cluster is not None and cluster['name'] not in names:
                names.append(cluster['name'])
    return names


def settle(state, cluster_names):
    """Complete the moves and drains in progress (not hung) on these clusters, in the order they started."""
    for name in cluster_names:
        cluster = state.cluster(name)
        if cluster is None or not cluster.get('pending') or cluster['quorum'].get('lost'):
            continue
        work = [entry for entry in cluster['pending'] if not entry.get('hung')]
        if not work:
            continue
        cluster['pending'] = [entry for entry in cluster['pending'] if entry.get('hung')]
        capacity = Capacity(state)
        for entry in work:
            if entry['op'] == 'move':
                _complete_move(state, cluster, entry, capacity)
            else:
                _complete_drain(state, cluster, entry, capacity)


def _complete_move(state, cluster, entry, capacity):
    key = group_key(cluster, entry['group'])
    if key is None or not same(cluster['groups'][key].get('owner'), entry['source']):
        return
    target = member_key(cluster, entry['target'])
    if target is None or cluster['nodes'][target]['state'] != 'Up':
        return
    move_role(state, cluster, key, target, entry['type'], capacity, fault=entry.get('fault'))


def _complete_drain(state, cluster, entry, capacity):
    key = member_key(cluster, entry['node'])
    if key is None:
        return
    member = cluster['nodes'][key]
    if member['state'] != 'Paused':
        member['drain_status'] = 'Failed'
        return
    status, _ms, _lost = drain(state, cluster, key, entry.get('target'), entry.get('force'), capacity)
    member['drain_status'] = status


# --- shared-nothing moves (Move-VM, Compare-VM) -------------------------------------------------------------------

def incompatibilities(state, vm, destination):
    """Compare-VM's findings for moving ``vm`` to node ``destination``: ``[(message id, message, about)]`` with
    ``about`` one of ``switch:<name>``, ``processor``, ``vm``."""
    found = []
    switches = {switch['name'].lower() for switch in destination.get('vswitches') or []}
    missing = []
    for nic in vm.get('nics') or []:
        name = nic.get('switch')
        if name and name.lower() not in switches and name.lower() not in missing:
            missing.append(name.lower())
            found.append((33012, "Could not find Ethernet switch '%s'." % name, 'switch:%s' % name))
    source = state.node(vm['host'])
    if is_running(vm) and source is not None:
        here, there = source.get('hardware') or {}, destination.get('hardware') or {}
        vendor_change = not same(here.get('cpu_vendor', 'GenuineIntel'), there.get('cpu_vendor', 'GenuineIntel'))
        older = (there.get('cpu_generation') is not None and here.get('cpu_generation') is not None
                 and there['cpu_generation'] < here['cpu_generation'])
        if vendor_change or (older and not vm.get('processor_compatibility', False)):
            found.append((24004, "The virtual machine '%s' is using processor-specific features not supported on "
                                 "host '%s'." % (vm['name'], destination['name']), 'processor'))
    if any(other['id'] == vm['id'] and same(other['host'], destination['name']) for other in state.vms.values()):
        found.append((21016, "A virtual machine with the same identifier already exists on '%s'."
                      % destination['name'], 'vm'))
    return found


def file_reachable(state, path, source_host, destination_host):
    """A VM file stays usable after a move without its storage: on an SMB share, or on a CSV of the destination's
    cluster when the source is in that same cluster."""
    if path.startswith('\\\\'):
        return True
    cluster = state.cluster_of(destination_host)
    source_cluster = state.cluster_of(source_host)
    if cluster is None or source_cluster is None or cluster['name'] != source_cluster['name']:
        return False
    lowered = path.lower()
    return any(lowered.startswith(csv['path'].lower().rstrip('\\') + '\\') for csv in cluster['csvs'].values())


def vm_move_error(state, vm, source, destination, include_storage):
    """Why Move-VM cannot start (a CmdletError), or None. ``source`` and ``destination`` are node records."""
    if state.cluster_of(source['name']) is not None and any(
            group.get('vm_id') == vm['id'] for group in state.cluster_of(source['name'])['groups'].values()):
        return errors.clustered_vm_move(vm['name'], source['name'].upper())
    for node, at_source in ((source, True), (destination, False)):
        if not (node.get('vmhost') or {}).get('VirtualMachineMigrationEnabled'):
            return errors.migration_not_enabled(vm['name'], source['name'].upper(), node['name'].upper(), at_source)
    if not include_storage:
        for path in [vm['path']] + list(vm.get('vhds') or []):
            if not file_reachable(state, path, source['name'], destination['name']):
                return errors.migration_file_unreachable(vm['name'], destination['name'].upper(), path)
    found = incompatibilities(state, vm, destination)
    duplicate = [message for message_id, message, _about in found if message_id == 21016]
    if duplicate:
        return errors.migration_incompatible(vm['name'], destination['name'].upper(), duplicate)
    if is_running(vm):
        if found:
            return errors.migration_incompatible(vm['name'], destination['name'].upper(),
                                                 [message for _id, message, _about in found])
        if free_memory_mb(state, destination['name']) < vm['memory_mb']:
            return errors.migration_not_enough_memory(vm['name'], destination['name'].upper())
    return None


def storage_destination(vm, storage_path):
    """Where -IncludeStorage -DestinationStoragePath P puts the files: the configuration in P, the VHDs in
    P\\Virtual Hard Disks\\."""
    root = storage_path.rstrip('\\')
    vhds = ['%s\\Virtual Hard Disks\\%s' % (root, path.replace('/', '\\').rsplit('\\', 1)[-1])
            for path in vm.get('vhds') or []]
    return root, vhds


def move_vm(state, vm, source, destination, include_storage, storage_path):
    """Move-VM once its checks passed. Returns an Outcome; on failure the VM is unchanged on its source."""
    ms = (live_ms(vm) if is_running(vm) else 0) + (storage_ms(vm) if include_storage else 0)
    capacity = Capacity(state)
    fault = take_fault(state, source['name'], destination['name'])
    failure = _apply_fault(state, fault, source['name'], destination['name'], capacity, ms)
    if failure is not None:
        if failure.reason == 'timeout':
            failure.ms = UNBOUNDED_TIMEOUT_S * 1000
        return failure
    if include_storage and storage_path:
        vm['path'], vm['vhds'] = storage_destination(vm, storage_path)
    capacity.relocate(vm, destination['name'], vm['state'])
    return Outcome(True, ms=ms)
