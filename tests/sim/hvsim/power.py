"""Planned restarts of a node: what Windows does when ansible.windows.win_reboot (or win_updates with reboot) restarts
a Hyper-V cluster node.

A restart is a power loss the cluster sees coming only as far as the node's roles go: the node goes down exactly as
with the ``node-down`` fault (``faults.node_down``: its VMs stop, its cluster marks it ``Down`` and fails the
clustered roles it still owns over to the ``Up`` nodes; a node drained first owns none), then comes back
(``faults.node_up``) with:

- power on and ``pending_reboot`` false (the restart completes what installed updates or features were waiting for):
  feature installs and removals waiting for it take effect (``features.complete_pending``), and so does a domain join
  or leave (``domainjoin.complete_pending``), and W32Time starts with the parameters in the registry;
- its cluster member state as before the restart when it was ``Paused`` (a paused node stays paused across a reboot,
  as Windows keeps the node's paused state in the cluster database), else ``Up``; its ``drain_status`` unchanged;
- VMs that are not clustered roles stay ``Off``: Hyper-V's automatic start action is not modelled **(sim choice)**;
- clustered roles that could not fail over (no other ``Up`` node with room for them) stay on the node, as after
  ``node-up``: offline **(sim choice)**; roles that failed over do not fail back by themselves.

The restart itself takes ``BOOT_SECONDS`` of simulated time (a node may override it with ``boot_seconds``), which
the reboot twins report as ``elapsed`` and compare with their ``reboot_timeout``.
"""

from hvsim import domainjoin, faults, features, registry
from hvsim.state import LabState

BOOT_SECONDS = 60


def _member(cluster, node_name):
    """The node's entry in its cluster's member list (names are case-insensitive)."""
    for name, member in cluster['nodes'].items():
        if name.lower() == node_name.lower():
            return member
    raise ValueError('%s is not a member of cluster %s' % (node_name, cluster['name']))


def boot_seconds(node):
    """Simulated seconds from the restart command until the node answers again."""
    return int(node.get('boot_seconds', BOOT_SECONDS))


def reboot(state, node_name):
    """Restart a powered-on node. Returns ``{"moved": [(role, new owner), ...], "boot_seconds": N}``.

    Raises ValueError for an unknown or powered-off node (a twin reports that node unreachable before it gets here).
    """
    node = state.node(node_name)
    if node is None:
        raise ValueError('no node %s in the lab' % node_name)
    if node.get('power') != 'on':
        raise ValueError('node %s is powered off: it cannot be restarted' % node['name'])
    cluster = state.cluster_of(node['name'])
    before = None
    if cluster is not None:
        member = _member(cluster, node['name'])
        before = {'state': member['state'], 'drain_status': member.get('drain_status', 'NotInitiated')}
    moved = faults.node_down(state, node['name'])
    faults.node_up(state, node['name'])
    node['pending_reboot'] = False
    features.complete_pending(node)
    domainjoin.complete_pending(state, node)
    registry.apply_w32time(node)    # W32Time starts again and reads its parameters
    if cluster is not None:
        member = _member(cluster, node['name'])
        if before['state'] == 'Paused':
            member['state'] = 'Paused'
        member['drain_status'] = before['drain_status']
    return {'moved': list(moved or []), 'boot_seconds': boot_seconds(node)}


def unreachable_message(node_name):
    """What a task on a powered-off node reports (the connection to its WinRM/PSRP endpoint fails)."""
    return 'psrp connection failure during runspace pool open: %s is powered off' % node_name


def reboot_host(lab_dir, node_name, reboot_timeout=600, post_reboot_delay=0):
    """What ansible.windows' plugin_utils/_reboot.py ``reboot_host`` returns, for a restart of a simulated node.

    ``{"changed", "elapsed", "failed", "unreachable", "rebooted"}`` (+ ``msg`` on failure, and ``sim_failed_over``: the
    clustered roles that failed over, ``[role, new owner]``). A powered-off node is unreachable (the pre-reboot boot time check cannot connect). The node
    restarts (``reboot``); when it takes longer to come back than ``reboot_timeout`` (after ``post_reboot_delay``),
    the task fails as the real wait does, though the node does come back.
    """
    result = {'changed': False, 'elapsed': 0, 'failed': False, 'unreachable': False, 'rebooted': False}
    with LabState.open(lab_dir) as state:
        node = state.node(node_name)
        if node is None or node.get('power') != 'on':
            result.update(unreachable=True, msg=unreachable_message(node_name))
            return result
        outcome = reboot(state, node_name)
    result.update(changed=True, rebooted=True, sim_failed_over=[list(move) for move in outcome['moved']])
    post_reboot_delay = max(float(post_reboot_delay or 0), 0.0)
    wait = max(outcome['boot_seconds'] - post_reboot_delay, 0.0)
    if wait > float(reboot_timeout):
        result.update(failed=True, elapsed=int(post_reboot_delay + float(reboot_timeout)),
                      msg='Timed out waiting for last boot time check (timeout=%s)' % reboot_timeout)
        return result
    result['elapsed'] = int(post_reboot_delay + wait)
    return result
