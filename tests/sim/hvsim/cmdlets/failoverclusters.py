"""FailoverClusters cmdlets (Microsoft docs, winserver2025-ps/FailoverClusters; object shapes of module 2.0.0.0).

Objects stringify to their Name, and object-typed properties (OwnerNode, OwnerGroup, ResourceType) hold objects, as
windows.md 3.2 / 6.1 describe; enums are their names (ClusterNodeState Up/Down/Paused/Joining,
ClusterGroupState Online/Offline/Failed/PartialOnline/Pending, ClusterQuorumType Majority/DiskOnly, ...).
"""

import fnmatch

from hvsim import errors, migration
from hvsim.cmdlets import cmdlet
from hvsim.migration import group_key, member_key
from hvsim.presets import vm_group
from hvsim.psobject import PSObject

VALID_PRIORITIES = (0, 1000, 2000, 3000)
CORE_GROUPS = ('Cluster Group', 'Available Storage')
VALID_AUTO_FAILBACK_TYPES = (0, 1)     # ClusterGroupAutoFailbackType: PreventFailback, AllowFailback


# --- lookups ------------------------------------------------------------------------------------------------------

def target_cluster(ctx, name=None):
    """The cluster a cmdlet acts on: -Cluster NAME, else the cluster of the node it runs on.

    NAME is the cluster's name or the name (short or FQDN) of one of its nodes, which must then be on to answer.
    """
    if name:
        cluster, via = ctx.state.reach_cluster(name)
        if via is not None and via.get('power') != 'on':
            cluster = None
        if cluster is None or cluster['quorum'].get('lost') or not any(
                ctx.state.node(n) and ctx.state.node(n).get('power') == 'on' for n in cluster['nodes']):
            raise errors.cluster_not_found(name)
        return cluster
    cluster = ctx.state.cluster_of(ctx.node_name)
    if cluster is None or cluster['quorum'].get('lost'):
        # No cluster here, or the cluster lost quorum and its service stopped on the surviving nodes.
        raise errors.cluster_service_not_running(ctx.cmdlet)
    return cluster


def vm_of_group(ctx, group):
    return ctx.state.vms.get(group.get('vm_id')) if group.get('vm_id') else None


def group_state(ctx, cluster, group):
    if group['type'] == 'VirtualMachine':
        vm = vm_of_group(ctx, group)
        if vm is None:
            return 'Failed'
        return 'Online' if vm['state'] in ('Running', 'Paused') else 'Offline'
    owner = cluster['nodes'].get(group.get('owner'))
    return 'Online' if owner and owner['state'] != 'Down' else 'Offline'


# --- object builders ----------------------------------------------------------------------------------------------

def cluster_object(ctx, cluster):
    return PSObject('Microsoft.FailoverClusters.PowerShell.Cluster', {
        'Name': cluster['name'],
        'Domain': cluster['domain'],
        'Id': cluster['id'],
        'SharedVolumesRoot': cluster.get('shared_volumes_root', 'C:\\ClusterStorage'),
        'EnableSharedVolumes': 'Enabled',
        'AdministrativeAccessPoint': 'ActiveDirectoryAndDns',
        'DynamicQuorum': 1,
        'MaximumParallelMigrations': cluster.get('maximum_parallel_migrations', 2),
        'DrainOnShutdown': 1,
        'ClusterFunctionalLevel': cluster.get('functional_level', 11),
        'SameSubnetDelay': 1000,
        'SameSubnetThreshold': 10,
        'CrossSubnetDelay': 1000,
        'CrossSubnetThreshold': 20,
    })


def node_object(ctx, cluster, key):
    member = cluster['nodes'][key]
    node = ctx.state.node(key) or {}
    build = (node.get('os') or {}).get('build', 20348)
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterNode', {
        'Name': key,
        'NodeName': key,
        'Id': str(member['id']),
        'State': member['state'],
        'DrainStatus': member.get('drain_status', 'NotInitiated'),
        'StatusInformation': member.get('status_information', 'Normal'),
        'DynamicWeight': 1 if member['state'] == 'Up' else 0,
        'NodeWeight': 1,
        'MajorVersion': 10,
        'MinorVersion': 0,
        'BuildNumber': build,
        'Type': 'Node',
        'Cluster': cluster['name'],
    })


def owner_node_object(ctx, cluster, node_name):
    """OwnerNode properties are ClusterNode objects (they print as the node name, and .Name/.State can be read)."""
    key = member_key(cluster, node_name) if node_name else None
    return node_object(ctx, cluster, key) if key else None


def group_object(ctx, cluster, key):
    group = cluster['groups'][key]

    def set_priority(value):
        if not isinstance(value, int) or isinstance(value, bool) or value not in VALID_PRIORITIES:
            raise errors.cluster_error('Set', 'The parameter is incorrect', 'InvalidArgument', key)
        group['priority'] = value

    def set_auto_failback_type(value):
        if not isinstance(value, int) or isinstance(value, bool) or value not in VALID_AUTO_FAILBACK_TYPES:
            raise errors.cluster_error('Set', 'The parameter is incorrect', 'InvalidArgument', key)
        group['auto_failback_type'] = value

    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterGroup', {
        'Name': group['name'],
        'OwnerNode': owner_node_object(ctx, cluster, group.get('owner')),
        'State': group_state(ctx, cluster, group),
        'GroupType': group['type'],
        'Priority': group.get('priority', 2000),
        'IsCoreGroup': group['name'] == 'Cluster Group',
        'Id': group['id'],
        'Cluster': cluster['name'],
        'AutoFailbackType': group.get('auto_failback_type', 0),
        'FailoverThreshold': 4294967295,
        'FailoverPeriod': 6,
        'PersistentState': 1,
    }, setters={'Priority': set_priority, 'AutoFailbackType': set_auto_failback_type})


def csv_used_bytes(ctx, csv):
    used = csv.get('base_used_bytes', 0)
    prefix = csv['path'].lower().rstrip('\\') + '\\'
    for vm in ctx.state.vms.values():
        if vm['path'].lower().startswith(prefix):
            used += vm.get('disk_bytes', 0)
    return min(used, csv['size_bytes'])


def csv_object(ctx, cluster, csv):
    used = csv_used_bytes(ctx, csv)
    free = csv['size_bytes'] - used
    partition = PSObject('Microsoft.FailoverClusters.PowerShell.ClusterDiskPartitionInfo', {
        'Name': '\\\\?\\Volume{%s}\\' % csv['volume_id'],
        'Size': csv['size_bytes'],
        'FreeSpace': free,
        'UsedSpace': used,
        'PercentFree': round(100.0 * free / csv['size_bytes'], 2) if csv['size_bytes'] else 0.0,
        'FileSystem': 'CSVFS',
        'MountPoints': [],
    })
    info = PSObject('Microsoft.FailoverClusters.PowerShell.ClusterSharedVolumeInfo', {
        'FriendlyVolumeName': csv['path'],
        'Partition': partition,
        'FaultState': 'NoFaults',
        'RedirectedAccess': False,
        'VolumeOffset': 1048576,
        'PartitionNumber': 2,
    }, text='Microsoft.FailoverClusters.PowerShell.ClusterSharedVolumeInfo')
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterSharedVolume', {
        'Name': csv['name'],
        'Id': csv['id'],
        'State': csv.get('state', 'Online'),
        'OwnerNode': owner_node_object(ctx, cluster, csv['owner']),
        'SharedVolumeInfo': [info],
    })


def resource_type(name, display_name):
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterResourceType',
                    {'Name': name, 'DisplayName': display_name})


def quorum_resource(ctx, cluster):
    witness = cluster['quorum'].get('witness')
    if not witness:
        return None
    kind = witness['kind']
    if kind == 'disk':
        name, rtype = witness['resource'], resource_type('Physical Disk', 'Physical Disk')
    elif kind == 'file_share':
        name, rtype = 'File Share Witness', resource_type('File Share Witness', 'File Share Quorum Witness')
    else:
        name, rtype = 'Cloud Witness', resource_type('Cloud Witness', 'Cloud Witness')
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterResource', {
        'Name': name, 'ResourceType': rtype, 'State': 'Online',
        'OwnerGroup': group_object(ctx, cluster, 'Cluster Group') if 'Cluster Group' in cluster['groups'] else None,
        'OwnerNode': owner_node_object(ctx, cluster, (cluster['groups'].get('Cluster Group') or {}).get('owner')),
        'IsCoreResource': True,
    })


NETWORK_ROLES = {'none': 'None', 'cluster': 'Cluster', 'client': 'Client', 'clusterandclient': 'ClusterAndClient',
                 '0': 'None', '1': 'Cluster', '2': 'Client', '3': 'ClusterAndClient'}


def network_object(cluster, network):
    """A ClusterNetwork; Name, Role (ClusterNetworkRole, by name or number) and Metric (UInt32, which turns
    AutoMetric off) can be set, as on Windows, and take effect at once."""

    def set_name(value):
        taken = [other for other in cluster['networks'] if other is not network
                 and str(other['name']).lower() == str(value).lower()]
        if not isinstance(value, str) or not value.strip() or taken:
            raise errors.cluster_error('Set', 'The cluster network name is not valid or already in use',
                                       'InvalidArgument', value)
        network['name'] = value

    def set_role(value):
        role = NETWORK_ROLES.get(str(value).replace(' ', '').lower()) if not isinstance(value, bool) else None
        if role is None:
            raise errors.cluster_error('Set', 'Cannot convert value "%s" to type ClusterNetworkRole' % value,
                                       'InvalidArgument', value)
        network['role'] = role

    def set_metric(value):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
            raise errors.cluster_error('Set', 'The parameter is incorrect', 'InvalidArgument', value)
        network['metric'] = value
        network['auto_metric'] = False

    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterNetwork', {
        'Name': network['name'],
        'Address': network['address'],
        'AddressMask': network['address_mask'],
        'Role': network['role'],
        'Metric': network['metric'],
        'AutoMetric': network.get('auto_metric', True),
        'State': network.get('state', 'Up'),
        'Id': network['id'],
        'Ipv4Addresses': [network['address']],
        'Ipv4PrefixLengths': [network.get('prefix_length', 24)],
        'Cluster': cluster['name'],
    }, setters={'Name': set_name, 'Role': set_role, 'Metric': set_metric})


def _select_names(available, names, kind, cmdlet, ctx):
    """Objects named in -Name (wildcards allowed), writing a not-found error for each plain name that matched none."""
    if not names:
        return list(available)
    chosen = []
    for name in names:
        matches = [key for key in available if fnmatch.fnmatchcase(key.lower(), name.lower())]
        if not matches and not any(char in name for char in '*?['):
            ctx.write_error(errors.cluster_object_not_found(cmdlet, kind, name))
        chosen.extend(match for match in matches if match not in chosen)
    return chosen


# --- cmdlets ------------------------------------------------------------------------------------------------------

@cmdlet('Get-Cluster')
def get_cluster(ctx, Name=None, Domain=None):
    return [cluster_object(ctx, target_cluster(ctx, Name))]


@cmdlet('Get-ClusterNode')
def get_cluster_node(ctx, Name=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    keys = _select_names(list(cluster['nodes']), Name, 'node', 'Get-ClusterNode', ctx)
    return [node_object(ctx, cluster, key) for key in sorted(keys, key=lambda k: cluster['nodes'][k]['id'])]


@cmdlet('Get-ClusterQuorum')
def get_cluster_quorum(ctx, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    return [PSObject('Microsoft.FailoverClusters.PowerShell.ClusterQuorumSettings', {
        'Cluster': cluster['name'],
        'QuorumResource': quorum_resource(ctx, cluster),
        'QuorumType': cluster['quorum'].get('type', 'Majority'),
    }, text=cluster['name'])]


@cmdlet('Get-ClusterSharedVolume')
def get_cluster_shared_volume(ctx, Name=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    keys = _select_names(list(cluster['csvs']), Name, 'resource', 'Get-ClusterSharedVolume', ctx)
    return [csv_object(ctx, cluster, cluster['csvs'][key]) for key in keys]


@cmdlet('Get-ClusterNetwork')
def get_cluster_network(ctx, Name=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    networks = {network['name']: network for network in cluster['networks']}
    keys = _select_names(list(networks), Name, 'network', 'Get-ClusterNetwork', ctx)
    return [network_object(cluster, networks[key]) for key in keys]


@cmdlet('Get-ClusterGroup')
def get_cluster_group(ctx, Name=None, VMId=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    if VMId:
        keys = [key for key, group in cluster['groups'].items() if group.get('vm_id') == VMId]
        if not keys:
            raise errors.cluster_object_not_found('Get-ClusterGroup', 'group', VMId)
    else:
        keys = _select_names(list(cluster['groups']), Name, 'group', 'Get-ClusterGroup', ctx)
    return [group_object(ctx, cluster, key) for key in keys]


@cmdlet('Get-ClusterOwnerNode')
def get_cluster_owner_node(ctx, Group=None, Resource=None, ResourceType=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    if not Group:
        raise errors.cluster_error('Get-ClusterOwnerNode', 'hvsim simulates Get-ClusterOwnerNode -Group only.')
    key = group_key(cluster, Group)
    if key is None:
        raise errors.cluster_object_not_found('Get-ClusterOwnerNode', 'group', Group)
    owners = [node_object(ctx, cluster, member_key(cluster, name)) for name in cluster['groups'][key]['preferred_owners']]
    return [PSObject('Microsoft.FailoverClusters.PowerShell.ClusterOwnerNodeList',
                     {'ClusterObject': key, 'OwnerNodes': owners}, text=key)]


@cmdlet('Set-ClusterOwnerNode')
def set_cluster_owner_node(ctx, Owners, Group=None, Resource=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    if not Group:
        raise errors.cluster_error('Set-ClusterOwnerNode', 'hvsim simulates Set-ClusterOwnerNode -Group only.')
    key = group_key(cluster, Group)
    if key is None:
        raise errors.cluster_object_not_found('Set-ClusterOwnerNode', 'group', Group)
    members = []
    for owner in Owners:
        member = member_key(cluster, owner)
        if member is None:
            raise errors.cluster_object_not_found('Set-ClusterOwnerNode', 'node', owner)
        if member not in members:
            members.append(member)
    cluster['groups'][key]['preferred_owners'] = members
    return []


@cmdlet('Add-ClusterVirtualMachineRole')
def add_cluster_virtual_machine_role(ctx, VMName=None, VirtualMachine=None, VMId=None, Name=None, Cluster=None,
                                     InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    wanted = VMName or VirtualMachine
    candidates = []
    for node_name in cluster['nodes']:
        node = ctx.state.node(node_name)
        if not node or node.get('power') != 'on':
            continue
        for vm in ctx.state.vms_on(node_name):
            if (VMId and vm['id'] == VMId) or (wanted and vm['name'].lower() == wanted.lower()):
                candidates.append(vm)
    label = VMId or wanted
    if not candidates:
        raise errors.cluster_error('Add-ClusterVirtualMachineRole',
                                   "There was an error configuring the virtual machine '%s' for high availability. "
                                   "The virtual machine could not be found on any node of cluster '%s'."
                                   % (label, cluster['name']), 'ObjectNotFound', label)
    if len(candidates) > 1:
        raise errors.cluster_error('Add-ClusterVirtualMachineRole',
                                   "More than one virtual machine named '%s' exists on the cluster nodes; specify "
                                   "-VMId." % label, 'InvalidArgument', label)
    vm = candidates[0]
    if any(group.get('vm_id') == vm['id'] for group in cluster['groups'].values()):
        raise errors.cluster_error('Add-ClusterVirtualMachineRole',
                                   "The virtual machine '%s' is already configured for high availability in "
                                   "cluster '%s'." % (vm['name'], cluster['name']), 'InvalidOperation', vm['name'])
    group_name = Name or vm['name']
    if group_key(cluster, group_name) is not None:
        raise errors.cluster_error('Add-ClusterVirtualMachineRole',
                                   "An error occurred while creating cluster group '%s'.\n    The cluster group "
                                   "already exists." % group_name, 'ResourceExists', group_name)
    cluster['groups'][group_name] = dict(vm_group(vm, member_key(cluster, vm['host'])), name=group_name)
    return [group_object(ctx, cluster, group_name)]


@cmdlet('Remove-ClusterGroup')
def remove_cluster_group(ctx, Name=None, VMId=None, Force=False, RemoveResources=False, Cluster=None,
                         InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    if VMId:
        keys = [key for key, group in cluster['groups'].items() if group.get('vm_id') == VMId]
        if not keys:
            raise errors.cluster_object_not_found('Remove-ClusterGroup', 'group', VMId)
    else:
        keys = []
        for name in Name or []:
            key = group_key(cluster, name)
            if key is None:
                ctx.write_error(errors.cluster_object_not_found('Remove-ClusterGroup', 'group', name))
            else:
                keys.append(key)
    for key in keys:
        group = cluster['groups'][key]
        if key in CORE_GROUPS:
            ctx.write_error(errors.cluster_error('Remove-ClusterGroup', "The cluster group '%s' is a core group "
                                                 "and cannot be removed." % key, 'InvalidOperation', key))
            continue
        if group.get('resources') and not RemoveResources:
            ctx.write_error(errors.cluster_error('Remove-ClusterGroup', "The group '%s' still contains resources. "
                                                 "Remove the resources first or specify -RemoveResources." % key,
                                                 'InvalidOperation', key))
            continue
        del cluster['groups'][key]
    return []


# --- moves and node maintenance (tests/sim/MIGRATION.md) ----------------------------------------------------------

def _names_of(objects):
    """Names of pipeline objects (ClusterGroup, ClusterNode...) or plain strings passed as -InputObject."""
    items = objects if isinstance(objects, list) else [objects]
    return [item.get('Name') if isinstance(item, PSObject) else str(item) for item in items if item is not None]


def _role_key(ctx, cluster, name, vm_id, input_object, cmdlet_name):
    if vm_id:
        keys = [key for key, group in cluster['groups'].items() if group.get('vm_id') == vm_id]
        if not keys:
            raise errors.cluster_object_not_found(cmdlet_name, 'group', vm_id)
        return keys[0]
    if not name and input_object:
        name = (_names_of(input_object) or [None])[0]
    if not name:
        raise errors.cluster_error(cmdlet_name, 'Specify the clustered role to move: -Name, -VMId or -InputObject.',
                                   'InvalidArgument')
    key = group_key(cluster, name)
    if key is None:
        raise errors.cluster_object_not_found(cmdlet_name, 'group', name)
    return key


def _node_keys(ctx, cluster, names, input_object, cmdlet_name):
    """Cluster members named by -Name (short or FQDN) or -InputObject; the local node by default."""
    names = list(names or []) or _names_of(input_object or []) or [ctx.node_name]
    keys = []
    for name in names:
        node = ctx.state.computer(name)
        key = member_key(cluster, node['name']) if node else None
        if key is None:
            raise errors.cluster_object_not_found(cmdlet_name, 'node', name)
        if key not in keys:
            keys.append(key)
    return keys


def _pending_move(key, source, target, migration_type, fault):
    hung = fault == 'migration-timeout'
    return {'op': 'move', 'group': key, 'source': source, 'target': target, 'type': migration_type, 'hung': hung,
            'fault': None if hung else fault}


@cmdlet('Move-ClusterVirtualMachineRole')
def move_cluster_virtual_machine_role(ctx, Name=None, Node=None, MigrationType=None, Wait=None, Cancel=False,
                                      IgnoreLocked=False, VMId=None, Cluster=None, InputObject=None):
    cmdlet_name = 'Move-ClusterVirtualMachineRole'
    cluster = target_cluster(ctx, Cluster)
    key = _role_key(ctx, cluster, Name, VMId, InputObject, cmdlet_name)
    group = cluster['groups'][key]
    if group['type'] != 'VirtualMachine':
        raise errors.not_a_vm_role(cmdlet_name, key)
    if Cancel:
        # The VM stays online on the source; there is nothing to cancel once a move is done.
        migration.cancel_move(cluster, key)
        return [group_object(ctx, cluster, key)]
    if migration.move_in_progress(cluster, key) is not None:
        raise errors.role_move_in_progress(cmdlet_name, key)
    source = group.get('owner')
    migration_type = MigrationType or 'Live'
    capacity = migration.Capacity(ctx.state)
    need = migration.role_need_mb(ctx.state, group, migration_type)
    if Node:
        target = member_key(cluster, (ctx.state.computer(Node) or {}).get('name', Node))
        if target is None:
            raise errors.cluster_object_not_found(cmdlet_name, 'node', Node)
        if migration.same(target, source):
            return [group_object(ctx, cluster, key)]
        if cluster['nodes'][target]['state'] != 'Up':
            raise errors.node_cannot_host_role(cmdlet_name, key, target, cluster['nodes'][target]['state'])
    else:
        # The cluster picks the destination as a failover does.
        target = migration.place(cluster, group, need, capacity, exclude=[source] if source else [])
        if target is None:
            raise errors.no_node_for_role(cmdlet_name, key)
    vm = migration.role_vm(ctx.state, group)
    vm_name = vm['name'] if vm else key
    if need and capacity.free(target) < need:
        raise migration.role_move_error(cmdlet_name, key, vm_name, source, target, migration.Outcome(False, 'memory'))
    fault = migration.take_fault(ctx.state, source, target)
    if Wait == 0:
        # Returns once initiated; the move completes at the next cmdlet call on the cluster (migration.settle).
        migration.pending(cluster).append(_pending_move(key, source, target, migration_type, fault))
        return [group_object(ctx, cluster, key)]
    if fault == 'migration-timeout':
        if Wait is not None and Wait > 0:
            # Returns after -Wait seconds with the move in progress: the role is still the source's, online.
            migration.pending(cluster).append(_pending_move(key, source, target, migration_type, fault))
            ctx.simulated_ms += Wait * 1000
            return [group_object(ctx, cluster, key)]
        ctx.simulated_ms += migration.UNBOUNDED_TIMEOUT_S * 1000
        raise migration.role_move_error(cmdlet_name, key, vm_name, source, target, migration.Outcome(False, 'timeout'))
    outcome = migration.move_role(ctx.state, cluster, key, target, migration_type, capacity, fault=fault)
    ctx.simulated_ms += outcome.ms
    if not outcome.ok:
        raise migration.role_move_error(cmdlet_name, key, vm_name, source, target, outcome)
    return [group_object(ctx, cluster, key)]


@cmdlet('Suspend-ClusterNode')
def suspend_cluster_node(ctx, Name=None, Drain=False, ForceDrain=False, Wait=False, TargetNode=None, Cluster=None,
                         InputObject=None):
    cmdlet_name = 'Suspend-ClusterNode'
    cluster = target_cluster(ctx, Cluster)
    keys = _node_keys(ctx, cluster, Name, InputObject, cmdlet_name)
    target = None
    if TargetNode:
        target = member_key(cluster, (ctx.state.computer(TargetNode) or {}).get('name', TargetNode))
        if target is None:
            raise errors.cluster_object_not_found(cmdlet_name, 'node', TargetNode)
    output = []
    for key in keys:
        member = cluster['nodes'][key]
        if member['state'] == 'Paused':
            output.append(node_object(ctx, cluster, key))
            continue
        if member['state'] != 'Up':
            raise errors.cluster_node_down(cmdlet_name, key)
        draining = Drain or ForceDrain
        if draining and target is not None:
            target_state = 'Paused' if migration.same(target, key) else cluster['nodes'][target]['state']
            if target_state != 'Up':
                raise errors.drain_target_not_ready(cmdlet_name, key, target, target_state)
        member['state'] = 'Paused'
        if draining and Wait:
            status, elapsed, lost = migration.drain(ctx.state, cluster, key, target, ForceDrain)
            ctx.simulated_ms += elapsed
            member['drain_status'] = 'Failed' if lost else status
            if lost:
                raise errors.drain_source_lost(cmdlet_name, key)
        elif draining:
            # Returns at once; the roles move at the next cmdlet call on the cluster (migration.settle).
            member['drain_status'] = 'InProgress'
            migration.pending(cluster).append({'op': 'drain', 'node': key, 'target': target,
                                               'force': bool(ForceDrain)})
        output.append(node_object(ctx, cluster, key))
    return output


@cmdlet('Resume-ClusterNode')
def resume_cluster_node(ctx, Name=None, Failback=None, Cluster=None, InputObject=None):
    cmdlet_name = 'Resume-ClusterNode'
    cluster = target_cluster(ctx, Cluster)
    output = []
    for key in _node_keys(ctx, cluster, Name, InputObject, cmdlet_name):
        member = cluster['nodes'][key]
        if member['state'] == 'Down':
            raise errors.cluster_node_down(cmdlet_name, key)
        if member['state'] == 'Paused':
            member['state'] = 'Up'
            member['drain_status'] = 'NotInitiated'
            # NoFailback (the default) moves nothing back; Policy only roles whose AutoFailbackType is 1.
            policy_only = Failback != 'Immediate'
            elapsed, failures = migration.fail_back(ctx.state, cluster, key, policy_only,
                                                    move=Failback in ('Immediate', 'Policy'))
            ctx.simulated_ms += elapsed
            for role, outcome in failures:
                group = cluster['groups'][role]
                vm = migration.role_vm(ctx.state, group)
                ctx.write_error(migration.role_move_error(cmdlet_name, role, vm['name'] if vm else role,
                                                          group.get('owner'), key, outcome))
        output.append(node_object(ctx, cluster, key))
    return output
