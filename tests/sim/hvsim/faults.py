"""Fault injection: what happens to a lab when a node crashes or comes back, and faults armed for migrations."""

from hvsim import migration
from hvsim.migration import FAULT_KINDS, Capacity, member_key, place


def has_quorum(cluster):
    """Votes of Up and Paused nodes (plus the witness) against a majority of all votes. In the disk-only quorum the
    disk alone votes: the cluster runs while any node is there to own it."""
    if cluster['quorum'].get('type') == 'DiskOnly':
        return any(member['state'] != 'Down' for member in cluster['nodes'].values())
    votes = len(cluster['nodes']) + (1 if cluster['quorum'].get('witness') else 0)
    alive = sum(1 for member in cluster['nodes'].values() if member['state'] != 'Down')
    alive += 1 if cluster['quorum'].get('witness') else 0
    return alive * 2 > votes


def node_down(state, node_name):
    """The node loses power: its VMs stop; its cluster fails the clustered ones over by priority."""
    node = state.node(node_name)
    if node is None:
        raise ValueError('no node %s in the lab' % node_name)
    node['power'] = 'off'
    for vm in state.vms_on(node['name']):
        vm['state'] = 'Off'
    cluster = state.cluster_of(node['name'])
    if cluster is None:
        return []
    key = member_key(cluster, node['name'])
    cluster['nodes'][key]['state'] = 'Down'
    migration.forget_node(cluster, key)
    if not has_quorum(cluster):
        cluster['quorum']['lost'] = True
        migration.abort_all(cluster)
        return []
    _move_csvs(cluster, node['name'])
    return _fail_over(state, cluster, node['name'])


def _move_csvs(cluster, failed_node):
    """A CSV's disk resource fails over like any cluster resource: a surviving node becomes its owner."""
    up = sorted((member['id'], name) for name, member in cluster['nodes'].items() if member['state'] == 'Up')
    for csv in cluster['csvs'].values():
        if up and (csv.get('owner') or '').lower() == failed_node.lower():
            csv['owner'] = up[0][1]


def _fail_over(state, cluster, failed_node):
    """The failed node's roles go, highest priority first, where migration.place puts them; a role that fits nowhere
    stays on the failed node, offline."""
    moved = []
    capacity = Capacity(state)
    groups = [group for group in cluster['groups'].values()
              if (group.get('owner') or '').lower() == failed_node.lower()]
    groups.sort(key=lambda group: -group.get('priority', 2000))
    for group in groups:
        if not migration.up_nodes(cluster):
            break
        vm = migration.role_vm(state, group)
        target = place(cluster, group, vm['memory_mb'] if vm else 0, capacity)
        if target is None:
            continue
        group['owner'] = target
        if vm is not None:
            # No Auto Start (priority 0) roles are moved but left offline.
            capacity.relocate(vm, target, 'Running' if group.get('priority', 2000) > 0 else 'Off')
        moved.append((group['name'], target))
    return moved


def node_up(state, node_name):
    node = state.node(node_name)
    if node is None:
        raise ValueError('no node %s in the lab' % node_name)
    node['power'] = 'on'
    cluster = state.cluster_of(node['name'])
    if cluster is not None:
        member = cluster['nodes'][member_key(cluster, node['name'])]
        if member['state'] == 'Down':
            member['state'] = 'Up'
        if cluster['quorum'].get('lost') and has_quorum(cluster):
            cluster['quorum'].pop('lost', None)


# --- faults armed for the next migration (consumed by migration.take_fault) -----------------------------------------

def armed(state):
    """The armed faults, in arming order: [{"kind", "node"}]."""
    return [dict(fault) for fault in state.data.get('faults') or []]


def arm(state, kind, node_name):
    if kind not in FAULT_KINDS:
        raise ValueError('unknown migration fault %s (one of %s)' % (kind, ', '.join(FAULT_KINDS)))
    return state.arm_fault(kind, node_name)


def clear(state):
    """Disarm every armed fault; returns how many there were."""
    count = len(state.data.get('faults') or [])
    state.data['faults'] = []
    return count
