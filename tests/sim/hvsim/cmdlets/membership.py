"""FailoverClusters cmdlets that create a cluster and change who belongs to it: New-Cluster, Add-ClusterNode,
Remove-ClusterNode. Their semantics are the simulator's contract in tests/sim/CLUSTERING.md.
"""

import ipaddress

from hvsim import errors, features, presets
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.failoverclusters import cluster_object, node_object, target_cluster
from hvsim.faults import _fail_over, _move_csvs, has_quorum
from hvsim.migration import member_key
from hvsim.presets import DOMAIN, _uuid

MAX_NAME_LENGTH = 15           # a cluster name is a NetBIOS computer name (the CNO)
CLUSTER_FEATURE = 'Failover-Clustering'


def _name_problem(name):
    if len(name) > MAX_NAME_LENGTH:
        return ("The cluster name '%s' is not valid: it is longer than %d characters, the maximum for a NetBIOS "
                "computer name." % (name, MAX_NAME_LENGTH))
    if not all(char.isalnum() or char == '-' for char in name) or name.isdigit() or name.startswith('-'):
        return ("The cluster name '%s' is not valid: a computer name uses letters, digits and hyphens, and is not "
                "all digits." % name)
    return None


def _joinable(ctx, name, cmdlet_name):
    """The node a computer name designates, if it can join a cluster; else the error Windows gives."""
    node = ctx.state.computer(name)
    if node is None or node.get('power') != 'on':
        raise errors.cluster_error(cmdlet_name, "The computer '%s' could not be reached. The RPC server is "
                                   "unavailable." % name, 'ConnectionError', name)
    if not node.get('domain'):
        raise errors.cluster_error(cmdlet_name, "The computer '%s' is not joined to a domain. A failover cluster needs "
                                   "its nodes in an Active Directory domain." % name, 'InvalidOperation', name)
    if not features.available(node, CLUSTER_FEATURE):
        raise errors.cluster_error(cmdlet_name, "The computer '%s' does not have the Failover Clustering feature "
                                   "installed." % name, 'InvalidOperation', name)
    if node.get('cluster'):
        raise errors.cluster_error(cmdlet_name, "There was an error adding node '%s' to the cluster.\n    The "
                                   "computer '%s' is joined to a cluster." % (name, node.get('fqdn') or name),
                                   'InvalidOperation', name)
    return node


def _networks(ctx, cluster_name, nodes, ignored):
    """Cluster networks: one per IPv4 subnet the nodes' adapters share (not the ignored ones), as New-Cluster finds
    them; the one of the first adapter (management) carries client traffic."""
    subnets = []
    for node in nodes:
        for nic in node.get('nics') or []:
            if not nic.get('ipv4'):
                continue
            subnet = ipaddress.ip_network('%s/24' % nic['ipv4'], strict=False)
            if subnet not in subnets and not any(subnet.subnet_of(network) for network in ignored):
                subnets.append(subnet)
    return [{'name': 'Cluster Network %d' % number, 'address': str(subnet.network_address),
             'address_mask': str(subnet.netmask), 'prefix_length': subnet.prefixlen,
             'role': 'ClusterAndClient' if number == 1 else 'Cluster', 'metric': 70000 + number if number == 1
             else 39000 + number, 'auto_metric': True, 'state': 'Up', 'id': _uuid(cluster_name, 'network', subnet)}
            for number, subnet in enumerate(subnets, start=1)]


def _parse_networks(values, cmdlet_name, what):
    parsed = []
    for value in values or []:
        try:
            parsed.append(ipaddress.ip_network(str(value), strict=False) if what == 'network'
                          else ipaddress.ip_address(str(value).split('/', 1)[0]))
        except ValueError as error:
            raise errors.cluster_error(cmdlet_name, "'%s' is not a valid %s." % (value, 'network (CIDR)' if
                                       what == 'network' else 'IPv4 address'), 'InvalidArgument', value) from error
    return parsed


@cmdlet('New-Cluster')
def new_cluster(ctx, Name=None, Node=None, StaticAddress=None, IgnoreNetwork=None, NoStorage=False, S2D=False,
                AdministrativeAccessPoint=None, ManagementPointNetworkType=None, Force=False):
    cmdlet_name = 'New-Cluster'
    problem = _name_problem(Name)
    if problem:
        raise errors.cluster_error(cmdlet_name, problem, 'InvalidArgument', Name)
    domain = ctx.state.data['domain']
    if ctx.state.cluster(Name) is not None or Name.upper() in domain.get('computers', []):
        raise errors.cluster_error(cmdlet_name, "There was an error creating the cluster name account: a computer "
                                   "object named '%s' already exists in Active Directory." % Name,
                                   'ResourceExists', Name)
    names = list(Node or []) or [ctx.node_name]
    nodes = []
    for name in names:
        node = _joinable(ctx, name, cmdlet_name)
        if node not in nodes:
            nodes.append(node)
    if AdministrativeAccessPoint in (None, 'ActiveDirectoryAndDns', 'ActiveDirectory') and not domain.get(
            'cno_rights', True):
        raise errors.cluster_error(
            cmdlet_name, "There was an error creating the cluster name account '%s' in Active Directory.\n    "
            "Access is denied. The account creating the cluster needs the right to create computer objects in the "
            "nodes' organizational unit, or a prestaged computer object it has Full Control over." % Name,
            'PermissionDenied', Name)
    ignored = _parse_networks(IgnoreNetwork, cmdlet_name, 'network')
    networks = _networks(ctx, Name, nodes, ignored)
    addresses = _parse_networks(StaticAddress, cmdlet_name, 'address')
    for address in addresses:
        if not any(address in ipaddress.ip_network('%s/%s' % (network['address'], network['prefix_length']))
                   for network in networks):
            raise errors.cluster_error(cmdlet_name, "Static address '%s' was not found on any cluster network."
                                       % StaticAddress[addresses.index(address)], 'InvalidArgument', str(address))
    node_names = [node['name'] for node in nodes]
    cluster = presets.cluster_record(Name, node_names, 0)
    cluster.update(csvs={}, networks=networks, quorum={'type': 'Majority', 'witness': None},
                   static_addresses=[str(address) for address in addresses],
                   administrative_access_point=AdministrativeAccessPoint or 'ActiveDirectoryAndDns')
    cluster['available_disks'] = [] if NoStorage else list(ctx.state.data.get('shared_disks') or [])
    cluster['domain'] = nodes[0].get('domain') or DOMAIN
    ctx.state.clusters[Name] = cluster
    for node in nodes:
        node['cluster'] = Name
    if cluster['administrative_access_point'] != 'None':
        domain.setdefault('computers', []).append(Name.upper())
    return [cluster_object(ctx, cluster)]


@cmdlet('Add-ClusterNode')
def add_cluster_node(ctx, Name=None, Cluster=None, InputObject=None, NoStorage=False):
    cmdlet_name = 'Add-ClusterNode'
    cluster = target_cluster(ctx, Cluster)
    output = []
    for name in list(Name or []) or [ctx.node_name]:
        node = ctx.state.computer(name)
        if node is not None and member_key(cluster, node['name']):
            raise errors.cluster_error(cmdlet_name, "There was an error adding node '%s' to the cluster.\n    The "
                                       "computer '%s' is joined to a cluster." % (name, node.get('fqdn') or name),
                                       'InvalidOperation', name)
        node = _joinable(ctx, name, cmdlet_name)
        number = max([member['id'] for member in cluster['nodes'].values()] or [0]) + 1
        cluster['nodes'][node['name']] = {'id': number, 'state': 'Up', 'drain_status': 'NotInitiated'}
        node['cluster'] = cluster['name']
        output.append(node_object(ctx, cluster, node['name']))
    return output


@cmdlet('Remove-ClusterNode')
def remove_cluster_node(ctx, Name=None, Cluster=None, InputObject=None, Force=False, Wait=None,
                        IgnoreStorageConnectivityLoss=False, CleanupDisks=False):
    cmdlet_name = 'Remove-ClusterNode'
    cluster = target_cluster(ctx, Cluster)
    for name in list(Name or []) or [ctx.node_name]:
        node = ctx.state.computer(name)
        key = member_key(cluster, node['name']) if node else None
        if key is None:
            raise errors.cluster_object_not_found(cmdlet_name, 'node', name)
        if len(cluster['nodes']) == 1:
            raise errors.cluster_error(cmdlet_name, "The node '%s' is the last node of cluster '%s'. Remove the "
                                       "cluster instead (Remove-Cluster)." % (key, cluster['name']),
                                       'InvalidOperation', key)
        # Its roles go to the other nodes first, as in a failover (a Down node's already went).
        cluster['nodes'][key]['state'] = 'Down'
        _move_csvs(cluster, key)
        _fail_over(ctx.state, cluster, key)
        del cluster['nodes'][key]
        node['cluster'] = None
        for vm in ctx.state.vms_on(key):
            for group in list(cluster['groups'].values()):
                if group.get('vm_id') == vm['id']:
                    # A role that found no other node leaves the cluster with the node; the VM stays, unclustered.
                    del cluster['groups'][group['name']]
        if not has_quorum(cluster):
            cluster['quorum']['lost'] = True
    return []
