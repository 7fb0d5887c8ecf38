"""FailoverClusters cmdlets for the quorum witness and the resources it reads: Set-ClusterQuorum, Get-ClusterResource,
Get-ClusterParameter. Semantics: tests/sim/CLUSTERING.md ("Quorum").
"""

from hvsim import errors
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.clusterdisks import disk_resource_object
from hvsim.cmdlets.failoverclusters import (
    _select_names,
    get_cluster_quorum,
    group_object,
    owner_node_object,
    quorum_resource,
    resource_type,
    target_cluster,
)
from hvsim.psobject import PSObject

CORE_RESOURCES = {
    'Cluster Name': ('Network Name', 'Network Name'),
    'Cluster IP Address': ('IP Address', 'IP Address'),
}


def _resources(ctx, cluster):
    """{name: ClusterResource} of the core group: the cluster name, its address, and the witness if any."""
    resources = {}
    core = cluster['groups'].get('Cluster Group') or {}
    for name, (type_name, display) in CORE_RESOURCES.items():
        resources[name] = PSObject('Microsoft.FailoverClusters.PowerShell.ClusterResource', {
            'Name': name, 'ResourceType': resource_type(type_name, display), 'State': 'Online',
            'OwnerGroup': group_object(ctx, cluster, 'Cluster Group') if core else None,
            'OwnerNode': owner_node_object(ctx, cluster, core.get('owner')), 'IsCoreResource': True,
            'Cluster': cluster['name']})
    witness = quorum_resource(ctx, cluster)
    if witness is not None:
        resources[witness.get('Name')] = witness
    for key in list(cluster.get('disks') or {}):
        # Disks in Available Storage (a disk witness is one of them, moved to the core group).
        resources[key] = disk_resource_object(ctx, cluster, key)
    return resources


def _parameters(cluster, resource_name):
    """The private properties of a core resource, as Get-ClusterParameter lists them."""
    witness = cluster['quorum'].get('witness') or {}
    if resource_name == 'File Share Witness' and witness.get('kind') == 'file_share':
        return [('SharePath', witness['share_path'], 'String')]
    if resource_name == 'Cloud Witness' and witness.get('kind') == 'cloud':
        return [('AccountName', witness['account'], 'String'),
                ('EndpointInfo', witness.get('endpoint') or 'core.windows.net', 'String')]
    if resource_name == 'Cluster IP Address':
        addresses = cluster.get('static_addresses') or []
        return [('Address', addresses[0] if addresses else '10.10.0.%d' % (200 + len(cluster['name'])), 'String'),
                ('EnableDhcp', 0 if addresses else 1, 'UInt32')]
    if resource_name == 'Cluster Name':
        return [('Name', cluster['name'].upper(), 'String'), ('DnsName', cluster['name'].lower(), 'String')]
    return []


@cmdlet('Get-ClusterResource')
def get_cluster_resource(ctx, Name=None, Cluster=None, InputObject=None, VMId=None):
    cluster = target_cluster(ctx, Cluster)
    resources = _resources(ctx, cluster)
    keys = _select_names(list(resources), Name, 'resource', 'Get-ClusterResource', ctx)
    return [resources[key] for key in keys]


@cmdlet('Get-ClusterParameter')
def get_cluster_parameter(ctx, Name=None, Cluster=None, InputObject=None):
    cluster = target_cluster(ctx, Cluster)
    targets = InputObject if isinstance(InputObject, list) else ([InputObject] if InputObject is not None else [])
    targets = [target for target in targets if target is not None]
    output = []
    for resource in targets or [cluster['name']]:
        resource_name = resource.get('Name') if isinstance(resource, PSObject) else str(resource)
        for name, value, kind in _parameters(cluster, resource_name):
            if Name and not any(name.lower() == str(wanted).lower() for wanted in Name):
                continue
            output.append(PSObject('Microsoft.FailoverClusters.PowerShell.ClusterParameter', {
                'ClusterObject': resource_name, 'Name': name, 'IsReadOnly': False, 'ParameterType': kind,
                'Value': value}))
    return output


def _share_reachable(ctx, path):
    lowered = str(path).rstrip('\\').lower()
    return any(lowered == share.lower() or lowered.startswith(share.lower().rstrip('\\') + '\\')
               for share in ctx.state.data['domain'].get('file_shares') or [])


@cmdlet('Set-ClusterQuorum')
def set_cluster_quorum(ctx, NoWitness=False, DiskWitness=None, FileShareWitness=None, CloudWitness=False,
                       AccountName=None, AccessKey=None, Endpoint=None, DiskOnly=None, Cluster=None,
                       InputObject=None):
    cmdlet_name = 'Set-ClusterQuorum'
    kinds = [kind for kind, given in (('none', NoWitness), ('disk', DiskWitness), ('file_share', FileShareWitness),
                                      ('cloud', CloudWitness), ('disk_only', DiskOnly)) if given]
    if len(kinds) != 1:
        raise errors.ambiguous_parameter_set()
    if not CloudWitness and (AccountName or AccessKey or Endpoint):
        raise errors.ambiguous_parameter_set()
    cluster = target_cluster(ctx, Cluster)
    quorum = cluster['quorum']
    kind = kinds[0]
    current = quorum.get('witness') or {}
    if kind == 'none':
        quorum.update(type='Majority', witness=None)
    elif kind == 'file_share':
        if not _share_reachable(ctx, FileShareWitness):
            raise errors.cluster_error(
                cmdlet_name, "There was an error configuring the file share witness '%s'.\n    Unable to save "
                "property changes for 'File Share Witness'.\n    The network path was not found."
                % FileShareWitness, 'ObjectNotFound', FileShareWitness)
        quorum.update(type='Majority', witness={'kind': 'file_share', 'share_path': FileShareWitness})
    elif kind == 'cloud':
        if not AccountName or not AccessKey:
            raise errors.missing_mandatory([name for name, value in (('AccountName', AccountName),
                                                                     ('AccessKey', AccessKey)) if not value])
        if current.get('kind') == 'cloud':
            # FailoverClusterDsc #197: a second cloud witness resource cannot be created next to the first.
            raise errors.cluster_error(cmdlet_name, "An error occurred while creating resource 'Cloud Witness (2)'.",
                                       'InvalidOperation', 'Cloud Witness (2)')
        quorum.update(type='Majority', witness={'kind': 'cloud', 'account': AccountName,
                                                'endpoint': Endpoint or 'core.windows.net'})
    else:
        resource = DiskWitness or DiskOnly
        disks = {name.lower(): name for name in cluster.get('disks') or {}}
        if resource.lower() not in disks:
            raise errors.cluster_object_not_found(cmdlet_name, 'resource', resource)
        quorum.update(type='Majority' if kind == 'disk' else 'DiskOnly',
                      witness={'kind': 'disk', 'resource': disks[resource.lower()]})
    return get_cluster_quorum(ctx, Cluster=Cluster)
