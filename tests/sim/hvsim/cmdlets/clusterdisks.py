"""Disks and their way into a cluster: Get-Disk, Get-Volume (Storage), Get-ClusterAvailableDisk, Add-ClusterDisk,
Add-ClusterSharedVolume (FailoverClusters). Semantics: tests/sim/CLUSTERING.md ("Disks").

Shared disks are ``data['shared_disks']``: ``[{"number", "id", "serial", "friendly_name", "size_bytes",
"partition_style" (GPT, MBR or RAW), "nodes": [names that see it]}]``. A disk added to a cluster becomes
``clusters.*.disks[resource name] = {"name", "number", "disk_id", "size_bytes", "partition_style", "state"}`` in
Available Storage; made a CSV it moves to ``clusters.*.csvs`` (and leaves ``disks``). Get-Volume shows the node's
system volume (``nodes.*.hardware.system_volume``) as C: and its cluster's CSVs (CSVFS, no drive letter).
"""

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.failoverclusters import csv_object, csv_used_bytes, group_object, owner_node_object, resource_type, target_cluster
from hvsim.presets import GIB, _uuid
from hvsim.psobject import PSObject

SYSTEM_DISK_BYTES = 480 * GIB


def shared_disks(state):
    return state.data.get('shared_disks') or []


def clustered_ids(state):
    ids = set()
    for cluster in state.clusters.values():
        ids.update(disk['disk_id'] for disk in (cluster.get('disks') or {}).values())
        ids.update(csv['disk_id'] for csv in cluster['csvs'].values() if csv.get('disk_id'))
    return ids


def _sees(disk, node_name):
    return any(node_name.lower() == name.lower() for name in disk.get('nodes') or [])


def disk_object(state, disk, node_name):
    return PSObject('Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Disk', {
        'Number': disk['number'], 'FriendlyName': disk['friendly_name'], 'SerialNumber': disk['serial'],
        'UniqueId': disk['id'], 'Size': disk['size_bytes'], 'PartitionStyle': disk['partition_style'],
        'IsClustered': disk['id'] in clustered_ids(state), 'IsOffline': disk['id'] in clustered_ids(state),
        'IsSystem': disk.get('system', False), 'BusType': disk.get('bus_type', 'iSCSI'),
        'OperationalStatus': 'Online', 'ComputerName': node_name.upper()}, text=str(disk['number']))


@cmdlet('Get-Disk')
def get_disk(ctx, Number=None, FriendlyName=None, SerialNumber=None, UniqueId=None, Path=None, Partition=None,
             VirtualDisk=None, iSCSISession=None, iSCSIConnection=None, StorageSubSystem=None, StorageNode=None,
             StorageJob=None, CimSession=None, ThrottleLimit=None, AsJob=False):
    system = {'number': 0, 'id': _uuid(ctx.node_name, 'disk', 0), 'serial': 'SYS-%s' % ctx.node_name.upper(),
              'friendly_name': 'Dell BOSS-S1', 'size_bytes': SYSTEM_DISK_BYTES, 'partition_style': 'GPT',
              'nodes': [ctx.node_name], 'system': True, 'bus_type': 'SATA'}
    disks = [system] + [disk for disk in shared_disks(ctx.state) if _sees(disk, ctx.node_name)]
    if Number:
        wanted = [int(number) for number in Number]
        found = [disk for disk in disks if disk['number'] in wanted]
        for number in wanted:
            if not any(disk['number'] == number for disk in found):
                ctx.write_error(errors.CmdletError('No MSFT_Disk objects found with property \'Number\' equal to '
                                                   "'%d'.  Verify the value of the property and retry." % number,
                                                   'CmdletizationQuery_NotFound_Number', 'ObjectNotFound', number,
                                                   'Microsoft.PowerShell.Cmdletization.Cim.CimJobException'))
        disks = found
    return [disk_object(ctx.state, disk, ctx.node_name) for disk in sorted(disks, key=lambda item: item['number'])]


def _volume(drive_letter, label, file_system, size, remaining, path):
    return PSObject('Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/Storage/MSFT_Volume', {
        'DriveLetter': drive_letter, 'FileSystemLabel': label, 'FileSystem': file_system, 'DriveType': 'Fixed',
        'HealthStatus': 'Healthy', 'OperationalStatus': 'OK', 'Size': size, 'SizeRemaining': remaining,
        'Path': path}, text=path)


@cmdlet('Get-Volume')
def get_volume(ctx, DriveLetter=None, ObjectId=None, UniqueId=None, Path=None, FileSystemLabel=None, Partition=None,
               DiskImage=None, StorageSubSystem=None, StoragePool=None, StorageNode=None, StorageFileServer=None,
               FileShare=None, StorageJob=None, FilePath=None, CimSession=None, ThrottleLimit=None, AsJob=False):
    node = ctx.state.node(ctx.node_name)
    system = node['hardware']['system_volume']
    volumes = [_volume('C', '', 'NTFS', system['size_bytes'], system['free_bytes'],
                       '\\\\?\\Volume{%s}\\' % _uuid(ctx.node_name, 'volume', 'system'))]
    cluster = ctx.state.clusters.get(node.get('cluster')) if node.get('cluster') else None
    for csv in (cluster or {}).get('csvs', {}).values():
        volumes.append(_volume(None, csv['name'], 'CSVFS', csv['size_bytes'], csv['size_bytes'] - csv_used_bytes(ctx, csv),
                               '\\\\?\\Volume{%s}\\' % csv.get('volume_id', csv['id'])))
    if DriveLetter:
        wanted = [str(letter).upper() for letter in DriveLetter]
        for letter in wanted:
            if not any(volume.get('DriveLetter') == letter for volume in volumes):
                ctx.write_error(errors.CmdletError("No MSFT_Volume objects found with property 'DriveLetter' equal "
                                                   "to '%s'.  Verify the value of the property and retry." % letter,
                                                   'CmdletizationQuery_NotFound_DriveLetter', 'ObjectNotFound', letter,
                                                   'Microsoft.PowerShell.Cmdletization.Cim.CimJobException'))
        volumes = [volume for volume in volumes if volume.get('DriveLetter') in wanted]
    return volumes


def _available(ctx, cluster):
    """Shared disks every node of the cluster sees that no cluster holds yet (basic disks only: not RAW)."""
    taken = clustered_ids(ctx.state)
    return [disk for disk in shared_disks(ctx.state)
            if disk['id'] not in taken and disk['partition_style'] in ('GPT', 'MBR')
            and all(_sees(disk, node) for node in cluster['nodes'])]


def _next_resource_name(cluster):
    used = set(cluster.get('disks') or {}) | set(cluster['csvs'])
    number = 1
    while 'Cluster Disk %d' % number in used:
        number += 1
    return 'Cluster Disk %d' % number


def disk_info_object(cluster, disk, name):
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterDiskInfo', {
        'Cluster': cluster['name'], 'Id': disk['id'], 'Name': name, 'Number': disk['number'],
        'Size': disk['size_bytes'], 'ScsiAddress': 50331648 + disk['number'],
        'Partitions': ['\\\\?\\GLOBALROOT\\Device\\Harddisk%d\\Partition2\\' % disk['number']]})


def disk_resource_object(ctx, cluster, key):
    record = cluster['disks'][key]

    def set_name(value):
        if not isinstance(value, str) or not value.strip() or any(
                str(other).lower() == value.lower() for other in list(cluster['disks']) + list(cluster['csvs'])
                if other != key):
            raise errors.cluster_error('Set', 'The cluster resource name is not valid or already in use',
                                       'InvalidArgument', value)
        record['name'] = value
        cluster['disks'][value] = cluster['disks'].pop(key)

    # The disk witness belongs to the core group, the other disks to Available Storage.
    witness = cluster['quorum'].get('witness') or {}
    group = 'Cluster Group' if witness.get('kind') == 'disk' and witness.get('resource') == key else 'Available Storage'
    storage = cluster['groups'].get(group) or {}
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterResource', {
        'Name': record['name'], 'ResourceType': resource_type('Physical Disk', 'Physical Disk'),
        'State': record.get('state', 'Online'),
        'OwnerGroup': group_object(ctx, cluster, group) if storage else None,
        'OwnerNode': owner_node_object(ctx, cluster, storage.get('owner')), 'IsCoreResource': False,
        'Cluster': cluster['name']}, setters={'Name': set_name})


@cmdlet('Get-ClusterAvailableDisk')
def get_cluster_available_disk(ctx, Cluster=None, Disk=None, All=False, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    available = _available(ctx, cluster)
    if Disk is not None:
        wanted = {obj.get('UniqueId') for obj in (Disk if isinstance(Disk, list) else [Disk]) if obj is not None}
        available = [disk for disk in available if disk['id'] in wanted]
    names, used = [], set(cluster.get('disks') or {}) | set(cluster['csvs'])
    output = []
    for disk in available:
        number = 1
        while 'Cluster Disk %d' % number in used or 'Cluster Disk %d' % number in names:
            number += 1
        names.append('Cluster Disk %d' % number)
        output.append(disk_info_object(cluster, disk, names[-1]))
    return output


@cmdlet('Add-ClusterDisk')
def add_cluster_disk(ctx, InputObject=None, Cluster=None):
    cluster = target_cluster(ctx, Cluster)
    cluster.setdefault('disks', {})
    output = []
    available = {disk['id']: disk for disk in _available(ctx, cluster)}
    for obj in InputObject or []:
        disk_id = obj.get('Id') if obj.type_name.endswith('ClusterDiskInfo') else obj.get('UniqueId')
        disk = available.get(disk_id)
        if disk is None:
            raise errors.cluster_error('Add-ClusterDisk', "The disk '%s' is not available to the cluster: it is "
                                       'already clustered, or not visible to every node.' % obj.get('Number'),
                                       'InvalidOperation', obj.get('Number'))
        name = _next_resource_name(cluster)
        cluster['disks'][name] = {'name': name, 'number': disk['number'], 'disk_id': disk['id'],
                                  'size_bytes': disk['size_bytes'], 'partition_style': disk['partition_style'],
                                  'state': 'Online'}
        output.append(disk_resource_object(ctx, cluster, name))
    return output


@cmdlet('Add-ClusterSharedVolume')
def add_cluster_shared_volume(ctx, Name=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    disks = cluster.setdefault('disks', {})
    output = []
    for name in Name or []:
        key = next((key for key in disks if key.lower() == str(name).lower()), None)
        if key is None:
            if any(key.lower() == str(name).lower() for key in cluster['csvs']):
                raise errors.cluster_error('Add-ClusterSharedVolume', "The resource '%s' is already a Cluster "
                                           'Shared Volume.' % name, 'InvalidOperation', name)
            raise errors.cluster_object_not_found('Add-ClusterSharedVolume', 'resource', name)
        witness = cluster['quorum'].get('witness') or {}
        if witness.get('kind') == 'disk' and witness.get('resource') == key:
            raise errors.cluster_error('Add-ClusterSharedVolume', "The disk '%s' is the quorum witness and cannot be "
                                       'a Cluster Shared Volume.' % key, 'InvalidOperation', key)
        record = disks.pop(key)
        root = cluster.get('shared_volumes_root', 'C:\\ClusterStorage')
        used = {csv['path'].lower() for csv in cluster['csvs'].values()}
        number = 1
        while ('%s\\Volume%d' % (root, number)).lower() in used:
            number += 1
        nodes = list(cluster['nodes'])
        cluster['csvs'][key] = {
            'name': key, 'id': _uuid(cluster['name'], 'csv', record['disk_id']), 'disk_id': record['disk_id'],
            'volume_id': _uuid(cluster['name'], 'volume', record['disk_id']), 'path': '%s\\Volume%d' % (root, number),
            'size_bytes': record['size_bytes'], 'base_used_bytes': 200 * 1024 * 1024,
            'owner': (cluster['groups'].get('Available Storage') or {}).get('owner') or nodes[0], 'state': 'Online'}
        output.append(csv_object(ctx, cluster, cluster['csvs'][key]))
    return output
