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
    return _fail_over(state, cluster, node['name'])


def _fail_over(state, cluster, failed_node):
    moved = []
    groups = [group for group in cluster['groups'].values()
              if (group.get('owner') or '').lower() == failed_node.lower()]
    groups.sort(key=lambda group: -group.get('priority', 2000))
    for group in groups:
        up = [name for name, member in cluster['nodes'].items() if member['state'] == 'Up']
        if not up:
            break
        preferred = [name for name in (group.get('preferred_owners') or []) if name in up]
        vm = state.vms.get(group.get('vm_id')) if group.get('vm_id') else None
        need = vm['memory_mb'] if vm else 0
        candidates = [name for name in (preferred or up) if _free_memory_mb(state, name) >= need] or []
        if not candidates:
            continue  # nowhere to run it: the role stays on the failed node, offline
        target = max(candidates, key=lambda name: (name in preferred, _free_memory_mb(state, name)))
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
