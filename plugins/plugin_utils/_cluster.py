# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading failover clusters: the read steps, and the parsing of what Windows returns into module results.

FOR INTERNAL COLLECTION USE ONLY. Names coming back from Windows are compared case-insensitively everywhere.
"""

from __future__ import annotations

import fnmatch

from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    PreconditionError,
    WindowsCommandError,
)

# ClusterGroup.Priority (CLUSTER_GROUP_PRIORITY in clusapi.h); 0 means the role is never started automatically.
PRIORITIES = {'high': 3000, 'medium': 2000, 'low': 1000, 'no_auto_start': 0}
PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}
DEFAULT_PRIORITY = 2000

CLUSTER_SELECT = ['Name', 'Domain', 'Id', 'SharedVolumesRoot']
NODE_SELECT = ['Name', 'Id', 'State', 'DrainStatus', 'StatusInformation']
GROUP_SELECT = ['Name', 'OwnerNode', 'State', 'Priority', 'GroupType', 'Id']
CSV_SELECT = ['Name', 'Id', 'State', 'OwnerNode', 'SharedVolumeInfo.FriendlyVolumeName',
              'SharedVolumeInfo.FaultState', 'SharedVolumeInfo.Partition.Size',
              'SharedVolumeInfo.Partition.FreeSpace', 'SharedVolumeInfo.Partition.UsedSpace']
QUORUM_SELECT = ['QuorumType', 'QuorumResource.Name', 'QuorumResource.ResourceType.Name']
NETWORK_SELECT = ['Name', 'Address', 'AddressMask', 'Role', 'Metric', 'AutoMetric', 'State']

# On Windows Server 2016+ Get-ClusterQuorum reports Majority for every witness kind; the witness resource's type
# tells them apart.
_WITNESS_BY_RESOURCE_TYPE = {
    None: 'none',
    'physical disk': 'disk',
    'file share witness': 'file_share',
    'cloud witness': 'cloud',
}
_QUORUM_MODE = {
    'none': 'node_majority',
    'disk': 'node_and_disk_majority',
    'file_share': 'node_and_file_share_majority',
    'cloud': 'node_and_cloud_majority',
}


def same_name(left, right):
    return left is not None and right is not None and str(left).lower() == str(right).lower()


def matches_any(name, patterns):
    """Case-insensitive shell-style matching, as the cluster cmdlets' -Name wildcards."""
    return any(fnmatch.fnmatchcase(name.lower(), pattern.lower()) for pattern in patterns)


def _first(value):
    """A property read through a collection (SharedVolumeInfo.*) comes back as a list: take its single value."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def add_cluster_read(batch):
    batch.call('cluster', 'Get-Cluster', select=CLUSTER_SELECT)


def is_not_clustered(step):
    """Get-Cluster fails this way on a node that is not in a cluster, whose cluster service is stopped (for example
    after the cluster lost quorum), or that does not even have the Failover Clustering cmdlets."""
    return any(error.error_id == 'ClusterRpcConnection' or error.is_command_not_found for error in step.errors)


def parse_cluster(result, host_name):
    """The cluster the host belongs to, or None when it belongs to none."""
    step = result['cluster']
    if step.ok and step.output:
        row = step.output[0]
        return {'name': row['Name'], 'domain': row.get('Domain'), 'id': row.get('Id'),
                'shared_volumes_root': row.get('SharedVolumesRoot')}
    if is_not_clustered(step):
        return None
    raise_step_error('host %s' % host_name, step, 'reading the cluster failed')


def require_cluster(result, host_name, purpose, subject=None):
    cluster = parse_cluster(result, host_name)
    if cluster is None:
        detail = result['cluster'].errors[0].message if result['cluster'].errors else 'no cluster'
        raise PreconditionError(
            subject or 'host %s' % host_name,
            '%s is not an active member of a failover cluster, so it cannot %s (%s)'
            % ('host %s' % host_name if subject else 'it', purpose, detail.strip()),
            'Run the task on a node of the cluster (for example with delegate_to), or create the cluster first '
            'with the hyperv.cluster.failover_cluster role.',
        )
    return cluster


def step_messages(step):
    """The error messages of a step, joined for a failure message."""
    return '; '.join(error.message.strip() for error in step.errors) or 'no error detail'


def raise_step_error(subject, step, what, fix=None, **result):
    """Fail with what the step was for, the cmdlet that reported it and its messages; ``fix`` and ``result`` (keys
    of the task result, e.g. the object before the change) as WindowsCommandError takes them. A property
    assignment (a ``set`` step) has no cmdlet of its own."""
    cause = ('%s: %s reported: %s' % (what, step.cmdlet, step_messages(step)) if step.cmdlet
             else '%s: %s' % (what, step_messages(step)))
    raise WindowsCommandError(subject, cause, fix, records=[error.to_dict() for error in step.errors], **result)


def parse_nodes(step):
    return [{'name': row['Name'], 'id': row.get('Id'), 'state': row.get('State'),
             'drain_status': row.get('DrainStatus'), 'status_information': row.get('StatusInformation')}
            for row in step.output]


def parse_group(row):
    priority = row.get('Priority')
    return {
        'name': row['Name'],
        'owner_node': row.get('OwnerNode'),
        'state': row.get('State'),
        'priority': priority,
        'priority_name': PRIORITY_NAMES.get(priority, 'custom'),
        'group_type': row.get('GroupType'),
        'id': row.get('Id'),
    }


def parse_csvs(step):
    csvs = []
    for row in step.output:
        size = _first(row.get('SharedVolumeInfo.Partition.Size'))
        free = _first(row.get('SharedVolumeInfo.Partition.FreeSpace'))
        csvs.append({
            'name': row['Name'],
            'id': row.get('Id'),
            'state': row.get('State'),
            'owner_node': row.get('OwnerNode'),
            'path': _first(row.get('SharedVolumeInfo.FriendlyVolumeName')),
            'fault_state': _first(row.get('SharedVolumeInfo.FaultState')),
            'size_bytes': size,
            'free_bytes': free,
            'used_bytes': _first(row.get('SharedVolumeInfo.Partition.UsedSpace')),
            'percent_free': round(100.0 * free / size, 2) if size and free is not None else None,
        })
    return csvs


def parse_quorum(step):
    row = step.first() or {}
    resource_type = row.get('QuorumResource.ResourceType.Name')
    witness = _WITNESS_BY_RESOURCE_TYPE.get(resource_type.lower() if resource_type else None, 'other')
    quorum_type = row.get('QuorumType')
    if quorum_type == 'DiskOnly':
        mode = 'disk_only'
    elif quorum_type == 'Majority':
        mode = _QUORUM_MODE.get(witness, 'unknown')
    else:
        # Windows Server 2012 R2 reported the mode itself (NodeAndDiskMajority...).
        mode = {'NodeMajority': 'node_majority', 'NodeAndDiskMajority': 'node_and_disk_majority',
                'NodeAndFileShareMajority': 'node_and_file_share_majority'}.get(quorum_type, 'unknown')
    return {'quorum_type': quorum_type, 'mode': mode, 'witness_type': witness,
            'witness_resource': row.get('QuorumResource.Name')}


def parse_networks(step):
    return [{'name': row['Name'], 'address': row.get('Address'), 'address_mask': row.get('AddressMask'),
             'role': row.get('Role'), 'metric': row.get('Metric'), 'auto_metric': row.get('AutoMetric'),
             'state': row.get('State')} for row in step.output]


def storage_location(path, csv_paths):
    """Where a VM file lives: 'csv', 'smb' (a UNC path) or 'local' (only the host that holds it can reach it)."""
    if not path:
        return 'local'
    lowered = path.lower()
    if lowered.startswith('\\\\?\\') or lowered.startswith('\\\\.\\'):
        # Win32 device paths: \\?\UNC\server\share is a share; \\?\C:\..., \\?\Volume{...} are local.
        lowered = lowered[4:]
        if lowered.startswith('unc\\'):
            return 'smb'
    elif lowered.startswith('\\\\'):
        return 'smb'
    for csv_path in csv_paths:
        if not csv_path:
            continue
        root = csv_path.lower().rstrip('\\')
        # The CSV's mount folder itself counts: a host whose default VM path is the volume puts VMs right there.
        if lowered == root or lowered.startswith(root + '\\'):
            return 'csv'
    return 'local'
