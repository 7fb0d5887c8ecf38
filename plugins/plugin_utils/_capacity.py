# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quorum and memory arithmetic for taking nodes out of a failover cluster: pure functions, no I/O.

FOR INTERNAL COLLECTION USE ONLY. Used by cluster_node (the guards of a maintenance pause) and cluster_capacity
(surviving node failures). Inputs are plain data parsed from what Windows returned; node names are compared
case-insensitively.

The quorum rule (``quorum_after_losing``) is deliberately static and conservative:

* every node votes with its ``NodeWeight`` (1 unless an administrator removed its vote), the witness with 1;
* the votes counted as *available* are those of the nodes that are ``Up`` and not being taken out, plus the witness
  if it is ``Online``. A ``Paused`` node is counted as lost, like a ``Down`` one: it is in maintenance, and
  maintenance means restarts;
* the cluster keeps quorum when the available votes are a strict majority of all votes.

Windows' dynamic quorum often survives more (it re-weights votes after each *graceful* loss), but a guard that counts
on it would let a maintenance pause turn one unplanned failure into a cluster-wide outage.

The memory rule (``evacuation_plan``): each running VM needs its ``MemoryAssigned`` on the node that takes it; a node
offers ``MemoryCapacity`` minus the ``MemoryAssigned`` of the VMs it runs minus a host reserve; the VMs are placed
one by one, largest first, on the first node (most free memory first) where they fit (first-fit decreasing). The
check is per VM, not on the sums: 10 GiB free on each of two nodes does not host one 16 GiB VM.
"""

from __future__ import annotations

import itertools

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import ref

MB = 1024 * 1024
DEFAULT_HOST_RESERVE_MB = 2048


def _key(name):
    return str(name).lower()


def _weight(node):
    weight = node.get('weight')
    return 1 if weight is None else int(weight)


# --- quorum --------------------------------------------------------------------------------------------------------

def quorum_after_losing(nodes, losing, witness=None, quorum_type='Majority'):
    """Whether the cluster keeps quorum once the nodes in ``losing`` are gone (for a maintenance pause: the node).

    ``nodes``: ``[{'name', 'state', 'weight'}]`` (``state`` as Get-ClusterNode reports it: Up, Down, Paused,
    Joining, Unknown; ``weight`` the NodeWeight, None for 1). ``witness``: None when the cluster has no witness,
    else ``{'name', 'online'}``. ``quorum_type``: Get-ClusterQuorum's QuorumType; ``DiskOnly`` (the legacy "disk
    only" mode) depends on the witness disk and one node that can own it, not on node votes.

    Returns ``{'ok', 'votes', 'available', 'needed', 'voters', 'lost', 'witness'}``: ``voters`` are the nodes whose
    votes remain, ``lost`` maps each voting node counted as lost to why (``taken out``, ``Down``, ``Paused``...),
    ``witness`` is ``'none'``, ``'online'`` or ``'offline'``.
    """
    losing_keys = {_key(name) for name in losing}
    witness_state = 'none' if not witness else ('online' if witness.get('online') else 'offline')
    voters, lost = [], {}
    for node in nodes:
        if _weight(node) <= 0:
            continue
        if _key(node['name']) in losing_keys:
            lost[node['name']] = 'taken out'
        elif node.get('state') != 'Up':
            lost[node['name']] = node.get('state') or 'Unknown'
        else:
            voters.append(node['name'])
    if quorum_type == 'DiskOnly':
        # Only the disk votes; it needs a node to run on.
        hosts = [node['name'] for node in nodes if node.get('state') == 'Up' and _key(node['name']) not in losing_keys]
        available = 1 if witness_state == 'online' and hosts else 0
        return {'ok': available == 1, 'votes': 1, 'available': available, 'needed': 1, 'voters': hosts,
                'lost': lost, 'witness': witness_state}
    node_votes = sum(_weight(node) for node in nodes if _weight(node) > 0)
    votes = node_votes + (1 if witness else 0)
    available = sum(_weight(node) for node in nodes if node['name'] in voters) + (
        1 if witness_state == 'online' else 0)
    needed = votes // 2 + 1
    return {'ok': available >= needed, 'votes': votes, 'available': available, 'needed': needed, 'voters': voters,
            'lost': lost, 'witness': witness_state}


# --- memory --------------------------------------------------------------------------------------------------------

def used_memory(vms, overhead=False):
    """{node key (lower case): bytes} the running ``vms`` ([{'host', 'memory'}]) use on each node: their
    ``MemoryAssigned``, plus Hyper-V's per-VM overhead with ``overhead`` (``vm_overhead``)."""
    used = {}
    for vm in vms:
        memory = vm.get('memory') or 0
        if memory:
            used[_key(vm['host'])] = used.get(_key(vm['host']), 0) + memory + (vm_overhead(memory) if overhead else 0)
    return used


def free_memory(capacity, vms, reserve_bytes):
    """Free memory per node: ``capacity`` ({node: MemoryCapacity bytes, None when unknown}) minus the
    ``MemoryAssigned`` of ``vms`` ([{'host', 'memory'}]) on it minus ``reserve_bytes``. Unknown capacity gives None."""
    used = used_memory(vms)
    return {node: None if total is None else total - used.get(_key(node), 0) - reserve_bytes
            for node, total in capacity.items()}


def first_fit_decreasing(items, bins):
    """Place ``items`` ([(name, bytes)]) into ``bins`` ([(node, free bytes)], in order of preference).

    Items are taken largest first (then by name, so the result is deterministic); each goes to the first bin with
    room. Returns ``(placement {name: node}, unplaced [names, largest first], free_after {node: bytes})``.
    """
    free = dict(bins)
    order = [node for node, _space in bins]
    placement, unplaced = {}, []
    for name, size in sorted(items, key=lambda item: (-item[1], _key(item[0]))):
        for node in order:
            if free[node] is not None and free[node] >= size:
                placement[name] = node
                free[node] -= size
                break
        else:
            unplaced.append(name)
    return placement, unplaced, free


def evacuation_plan(movers, targets, capacity, vms, reserve_bytes):
    """Can ``targets`` take the running VMs in ``movers``?

    ``movers``: [(name, bytes)], each VM that must move with the memory it needs (0 for one that is not running:
    it moves without needing memory and is left out). ``targets``: the nodes that may take them (for a drain, the
    other Up nodes, or the one TargetNode). ``capacity``: {node: MemoryCapacity bytes or None}. ``vms``: every VM
    running on the targets, [{'host', 'memory'}], to count what they already use. ``reserve_bytes``: kept free on
    every node for its management OS.

    Returns ``{'ok', 'needed', 'free_before', 'free_after', 'placement', 'unplaced', 'unplaced_bytes',
    'unknown'}``: ``free_*`` are {node: bytes} over the targets (negative when a node is already overcommitted),
    ``unknown`` the targets whose capacity could not be read (they are given no VM).
    """
    running = [(name, size) for name, size in movers if size and size > 0]
    target_keys = [_key(node) for node in targets]
    free = free_memory({node: capacity.get(node) for node in targets},
                       [vm for vm in vms if _key(vm['host']) in target_keys], reserve_bytes)
    unknown = [node for node in targets if free[node] is None]
    bins = sorted(((node, free[node]) for node in targets if free[node] is not None),
                  key=lambda pair: (-pair[1], _key(pair[0])))
    placement, unplaced, free_after = first_fit_decreasing(running, bins)
    sizes = dict(running)
    return {
        'ok': not unplaced,
        'needed': sum(sizes.values()),
        'free_before': {node: free[node] for node in targets if free[node] is not None},
        'free_after': free_after,
        'placement': placement,
        'unplaced': unplaced,
        'unplaced_bytes': sum(sizes[name] for name in unplaced),
        'unknown': unknown,
    }


def to_mb(value):
    """Bytes as whole MB (rounded down; None stays None) for messages and results."""
    return None if value is None else int(value // MB)


# --- reading what the rules need -----------------------------------------------------------------------------------

VMHOST_SELECT = ['Name', 'ComputerName', 'MemoryCapacity']
VM_MEMORY_SELECT = ['Name', 'Id', 'State', 'ComputerName', 'IsClustered', 'MemoryAssigned']


VOTER_SELECT = _cluster.NODE_SELECT + ['NodeWeight']


def add_guard_reads(batch, memory=True):
    """What the quorum and capacity rules need of the cluster the host belongs to, in one read batch: the cluster,
    its nodes with their votes, its quorum and groups, and (with ``memory``) every node's memory and VMs."""
    _cluster.add_cluster_read(batch)
    batch.call('nodes', 'Get-ClusterNode', select=VOTER_SELECT)
    batch.call('quorum', 'Get-ClusterQuorum', select=QUORUM_SELECT)
    batch.call('groups', 'Get-ClusterGroup', select=_cluster.GROUP_SELECT)
    if memory:
        add_memory_reads(batch)


def parse_guard_reads(found, host_name, purpose, subject):
    """``(cluster, nodes, groups)`` from ``add_guard_reads``' steps: nodes carry their ``weight``. Raises the
    usual errors when the host is in no cluster or a read failed."""
    cluster = _cluster.require_cluster(found, host_name, purpose, subject=subject)
    for step_id in ('nodes', 'quorum', 'groups'):
        if not found[step_id].ok:
            _cluster.raise_step_error('cluster %s' % cluster['name'], found[step_id], 'reading %s failed' % step_id)
    nodes = _cluster.parse_nodes(found['nodes'])
    for node, row in zip(nodes, found['nodes'].output):
        node['weight'] = row.get('NodeWeight')
    groups = [_cluster.parse_group(row) for row in found['groups'].output]
    return cluster, nodes, groups


def add_memory_reads(batch, nodes_step='nodes'):
    """Read every node's memory and every VM's assigned memory, on the nodes an earlier Get-ClusterNode step
    returned (one read batch; a node that cannot be reached writes an error and is left out)."""
    batch.call('vmhosts', 'Get-VMHost', {'ComputerName': ref(nodes_step, 'Name')}, select=VMHOST_SELECT)
    batch.call('vms', 'Get-VM', {'ComputerName': ref(nodes_step, 'Name')}, select=VM_MEMORY_SELECT)


def node_for(computer, node_names):
    """The cluster node a computer name (short or FQDN, any case) stands for, or None."""
    if not computer:
        return None
    wanted = _key(computer)
    for name in node_names:
        if _key(name) == wanted:
            return name
    short = wanted.split('.', 1)[0]
    for name in node_names:
        if _key(name).split('.', 1)[0] == short:
            return name
    return None


def parse_capacity(step, node_names):
    """{node: MemoryCapacity bytes, None for the nodes Get-VMHost did not answer for}."""
    capacity = {name: None for name in node_names}
    for row in step.output:
        node = node_for(row.get('ComputerName') or row.get('Name'), node_names)
        if node is not None and row.get('MemoryCapacity') is not None:
            capacity[node] = int(row['MemoryCapacity'])
    return capacity


def parse_vms(step, node_names):
    """The VMs Get-VM returned: [{'name', 'id', 'state', 'host', 'clustered', 'memory'}], ``memory`` being the
    MemoryAssigned bytes (0 for a VM that is off or saved)."""
    vms = []
    for row in step.output:
        host = node_for(row.get('ComputerName'), node_names) or row.get('ComputerName')
        vms.append({'name': row.get('Name'), 'id': row.get('Id'), 'state': row.get('State'), 'host': host,
                    'clustered': bool(row.get('IsClustered')), 'memory': int(row.get('MemoryAssigned') or 0)})
    return vms


QUORUM_SELECT = ['QuorumType', 'QuorumResource.Name', 'QuorumResource.ResourceType.Name', 'QuorumResource.State']


def witness_of(row):
    """``quorum_after_losing``'s witness from a Get-ClusterQuorum row (QUORUM_SELECT): None without one."""
    row = row or {}
    if not row.get('QuorumResource.Name'):
        return None
    return {'name': row['QuorumResource.Name'], 'online': row.get('QuorumResource.State') == 'Online'}


# --- surviving node failures (cluster_capacity) --------------------------------------------------------------------

GB = 1024 * MB
# Beyond this many combinations of lost nodes the check is refused: each is a first-fit-decreasing placement.
MAX_SCENARIOS = 5000


def vm_overhead(memory_bytes):
    """Hyper-V's own memory for a running VM on top of what the VM is assigned: up to 32 MB for the first GB and
    8 MB for each further GB (rounded up), the rule of thumb of the cluster sizing guides. 0 for a VM that is off."""
    if not memory_bytes or memory_bytes <= 0:
        return 0
    gigabytes = -(-int(memory_bytes) // GB)
    return 32 * MB + 8 * MB * (gigabytes - 1)


def failure_scenarios(nodes, capacity, vms, groups, failures, reserve_bytes, overhead=True, witness=None,
                      quorum_type='Majority'):
    """Does the cluster keep every highly available VM running after losing any ``failures`` of its Up nodes?

    ``nodes``: [{'name', 'state', 'weight'}]; ``capacity``: {node: MemoryCapacity bytes or None}; ``vms``: every VM
    on the nodes, [{'name', 'host', 'clustered', 'memory'}] (``memory`` the MemoryAssigned bytes, 0 when off);
    ``groups``: the cluster groups, [{'name', 'owner_node', 'group_type', 'priority'}].

    A VM that must restart elsewhere is a running VM role whose start priority is not ``no_auto_start`` (0): the
    cluster leaves those offline after a failover. Each needs its assigned memory (plus Hyper-V's overhead with
    ``overhead``) on one surviving Up node, which offers MemoryCapacity minus what its own running VMs use minus
    ``reserve_bytes`` (first-fit decreasing, as ``evacuation_plan``). A scenario also needs quorum once the nodes are
    lost (``quorum_after_losing``). Paused nodes take no failover role and are not counted as able to fail again.

    Returns {'survives', 'scenarios', 'failing': [scenario, ...], 'worst': scenario or None, 'ha_vms': [names],
    'not_restarted': [names]}; a scenario is {'lost', 'quorum', 'unplaced', 'unplaced_bytes', 'free_after'}
    (free_after: the survivors' total free bytes after the failover). ``worst`` is the first failing scenario, else
    the one that leaves the least free memory.
    """
    up = [node['name'] for node in nodes if node.get('state') == 'Up']

    def needs(size):
        return size + (vm_overhead(size) if overhead else 0)

    by_vm = {_key(vm['name']): vm for vm in vms if vm.get('clustered') and vm.get('memory')}
    ha, not_restarted = [], []
    for group in groups:
        if group.get('group_type') != 'VirtualMachine':
            continue
        vm = by_vm.get(_key(group['name']))
        if vm is None:
            continue        # not running: nothing to restart
        if group.get('priority') == 0:
            not_restarted.append(group['name'])
            continue
        owner = node_for(group.get('owner_node'), up) or group.get('owner_node')
        ha.append((group['name'], owner, needs(vm['memory'])))
    combinations = list(itertools.combinations(up, failures)) if 0 < failures <= len(up) else []
    if len(combinations) > MAX_SCENARIOS:
        raise ValueError('%d combinations of %d lost node(s) among %d' % (len(combinations), failures, len(up)))
    # Computed once, not per scenario: what each node's running VMs use, what it offers, what must leave it.
    used = used_memory(vms, overhead)
    offer = {name: None if capacity.get(name) is None else capacity[name] - used.get(_key(name), 0) - reserve_bytes
             for name in up}
    leaving = {}
    for name, owner, size in ha:
        leaving.setdefault(_key(owner), []).append((name, size))
    scenarios = []
    for lost in combinations:
        lost_keys = {_key(name) for name in lost}
        movers = [mover for key in lost_keys for mover in leaving.get(key, [])]
        bins = sorted(((name, offer[name]) for name in up if _key(name) not in lost_keys and offer[name] is not None),
                      key=lambda pair: (-pair[1], _key(pair[0])))
        _placement, unplaced, free_after = first_fit_decreasing(movers, bins)
        sizes = dict(movers)
        quorum = quorum_after_losing(nodes, list(lost), witness, quorum_type)
        scenarios.append({'lost': list(lost), 'quorum': quorum['ok'], 'unplaced': unplaced,
                          'unplaced_bytes': sum(sizes[name] for name in unplaced),
                          'free_after': sum(free_after.values())})
    failing = [scenario for scenario in scenarios if scenario['unplaced'] or not scenario['quorum']]
    if failures > len(up):
        failing = [{'lost': list(up), 'quorum': False, 'unplaced': [name for name, _owner, _size in ha],
                    'unplaced_bytes': sum(size for _name, _owner, size in ha), 'free_after': 0}]
    failing.sort(key=lambda scenario: (-scenario['unplaced_bytes'], scenario['quorum'], scenario['free_after']))
    worst = failing[0] if failing else (min(scenarios, key=lambda scenario: scenario['free_after'])
                                        if scenarios else None)
    return {'survives': not failing, 'scenarios': len(scenarios), 'failing': failing, 'worst': worst,
            'ha_vms': sorted(name for name, _owner, _size in ha), 'not_restarted': sorted(not_restarted)}
