"""Fault injection: what happens to a lab when a node crashes or comes back."""

from hvsim.cmdlets.failoverclusters import member_key


def _free_memory_mb(state, node_name):
    node = state.node(node_name)
    used = sum(vm['memory_mb'] for vm in state.vms_on(node_name) if vm['state'] in ('Running', 'Paused'))
    return node['hardware']['memory_mb'] - node.get('host_reserve_mb', 0) - used


def has_quorum(cluster):
    """Votes of Up and Paused nodes (plus the witness) against a majority of all votes."""
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
    cluster['nodes'][member_key(cluster, node['name'])]['state'] = 'Down'
    if not has_quorum(cluster):
        cluster['quorum']['lost'] = True
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
    moved = []
    groups = [group for group in cluster['groups'].values()
              if (group.get('owner') or '').lower() == failed_node.lower()]
    groups.sort(key=lambda group: -group.get('priority', 2000))
    for group in groups:
        up = [name for name, member in cluster['nodes'].items() if member['state'] == 'Up']
        if not up:
            break
        vm = state.vms.get(group.get('vm_id')) if group.get('vm_id') else None
        need = vm['memory_mb'] if vm else 0
        fits = [name for name in up if _free_memory_mb(state, name) >= need]
        if not fits:
            continue  # nowhere to run it: the role stays on the failed node, offline
        # Preferred owners are an order of preference (Set-ClusterOwnerNode: "specifies the order of preference
        # among owner nodes for a clustered role"), not a restriction: the first one listed that is Up and has room
        # takes the role; when none can, any other node can.
        preferred = [member_key(cluster, name) for name in (group.get('preferred_owners') or [])]
        listed = [name for name in preferred if name in fits]
        target = listed[0] if listed else max(fits, key=lambda name: _free_memory_mb(state, name))
        group['owner'] = target
        if vm is not None:
            vm['host'] = target
            # No Auto Start (priority 0) roles are moved but left offline.
            vm['state'] = 'Running' if group.get('priority', 2000) > 0 else 'Off'
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
