"""FailoverClusters cmdlets (Microsoft docs, winserver2025-ps/FailoverClusters; object shapes of module 2.0.0.0).

Objects stringify to their Name, and object-typed properties (OwnerNode, OwnerGroup, ResourceType) hold objects, as
windows.md 3.2 / 6.1 describe; enums are their names (ClusterNodeState Up/Down/Paused/Joining,
ClusterGroupState Online/Offline/Failed/PartialOnline/Pending, ClusterQuorumType Majority/DiskOnly, ...).
"""

import fnmatch

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.psobject import PSObject

VALID_PRIORITIES = (0, 1000, 2000, 3000)
CORE_GROUPS = ('Cluster Group', 'Available Storage')


# --- lookups ------------------------------------------------------------------------------------------------------

def target_cluster(ctx, name=None):
    """The cluster a cmdlet acts on: -Cluster NAME, else the cluster of the node it runs on."""
    if name:
        cluster = ctx.state.cluster(name)
        if cluster is None or cluster['quorum'].get('lost') or not any(
                ctx.state.node(n) and ctx.state.node(n).get('power') == 'on' for n in cluster['nodes']):
            raise errors.cluster_not_found(name)
        return cluster
    cluster = ctx.state.cluster_of(ctx.node_name)
    if cluster is None or cluster['quorum'].get('lost'):
        # No cluster here, or the cluster lost quorum and its service stopped on the surviving nodes.
        raise errors.cluster_service_not_running(ctx.cmdlet)
    return cluster


def member_key(cluster, node_name):
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
    }, setters={'Priority': set_priority})


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


def network_object(cluster, network):
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
    })


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
    cluster['groups'][group_name] = {
        'name': group_name, 'id': vm['id'], 'type': 'VirtualMachine', 'owner': member_key(cluster, vm['host']),
        'priority': 2000, 'preferred_owners': [], 'vm_id': vm['id'],
        'resources': ['Virtual Machine %s' % vm['name'], 'Virtual Machine Configuration %s' % vm['name']],
    }
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
