"""The lab state: one JSON document per lab directory, guarded by a lock because Ansible forks run in parallel.

Shape (all names as Windows reports them; node and cluster keys are the names as created, looked up
case-insensitively):

    {"schema": 1,
     "domain": {"name", "netbios", "join_password", "computers": [...], "cno_rights": true},
     "nodes": {name: {"name", "fqdn", "domain", "power": "on"|"off", "os", "hardware", "features", "pending_reboot",
                      "nics", "vswitches", "vmhost", "mpio", "cluster"}},
     "clusters": {name: {"name", "id", "domain", "nodes": {node: {"id", "state", "drain_status"}}, "quorum",
                         "csvs": {resource name: {...}}, "available_disks", "networks", "groups": {name: {...}},
                         "next_disk_number", "pending": [...]}},
     "vms": {id: {"id", "name", "host", "state", "memory_mb", "processor_count", "generation", "path",
                  "vhds": [...], "nics": [{"switch"}], "processor_compatibility"}},
     "faults": [{"kind", "node"}],
     }

Keys added after schema 1 was first written are optional (readers use defaults), so older labs still load: node
``hardware.cpu_generation`` and ``mpio``, VM ``processor_compatibility``, group ``drained_from`` and ``auto_failback_type``, cluster
``pending`` (moves and drains in progress, see migration.py) and the armed ``faults`` (see faults.py).

Remote executions are appended to ``executions.log`` (one JSON line each: node, mode, cmdlets) rather than kept in
the state, so that a read never rewrites the state file.
"""

import contextlib
import fcntl
import json
import os
import tempfile

SCHEMA = 1
STATE_FILE = 'state.json'
LOCK_FILE = 'state.lock'


def _find(mapping, name):
    """Case-insensitive key lookup: Windows names are case-insensitive."""
    if name is None:
        return None
    if name in mapping:
        return name
    lowered = str(name).lower()
    for key in mapping:
        if key.lower() == lowered:
            return key
    return None


class LabState:
    def __init__(self, lab_dir, data):
        self.lab_dir = lab_dir
        self.data = data

    # --- persistence ----------------------------------------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def open(cls, lab_dir, write=True):
        """Lock the lab, load it, yield it, and save it if ``write`` and no exception escaped."""
        path = os.path.join(lab_dir, STATE_FILE)
        if not os.path.exists(path):
            raise FileNotFoundError('no simulated lab in %s (create one with scripts/lab create)' % lab_dir)
        with open(os.path.join(lab_dir, LOCK_FILE), 'a+', encoding='utf-8') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            try:
                with open(path, encoding='utf-8') as handle:
                    state = cls(lab_dir, json.load(handle))
                yield state
                if write:
                    state.save()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @classmethod
    def create(cls, lab_dir, data):
        os.makedirs(lab_dir, exist_ok=True)
        state = cls(lab_dir, data)
        state.save()
        return state

    def save(self):
        handle, temp = tempfile.mkstemp(dir=self.lab_dir, prefix='.state-', suffix='.json')
        with os.fdopen(handle, 'w', encoding='utf-8') as out:
            json.dump(self.data, out, separators=(',', ':'), sort_keys=True)
        os.replace(temp, os.path.join(self.lab_dir, STATE_FILE))

    # --- lookups --------------------------------------------------------------------------------------------------

    @property
    def nodes(self):
        return self.data['nodes']

    @property
    def clusters(self):
        return self.data['clusters']

    @property
    def vms(self):
        return self.data['vms']

    def node(self, name):
        key = _find(self.nodes, name)
        return self.nodes[key] if key else None

    # Armed faults ({"kind", "node"} in data['faults'], in arming order) that are not migration faults: update-fail,
    # validation-fail, domain-unreachable. Each is armed on a known node and consumed (or looked up) by its kind.
    def arm_fault(self, kind, node_name):
        node = self.node(node_name)
        if node is None:
            raise ValueError('no node %s in the lab' % node_name)
        fault = {'kind': kind, 'node': node['name']}
        self.data.setdefault('faults', []).append(fault)
        return fault

    def _fault_index(self, kind, node_name):
        for index, fault in enumerate(self.data.get('faults') or []):
            if fault.get('kind') == kind and str(fault.get('node', '')).lower() == node_name.lower():
                return index
        return None

    def has_fault(self, kind, node_name):
        return self._fault_index(kind, node_name) is not None

    def take_fault(self, kind, node_name):
        """Consume the first armed fault of that kind on the node; the fault, or None."""
        index = self._fault_index(kind, node_name)
        return None if index is None else self.data['faults'].pop(index)

    def cluster(self, name):
        key = _find(self.clusters, name)
        return self.clusters[key] if key else None

    def cluster_of(self, node_name):
        node = self.node(node_name)
        return self.cluster(node['cluster']) if node and node.get('cluster') else None

    def computer(self, name):
        """The node a computer name (short or FQDN, any case) designates, or None."""
        if not name:
            return None
        node = self.node(name)
        if node is not None:
            return node
        lowered = str(name).lower()
        for candidate in self.nodes.values():
            if lowered == (candidate.get('fqdn') or '').lower():
                return candidate
        return None

    def reach_cluster(self, name):
        """``(cluster, node)`` for a name that reaches a cluster: its name (short or FQDN) or the name (short or FQDN)
        of one of its nodes, through which it is then reached (``node`` is None when the cluster was named)."""
        cluster = self.cluster(name)
        if cluster is None and name and '.' in str(name):
            short, _dot, suffix = str(name).partition('.')
            candidate = self.cluster(short)
            if candidate is not None and suffix.lower() == (candidate.get('domain') or '').lower():
                cluster = candidate
        if cluster is not None:
            return cluster, None
        node = self.computer(name)
        if node is not None and node.get('cluster'):
            return self.cluster(node['cluster']), node
        return None, None

    def vms_on(self, node_name):
        lowered = node_name.lower()
        return [vm for vm in self.vms.values() if vm['host'].lower() == lowered]

    def vms_named(self, name, host=None):
        lowered = name.lower()
        return [vm for vm in self.vms.values()
                if vm['name'].lower() == lowered and (host is None or vm['host'].lower() == host.lower())]


EXECUTIONS_LOG = 'executions.log'


def record_execution(lab_dir, node, mode, cmdlets):
    line = json.dumps({'node': node, 'mode': mode, 'cmdlets': cmdlets}, separators=(',', ':')) + '\n'
    # One write() of a short line with O_APPEND is atomic, so parallel forks never interleave entries.
    descriptor = os.open(os.path.join(lab_dir, EXECUTIONS_LOG), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line.encode('utf-8'))
    finally:
        os.close(descriptor)


def read_executions(lab_dir):
    path = os.path.join(lab_dir, EXECUTIONS_LOG)
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def execution_counts(lab_dir):
    """Remote executions per node: {node: {"total", "read", "write"}}."""
    counts = {}
    for entry in read_executions(lab_dir):
        per_node = counts.setdefault(entry['node'], {'total': 0, 'read': 0, 'write': 0})
        per_node['total'] += 1
        per_node[entry.get('mode') if entry.get('mode') in ('read', 'write') else 'read'] += 1
    return counts
