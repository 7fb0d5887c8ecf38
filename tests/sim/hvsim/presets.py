"""Lab building: nodes as delivered (``bare``), ready to cluster (``prepared``) or clustered (``clustered``)."""

import uuid

from hvsim import domainjoin, features, openstack, profiles, registry, software, updates
from hvsim.cmdlets import mpio, netadapter
from hvsim.state import SCHEMA

DOMAIN = 'corp.example.com'
NETBIOS = 'CORP'
GIB = 1024 ** 3
TIB = 1024 ** 4
VM_DISK_BYTES = 4 * GIB          # thin-provisioned VHDX in use per VM
VM_MEMORY_MB = 2048
NODE_MEMORY_MB = 393216          # 384 GiB
# Memory a host keeps from its VMs in the simulator's own checks (failover, live migration, Start-VM). None by
# default: MIGRATION.md makes a host's free memory MemoryCapacity minus the MemoryAssigned of its VMs, and the host
# reserve the product's policy, not a Windows value. A test can set a node's host_reserve_mb to model one.
HOST_RESERVE_MB = 0
CPU_GENERATION = 3               # processor generation of a node (Compare-VM: a lower one needs compatibility mode)
SWITCH_NAME = 'External'
CLUSTER_NETWORKS = (
    # name, address, role, metric
    ('Management', '10.10.0.0', 'ClusterAndClient', 70384),
    ('Cluster', '10.10.1.0', 'Cluster', 39840),
    ('LiveMigration', '10.10.2.0', 'Cluster', 39841),
)
FEATURES = tuple(features.CATALOGUE)   # every node has an entry for each (hvsim/features.py)
PRESETS = ('bare', 'prepared', 'clustered')


def _uuid(*parts):
    """Deterministic GUIDs, so that two labs built alike are alike."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'hvsim:' + ':'.join(str(part) for part in parts)))


def _mac(node_index, nic_index):
    return '00-15-5D-%02X-%02X-%02X' % (node_index // 256, node_index % 256, nic_index)


def node_record(name, index, preset):
    prepared = preset in ('prepared', 'clustered')
    nics = []
    for nic_index, role in enumerate(('management', 'cluster', 'live_migration', 'vm'), start=1):
        nics.append({
            'name': role.replace('_', '-').title() if prepared else 'Ethernet %d' % nic_index,
            'mac': _mac(index, nic_index),
            'description': 'Intel(R) Ethernet Controller X710 for 10GbE SFP+ #%d' % nic_index,
            'status': 'Up',
            'link_speed': '10 Gbps',
            'role': role,
            # The vm adapter of a prepared node is the uplink of the external switch: vms_pp, no host protocols.
            'bindings': netadapter.default_bindings(switch_uplink=prepared and role == 'vm'),
            'ipv4': None if role == 'vm' else '10.10.%d.%d' % (nic_index - 1, 10 + index),
        })
    return {
        'name': name,
        'fqdn': '%s.%s' % (name, DOMAIN) if prepared else name,
        'domain': DOMAIN if prepared else None,
        'workgroup': None if prepared else domainjoin.DEFAULT_WORKGROUP,
        'power': 'on',
        'os': {'caption': 'Microsoft Windows Server 2022 Datacenter', 'version': '10.0.20348', 'build': 20348,
               'edition': 'ServerDatacenter'},
        'hardware': {
            'manufacturer': 'Contoso', 'model': 'HV-2U', 'memory_mb': NODE_MEMORY_MB, 'logical_processors': 64,
            'cpu_vendor': 'GenuineIntel', 'cpu_generation': CPU_GENERATION,
            'processors': [{'name': 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 'slat': True,
                            'vm_monitor_mode_extensions': True, 'virtualization_firmware_enabled': True}
                           for _socket in range(2)],
            'dep_available': True,
            'system_volume': {'size_bytes': 480 * GIB, 'free_bytes': 400 * GIB},
        },
        'host_reserve_mb': HOST_RESERVE_MB,
        'features': features.initial(installed=prepared),
        'pending_reboot': False,
        'updates': updates.initial(index),
        'nics': nics,
        # What cluster_prereqs sets on a prepared node: MSDSM claims iSCSI disks, round robin by default.
        'mpio': {'automatic_claim': {'iSCSI': True, 'SAS': False}, 'load_balance_policy': 'RR'} if prepared
        else mpio.current({}),
        'vswitches': [{'name': SWITCH_NAME, 'type': 'External', 'adapters': ['Vm'], 'allow_management_os': False,
                       'embedded_teaming': False, 'bandwidth_mode': 'Weight'}] if prepared else [],
        'vmhost': {
            'VirtualMachinePath': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V',
            'VirtualHardDiskPath': 'C:\\ProgramData\\Microsoft\\Windows\\Virtual Hard Disks',
            'VirtualMachineMigrationEnabled': prepared,
            'VirtualMachineMigrationAuthenticationType': 'Kerberos' if prepared else 'CredSSP',
            'VirtualMachineMigrationPerformanceOption': 'Compression',
            'MaximumVirtualMachineMigrations': 2,
            'MaximumStorageMigrations': 2,
            'UseAnyNetworkForMigration': not prepared,
            'NumaSpanningEnabled': True,
        },
        'cluster': None,
    }


def cluster_record(name, node_names, vm_count):
    csv_count = 2
    size = max(4 * TIB, -(-vm_count * VM_DISK_BYTES * 2 // csv_count))
    csvs = {}
    for number in range(1, csv_count + 1):
        resource = 'Cluster Disk %d' % number
        csvs[resource] = {
            'name': resource, 'id': _uuid(name, 'csv', number), 'volume_id': _uuid(name, 'volume', number),
            'path': 'C:\\ClusterStorage\\Volume%d' % number, 'size_bytes': size, 'base_used_bytes': 2 * GIB,
            'owner': node_names[(number - 1) % len(node_names)], 'state': 'Online',
        }
    witness = None
    if len(node_names) % 2 == 0:
        witness = {'kind': 'file_share', 'share_path': '\\\\fs01.%s\\witness\\%s' % (DOMAIN, name)}
    first = node_names[0]
    return {
        'name': name,
        'id': _uuid('cluster', name),
        'domain': DOMAIN,
        'shared_volumes_root': 'C:\\ClusterStorage',
        'nodes': {node: {'id': index, 'state': 'Up', 'drain_status': 'NotInitiated'}
                  for index, node in enumerate(node_names, start=1)},
        'quorum': {'type': 'Majority', 'witness': witness},
        'csvs': csvs,
        'available_disks': [],
        'networks': [{'name': net_name, 'address': address, 'address_mask': '255.255.255.0', 'prefix_length': 24,
                      'role': role, 'metric': metric, 'auto_metric': True, 'state': 'Up',
                      'id': _uuid(name, 'network', net_name)} for net_name, address, role, metric in CLUSTER_NETWORKS],
        'groups': {
            'Cluster Group': {'name': 'Cluster Group', 'id': _uuid(name, 'group', 'core'), 'type': 'Cluster',
                              'owner': first, 'priority': 3000, 'preferred_owners': [], 'auto_failback_type': 0,
                              'drained_from': None, 'resources': ['Cluster Name', 'Cluster IP Address']},
            'Available Storage': {'name': 'Available Storage', 'id': _uuid(name, 'group', 'storage'),
                                  'type': 'AvailableStorage', 'owner': first, 'priority': 2000,
                                  'preferred_owners': [], 'auto_failback_type': 0, 'drained_from': None,
                                  'resources': []},
        },
        'pending': [],
    }


def vm_record(name, host, path_root, number, memory_mb=VM_MEMORY_MB):
    path = '%s\\%s' % (path_root, name)
    return {
        'id': _uuid('vm', name), 'name': name, 'host': host, 'state': 'Running', 'memory_mb': memory_mb,
        'processor_count': 2, 'generation': 2, 'version': '10.0', 'path': path,
        'vhds': ['%s\\Virtual Hard Disks\\%s.vhdx' % (path, name)], 'disk_bytes': VM_DISK_BYTES,
        'nics': [{'switch': SWITCH_NAME, 'mac': '00155D%06X' % number}], 'processor_compatibility': False,
    }


def vm_group(vm, owner):
    """The cluster group of a clustered VM role, as Add-ClusterVirtualMachineRole creates it."""
    return {
        'name': vm['name'], 'id': vm['id'], 'type': 'VirtualMachine', 'owner': owner, 'priority': 2000,
        'preferred_owners': [], 'vm_id': vm['id'], 'auto_failback_type': 0, 'drained_from': None,
        'resources': ['Virtual Machine %s' % vm['name'], 'Virtual Machine Configuration %s' % vm['name']],
    }


# The lab's SAN (iSCSI), zoned to every node: what Get-ClusterAvailableDisk offers a new cluster of prepared nodes.
# number, size, partition style, friendly name
SHARED_DISKS = (
    (1, 1 * GIB, 'GPT', 'Witness'),
    (2, 2 * TIB, 'GPT', 'CSV-A'),
    (3, 2 * TIB, 'GPT', 'CSV-B'),
    (4, 500 * GIB, 'MBR', 'Legacy'),
    (5, 512 * 1024 * 1024, 'GPT', 'Tiny'),
)


def shared_disk_records(node_names):
    return [{'number': number, 'id': _uuid('shared-disk', number), 'serial': 'SAN%04d' % number,
             'friendly_name': 'MSFT Virtual HD %s' % label, 'size_bytes': size, 'partition_style': style,
             'nodes': list(node_names)} for number, size, style, label in SHARED_DISKS]


def plan_clusters(node_names, cluster_count):
    """Split nodes into contiguous groups: hv1..hvK -> hvc1, and so on."""
    if cluster_count < 1 or cluster_count > len(node_names):
        raise ValueError('--clusters must be between 1 and the number of nodes')
    size, extra = divmod(len(node_names), cluster_count)
    plan, start = {}, 0
    for index in range(cluster_count):
        end = start + size + (1 if index < extra else 0)
        plan['hvc%d' % (index + 1)] = node_names[start:end]
        start = end
    return plan


def build(nodes=3, clusters=1, preset='clustered', vms=0, clustered_vms=0, local_vms=0, hardware=None):
    """A lab's state. ``hardware``: ``["NODE=PROFILE", ...]`` (hvsim/profiles.py), the others as `lab create`."""
    if preset not in PRESETS:
        raise ValueError('preset must be one of %s' % ', '.join(PRESETS))
    if nodes < 1:
        raise ValueError('--nodes must be at least 1')
    for option, value in (('--vms', vms), ('--clustered-vms', clustered_vms), ('--local-vms', local_vms)):
        if value < 0:
            raise ValueError('%s cannot be negative' % option)
    if clustered_vms > vms:
        raise ValueError('--clustered-vms cannot exceed --vms')
    if preset != 'clustered' and (vms or local_vms):
        raise ValueError('VMs need a clustered lab (--preset clustered)')
    node_names = ['hv%d' % index for index in range(1, nodes + 1)]
    plan = plan_clusters(node_names, clusters)
    chosen_profiles = profiles.parse(hardware, node_names)
    data = {
        'schema': SCHEMA,
        'domain': {'name': DOMAIN, 'netbios': NETBIOS, 'computers': [], 'cno_rights': True,
                   'file_shares': ['\\\\fs01.%s\\witness' % DOMAIN]},
        'plan': plan,
        'nodes': {name: node_record(name, index, preset) for index, name in enumerate(node_names, start=1)},
        'clusters': {},
        'vms': {},
        'faults': [],
    }
    if preset in ('prepared', 'clustered'):
        data['domain']['computers'] = [name.upper() for name in node_names]
    # A clustered lab's disks are already its CSVs; bare and prepared nodes see the SAN's disks, not clustered yet.
    data['shared_disks'] = shared_disk_records(node_names) if preset in ('bare', 'prepared') else []
    if preset == 'clustered':
        per_cluster = {name: sum(1 for index in range(vms) if node_names[index % nodes] in members)
                       for name, members in plan.items()}
        for cluster_name, members in plan.items():
            data['clusters'][cluster_name] = cluster_record(cluster_name, members, per_cluster[cluster_name])
            data['domain']['computers'].append(cluster_name.upper())
            for member in members:
                data['nodes'][member]['cluster'] = cluster_name
        for index in range(vms):
            host = node_names[index % nodes]
            cluster = data['clusters'][data['nodes'][host]['cluster']]
            volume = 'C:\\ClusterStorage\\Volume%d' % (1 + (index // nodes) % len(cluster['csvs']))
            vm = vm_record('instance-%08x' % (index + 1), host, volume, index + 1)
            data['vms'][vm['id']] = vm
            if index < clustered_vms:
                cluster['groups'][vm['name']] = vm_group(vm, host)
        for index in range(local_vms):
            host = node_names[index % nodes]
            vm = vm_record('local-%04d' % (index + 1), host, 'D:\\Hyper-V', vms + index + 1)
            data['vms'][vm['id']] = vm
    for name, node in data['nodes'].items():
        profiles.apply(node, chosen_profiles.get(name, 'standard'), preset)
        registry.seed(node)         # W32Time parameters, Defender exclusion keys
    software.seed(data, preset)     # AD users, software shares, node files/packages/services/groups/rights
    openstack.seed(data)            # the OpenStack controller (clouds, compute services, aggregates)
    return data
