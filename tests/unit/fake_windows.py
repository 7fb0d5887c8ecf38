"""A hand-built stand-in for the Windows hosts of vm_migration's unit tests: no simulator, no lab.

``FakeWindows`` answers every step of a batch from a few plain facts (the clusters, the nodes, one VM and where it
is) the way tests/sim/MIGRATION.md and Microsoft's cmdlet reference describe the cmdlets, and applies write steps to
those facts. Tests arm failures by cmdlet (``fail``) and timeouts (``hang``), then assert on the batches the plugin
sent (``executor.calls``) and on where the VM ended (``world.vm``).
"""

import copy

MB = 1024 * 1024
VM_ID = '6f1c1d0e-0000-4000-8000-000000000001'


def _error(message, error_id, category, target=None):
    return {'message': message, 'fully_qualified_error_id': error_id, 'category': category, 'target': target,
            'exception_type': 'System.Exception'}


def vm_not_found(name, computer):
    return _error('Hyper-V was unable to find a virtual machine with name "%s".' % name,
                  'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM', 'InvalidArgument', computer)


def unreachable(computer):
    return _error("Hyper-V encountered an error trying to access an object on computer '%s' because the object was "
                  "not found." % computer, 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM',
                  'ObjectNotFound', computer)


def no_cluster(name=None):
    return _error('The cluster service is not running.', 'ClusterRpcConnection,Microsoft.FailoverClusters',
                  'ConnectionError', name)


def group_not_found(name):
    return _error("An error occurred opening cluster group '%s'.\n    The cluster group could not be found" % name,
                  'Get-ClusterGroup,Microsoft.FailoverClusters', 'ObjectNotFound', name)


def empty_argument(parameter):
    return _error("Cannot validate argument on parameter '%s'. The argument is null, empty, or an element of the "
                  "argument collection contains a null value." % parameter,
                  'ParameterArgumentValidationError,Microsoft.HyperV.PowerShell.Commands', 'InvalidData')


class FakeWindows:
    """clusters: {name: [nodes]}; nodes: {node: {'state', 'memory_mb', 'switches', 'migration', 'vm_path',
    'reachable'}}; vm: where the one VM is and how (host, state, cluster role, files...)."""

    def __init__(self, clusters=None, standalone=(), vm_host='hv1', vm_clustered=True, vm_state='Running',
                 priority=2000, owners=(), vm_path=None, vhds=None, switches=('External',), memory_mb=2048,
                 task_host='hv1'):
        clusters = {'hvc1': ['hv1', 'hv2', 'hv3'], 'hvc2': ['hv4', 'hv5']} if clusters is None else clusters
        self.clusters = {name: list(members) for name, members in clusters.items()}
        self.nodes = {}
        for members in list(self.clusters.values()) + [list(standalone)]:
            for node in members:
                self.nodes[node] = {'state': 'Up', 'memory_mb': 393216, 'switches': ['External'], 'migration': True,
                                    'vm_path': 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V', 'reachable': True,
                                    'other_vms_mb': 0}
        path = vm_path or 'C:\\ClusterStorage\\Volume1\\vm1'
        self.vm = {'name': 'vm1', 'id': VM_ID, 'host': vm_host, 'state': vm_state, 'path': path,
                   'vhds': list(vhds) if vhds is not None else [path + '\\Virtual Hard Disks\\vm1.vhdx'],
                   'switches': list(switches), 'memory_mb': memory_mb,
                   'cluster': self.cluster_of(vm_host) if vm_clustered else None,
                   'priority': priority, 'owners': list(owners)}
        self.other_vms = {}          # host -> [(name, id)] other VMs, for name clashes
        self.extra_groups = {}       # cluster -> [group names] other roles
        self.cpu = {}                # node -> 'GenuineIntel' / generation, for Compare-VM
        self.compat = False          # CompatibilityForMigrationEnabled of the VM
        self.extra_incompatibilities = []
        self.task_host = task_host
        self.fail = {}               # cmdlet -> [error message, ...] consumed by the next calls of that cmdlet
        self.hang = False            # the next cluster move returns after -Wait with the move in progress
        self.in_progress = None
        self.down_after = {}         # cmdlet -> node that loses power when that cmdlet runs (and it fails)
        self.moves = []
        self.no_cluster_cmdlets = False  # the task's host lacks the FailoverClusters module

    # --- facts ------------------------------------------------------------------------------------------------

    def cluster_of(self, node):
        for name, members in self.clusters.items():
            if node.split('.', maxsplit=1)[0].lower() in members:
                return name
        return None

    def resolve_cluster(self, name):
        """-Cluster X / Get-Cluster -Name X: a cluster name or one of its nodes."""
        if name is None:
            return self.cluster_of(self.task_host)
        if name.lower() in self.clusters:
            return name.lower()
        cluster = self.cluster_of(name)
        if cluster and self.nodes[name.split('.', maxsplit=1)[0].lower()]['reachable']:
            return cluster
        return None

    def node_of(self, computer):
        short = str(computer).split('.', maxsplit=1)[0].lower()
        node = self.nodes.get(short)
        return short if node is not None and node['reachable'] else None

    def vm_row(self):
        vm = self.vm
        running = vm['state'] in ('Running', 'Paused')
        return {'Name': vm['name'], 'Id': vm['id'], 'State': vm['state'], 'ComputerName': vm['host'].upper(),
                'IsClustered': vm['cluster'] is not None, 'Path': vm['path'], 'ConfigurationLocation': vm['path'],
                'HardDrives.Path': list(vm['vhds']), 'MemoryStartup': vm['memory_mb'] * MB,
                'MemoryAssigned': vm['memory_mb'] * MB if running else 0,
                'NetworkAdapters.SwitchName': list(vm['switches'])}

    def group_row(self, cluster):
        vm = self.vm
        state = 'Online' if vm['state'] in ('Running', 'Paused') else 'Offline'
        return {'Name': vm['name'], 'OwnerNode': vm['host'], 'State': state, 'Priority': vm['priority'],
                'GroupType': 'VirtualMachine', 'Id': 'group-%s' % cluster}

    # --- answering a batch ------------------------------------------------------------------------------------

    def run(self, batch):
        outputs, results, stopped = {}, [], False
        for step in batch['calls']:
            entry = {'id': step['id'], 'op': step['op'], 'status': 'skipped', 'output': [], 'errors': [],
                     'elapsed_ms': 0}
            if step['op'] == 'call':
                entry['cmdlet'] = step['cmdlet']
            if stopped:
                results.append(entry)
                continue
            if step['op'] == 'set':
                if 'Priority' in step['properties']:
                    self.vm['priority'] = step['properties']['Priority']
                output, errors, elapsed = outputs[step['target']], [], 0
            else:
                params = {name: self._resolve(value, outputs) for name, value in step['parameters'].items()}
                output, errors, elapsed = self.call(step['cmdlet'], params)
            outputs[step['id']] = output
            entry.update(status='error' if errors else 'ok', errors=errors, elapsed_ms=elapsed,
                         output=self._select(output, step.get('select')))
            results.append(entry)
            if errors and batch['mode'] == 'write':
                stopped = True
        return {'protocol': 1, 'computer_name': self.task_host.upper(), 'calls': results}

    @staticmethod
    def _resolve(value, outputs):
        if isinstance(value, dict) and '__ref__' in value:
            objects = outputs[value['__ref__']]
            if 'property' in value:
                return [obj.get(value['property']) for obj in objects]
            return list(objects)
        return value

    @staticmethod
    def _select(objects, select):
        if not select:
            return copy.deepcopy(objects)
        return [{path: copy.deepcopy(obj.get(path)) for path in select} for obj in objects]

    def call(self, cmdlet, params):
        for name, value in params.items():
            if isinstance(value, list) and not value and name in ('ComputerName', 'VMName', 'Name'):
                return [], [empty_argument(name)], 0
        if self.no_cluster_cmdlets and 'Cluster' in cmdlet:
            return [], [_error("The term '%s' is not recognized as the name of a cmdlet, function, script file, or "
                               "operable program." % cmdlet,
                               'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand',
                               'ObjectNotFound', cmdlet)], 0
        failures = self.fail.get(cmdlet)
        if failures:
            message = failures.pop(0)
            node = self.down_after.pop(cmdlet, None)
            if node:
                self.power_off(node)
            return [], [_error(message, '%s,Microsoft' % cmdlet, 'InvalidOperation')], 5
        handler = getattr(self, 'do_' + cmdlet.replace('-', '_').lower())
        return handler(**params)

    def power_off(self, node):
        self.nodes[node]['reachable'] = False
        self.nodes[node]['state'] = 'Down'
        vm = self.vm
        if vm['host'] == node:
            if vm['cluster']:
                survivors = [n for n in self.clusters[vm['cluster']] if self.nodes[n]['state'] == 'Up']
                vm['host'] = survivors[0]
            else:
                vm['state'] = 'Off'

    # --- reads --------------------------------------------------------------------------------------------------

    def do_get_cluster(self, Name=None):
        cluster = self.resolve_cluster(Name)
        if cluster is None:
            return [], [no_cluster(Name)], 0
        return [{'Name': cluster, 'Domain': 'corp.example.com', 'Id': 'id-' + cluster,
                 'SharedVolumesRoot': 'C:\\ClusterStorage'}], [], 0

    def do_get_clusternode(self, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        if cluster is None:
            return [], [no_cluster(Cluster)], 0
        return [{'Name': node, 'Id': str(index), 'State': self.nodes[node]['state'], 'DrainStatus': 'NotInitiated',
                 'StatusInformation': 'Normal'} for index, node in enumerate(self.clusters[cluster], 1)], [], 0

    def do_get_clustersharedvolume(self, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        if cluster is None:
            return [], [no_cluster(Cluster)], 0
        return [{'Name': 'Cluster Disk %d' % n, 'SharedVolumeInfo.FriendlyVolumeName': [
            'C:\\ClusterStorage\\Volume%d' % n]} for n in (1, 2)], [], 0

    def do_get_clustergroup(self, Name, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        if cluster is None:
            return [], [no_cluster(Cluster)], 0
        if self.vm['cluster'] == cluster and Name.lower() == self.vm['name']:
            return [self.group_row(cluster)], [], 0
        others = self.extra_groups.get(cluster, {})
        if Name in others:
            kind = others[Name] if isinstance(others, dict) else 'VirtualMachine'
            return [{'Name': Name, 'OwnerNode': self.clusters[cluster][0], 'State': 'Online', 'Priority': 2000,
                     'GroupType': kind, 'Id': 'other'}], [], 0
        return [], [group_not_found(Name)], 0

    def do_get_clusterownernode(self, Group, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        if cluster is None:
            return [], [no_cluster(Cluster)], 0
        if self.vm['cluster'] == cluster and Group.lower() == self.vm['name']:
            return [{'OwnerNodes': list(self.vm['owners'])}], [], 0
        return [], [group_not_found(Group)], 0

    def _hosts(self, ComputerName):
        if ComputerName is None:
            return [self.task_host], []
        names = ComputerName if isinstance(ComputerName, list) else [ComputerName]
        hosts, errors = [], []
        for name in names:
            node = self.node_of(name)
            if node is None:
                errors.append(unreachable(name))
            elif node not in hosts:
                hosts.append(node)
        return hosts, errors

    def do_get_vm(self, Name=None, ComputerName=None):
        hosts, errors = self._hosts(ComputerName)
        found = []
        for host in hosts:
            if Name is None:
                if self.vm['host'] == host:
                    found.append(self.vm_row())
                for other, other_id in self.other_vms.get(host, []):
                    found.append({'Name': other, 'Id': other_id, 'State': 'Running', 'MemoryAssigned': 2048 * MB,
                                  'ComputerName': host.upper()})
                continue
            names = Name if isinstance(Name, list) else [Name]
            hit = False
            for name in names:
                if self.vm['host'] == host and name.lower() == self.vm['name']:
                    found.append(self.vm_row())
                    hit = True
                for other, other_id in self.other_vms.get(host, []):
                    if other.lower() == name.lower():
                        found.append(dict(self.vm_row(), Id=other_id, ComputerName=host.upper(),
                                          IsClustered=False))
                        hit = True
            if not hit:
                errors.append(vm_not_found(names[0], host))
        return found, errors, 0

    def do_get_vmhost(self, ComputerName=None):
        hosts, errors = self._hosts(ComputerName)
        rows = []
        for host in hosts:
            node = self.nodes[host]
            rows.append({'Name': host.upper(), 'ComputerName': host.upper(),
                         'FullyQualifiedDomainName': host + '.corp.example.com',
                         'MemoryCapacity': node['memory_mb'] * MB, 'LogicalProcessorCount': 64,
                         'VirtualMachinePath': node['vm_path'], 'VirtualMachineMigrationEnabled': node['migration']})
        return rows, errors, 0

    def do_get_vmswitch(self, ComputerName=None):
        hosts, errors = self._hosts(ComputerName)
        return [{'Name': switch, 'SwitchType': 'External'} for host in hosts
                for switch in self.nodes[host]['switches']], errors, 0

    def do_get_vmprocessor(self, VMName, ComputerName=None):
        hosts, errors = self._hosts(ComputerName)
        if self.vm['host'] in hosts:
            return [{'VMName': VMName, 'CompatibilityForMigrationEnabled': self.compat}], errors, 0
        return [], errors + [vm_not_found(VMName, hosts)], 0

    def do_compare_vm(self, Name, DestinationHost, IncludeStorage=False, DestinationStoragePath=None,
                      ComputerName=None):
        hosts, errors = self._hosts(ComputerName)
        if self.vm['host'] not in hosts:
            return [], errors + [vm_not_found(Name, hosts)], 0
        destination = self.node_of(DestinationHost)
        if destination is None:
            return [], [unreachable(DestinationHost)], 0
        problems = []
        for switch in self.vm['switches']:
            if switch not in self.nodes[destination]['switches']:
                problems.append((33012, "Could not find Ethernet switch '%s'." % switch))
        if self.vm['state'] == 'Running' and self.cpu.get(destination, 'GenuineIntel') != self.cpu.get(
                self.vm['host'], 'GenuineIntel'):
            problems.append((24004, "The virtual machine '%s' is using processor-specific features not supported "
                                    "on host '%s'." % (Name, DestinationHost)))
        problems += self.extra_incompatibilities
        return [{'VM': Name, 'OperationType': 'MoveVirtualMachineAndStorage' if IncludeStorage else
                 'MoveVirtualMachine', 'Destination': DestinationHost,
                 'Incompatibilities.Message': [message for _id, message in problems],
                 'Incompatibilities.MessageId': [message_id for message_id, _message in problems]}], [], 0

    # --- writes -------------------------------------------------------------------------------------------------

    def _elapsed(self):
        return self.vm['memory_mb']

    def do_move_clustervirtualmachinerole(self, Name, Node=None, MigrationType=None, Wait=None, Cancel=False,
                                          Cluster=None):
        vm = self.vm
        cluster = self.resolve_cluster(Cluster)
        if Cancel:
            if self.in_progress is None:
                return [], [_error('No migration in progress.', 'Move-ClusterVirtualMachineRole',
                                   'InvalidOperation')], 0
            self.in_progress = None
            return [self.group_row(cluster)], [], 0
        self.moves.append(('cluster', MigrationType, Node))
        if self.hang:
            self.hang = False
            self.in_progress = Node
            return [self.group_row(cluster)], [], Wait * 1000
        if self.nodes[Node]['state'] != 'Up':
            return [], [_error('The node is not in a state to host the role.', 'Move-ClusterVirtualMachineRole',
                               'InvalidOperation')], 0
        vm['host'] = Node
        if MigrationType in ('Shutdown', 'ShutdownForce', 'TurnOff') and vm['state'] == 'Running':
            vm['state'] = 'Off'
        return [self.group_row(cluster)], [], self._elapsed()

    def do_remove_clustergroup(self, Name, RemoveResources=False, Force=False, Cluster=None):
        assert RemoveResources and Force
        cluster = self.resolve_cluster(Cluster)
        if self.vm['cluster'] != cluster:
            return [], [group_not_found(Name)], 0
        self.vm['cluster'] = None
        self.vm['owners'] = []
        return [], [], 1

    def do_move_vm(self, Name, DestinationHost, ComputerName=None, IncludeStorage=False, DestinationStoragePath=None):
        vm = self.vm
        assert vm['cluster'] is None, 'Move-VM of a clustered VM'
        source = self.node_of(ComputerName)
        assert source == vm['host'], (source, vm['host'])
        destination = self.node_of(DestinationHost)
        self.moves.append(('move-vm', source, destination, IncludeStorage, DestinationStoragePath))
        vm['host'] = destination
        if IncludeStorage and DestinationStoragePath:
            vm['path'] = DestinationStoragePath
            vm['vhds'] = [DestinationStoragePath + '\\Virtual Hard Disks\\' + vhd.rsplit('\\', 1)[-1]
                          for vhd in vm['vhds']]
        return [], [], self._elapsed()

    def do_add_clustervirtualmachinerole(self, VMId, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        assert VMId == self.vm['id']
        assert self.cluster_of(self.vm['host']) == cluster, 'the VM is not on a node of %s' % cluster
        self.vm.update(cluster=cluster, priority=2000, owners=[])
        return [self.group_row(cluster)], [], 1

    def do_set_clusterownernode(self, Group, Owners, Cluster=None):
        cluster = self.resolve_cluster(Cluster)
        assert self.vm['cluster'] == cluster and Group == self.vm['name']
        for owner in Owners:
            assert owner in self.clusters[cluster], '%s is not a node of %s' % (owner, cluster)
        self.vm['owners'] = list(Owners)
        return [], [], 0

    def do_stop_vm(self, Name, ComputerName=None, Force=False):
        assert self.node_of(ComputerName) == self.vm['host']
        self.vm['state'] = 'Off'
        return [], [], 100

    def do_save_vm(self, Name, ComputerName=None):
        assert self.node_of(ComputerName) == self.vm['host']
        self.vm['state'] = 'Saved'
        return [], [], 100

    def do_start_vm(self, Name, ComputerName=None):
        if self.node_of(ComputerName) != self.vm['host']:
            return [], [vm_not_found(Name, ComputerName)], 0
        self.vm['state'] = 'Running'
        return [], [], 100
