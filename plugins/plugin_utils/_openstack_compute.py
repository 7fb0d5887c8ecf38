# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the openstack_compute role: what it refuses, and what it derives from the nodes it read.

FOR INTERNAL COLLECTION USE ONLY. The role calls these through the filters in ``plugins/filter/openstack_compute.py``:
``input_problems`` before it reads anything, ``plan`` once every node has been read (cluster_info, host_info), before
it changes anything. Messages name the setting, the nodes and the reason, and never contain a secret (URLs are
shown without their user information).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from ansible_collections.hyperv.cluster.plugins.plugin_utils._cluster import storage_location

# The support matrix. compute-hyperv 16.0.0 is the last release of the cluster driver.
SUPPORTED_RELEASE = '2023.1'
SUPPORTED = {
    '2023.1': {'series': 'Antelope', 'nova': '27.x', 'compute_hyperv': '16.0.0', 'os_win': '5.9.0',
               'networking_hyperv': '14.0.0'},
}
SERIES = {
    'train': '2019.2', 'ussuri': '2020.1', 'victoria': '2020.2', 'wallaby': '2021.1', 'xena': '2021.2',
    'yoga': '2022.1', 'zed': '2022.2', 'antelope': '2023.1', 'bobcat': '2023.2', 'caracal': '2024.1',
    'dalmatian': '2024.2', 'epoxy': '2025.1', 'flamingo': '2025.2', 'gazpacho': '2026.1',
}
LATER_RELEASE_REASON = (
    'compute-hyperv 16.0.0 (OpenStack 2023.1 "Antelope") is the last release of the Hyper-V cluster driver: the '
    'Winstackers project that maintained compute-hyperv, os-win and networking-hyperv was retired on 2023-06-23, so '
    '2023.2 has no compute-hyperv release, and nova 29 (2024.1) removed nova/virt/hyperv and nova/conf/hyperv.py, '
    'whose [hyperv] options the driver reads, so it cannot run on 2024.1 or later')
COORDINATION_SCHEMES = ('etcd3+http', 'etcd3+https', 'mysql', 'file')
GUID_RE = re.compile(r'^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$')
WINDOWS_PATH_RE = re.compile(r'^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)')


def redact_url(url):
    """A URL without its user information (user:password@), for messages."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return '<unparsable URL>'
    if parts.username is None and parts.password is None:
        return str(url)
    netloc = '***@' + parts.netloc.rsplit('@', 1)[-1]
    return parts._replace(netloc=netloc).geturl()


def release_problem(release):
    """Why ``release`` cannot be deployed, or None. Accepts 2023.1 or a series name (antelope)."""
    text = str(release or '').strip().lower()
    number = SERIES.get(text, text)
    if number in SUPPORTED:
        return None
    match = re.match(r'^(\d{4})\.(\d)$', number)
    if not match:
        return ('openstack_compute_release %r is not an OpenStack release: give %s (%s), the release this role '
                'supports' % (release, SUPPORTED_RELEASE, SUPPORTED[SUPPORTED_RELEASE]['series']))
    if (int(match.group(1)), int(match.group(2))) > (2023, 1):
        return ('OpenStack %s is not supported: %s. Keep these nodes on %s (openstack_compute_release: %s, the '
                'compute-hyperv %s MSI) and check that your control plane still accepts %s computes, or move the '
                'cluster off the Hyper-V cluster driver'
                % (release, LATER_RELEASE_REASON, SUPPORTED_RELEASE, SUPPORTED_RELEASE,
                   SUPPORTED[SUPPORTED_RELEASE]['compute_hyperv'], SUPPORTED_RELEASE))
    return ('OpenStack %s is not supported: this role configures nova %s with compute-hyperv %s (OpenStack %s, the '
            'last release of the driver); install the %s MSI (openstack_compute_release: %s)'
            % (release, SUPPORTED[SUPPORTED_RELEASE]['nova'], SUPPORTED[SUPPORTED_RELEASE]['compute_hyperv'],
               SUPPORTED_RELEASE, SUPPORTED_RELEASE, SUPPORTED_RELEASE))


def backend_url_problem(url):
    """Why ``url`` is not a usable [coordination] backend_url for a cluster, or None."""
    if not url or not str(url).strip():
        return ('openstack_compute_coordination_backend_url is not set: the cluster driver takes a tooz lock '
                '(compute-hyperv-failover-<instance name>) on every node that sees a failover, and its default '
                '(file:///C:/OpenStack/Lock) is a directory on each node, which locks nothing across nodes; give an '
                'etcd (etcd3+http://HOST:2379?api_version=v3), MySQL (mysql://USER:PASSWORD@HOST/DB) or file '
                'share (file:////SERVER/SHARE/PATH) backend every node reaches')
    url = str(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return 'openstack_compute_coordination_backend_url is not a URL: %s' % redact_url(url)
    scheme = parts.scheme.lower()
    shown = redact_url(url)
    if scheme == 'file':
        if not (parts.netloc == '' and parts.path.startswith('//') and len(parts.path.strip('/').split('/')) >= 2):
            return ('openstack_compute_coordination_backend_url %s is a directory on each node (tooz\'s file '
                    'driver uses the URL path only): locks taken on one node are not seen by the others, so two '
                    'nodes can handle the same failover at once (LP#1795299); use a file share every node reaches '
                    '(file:////SERVER/SHARE/PATH), or better etcd (etcd3+http://HOST:2379?api_version=v3)' % shown)
        return None
    if scheme in ('etcd3+http', 'etcd3+https'):
        if not parts.hostname:
            return 'openstack_compute_coordination_backend_url %s names no etcd host' % shown
        if 'api_version' not in parse_qs(parts.query):
            return ('openstack_compute_coordination_backend_url %s has no api_version: the tooz of OpenStack 2023.1 '
                    'then uses the v3alpha gateway path, which etcd 3.4 and later no longer serve (every lock call '
                    'fails with 404 Not Found); append ?api_version=v3' % shown)
        return None
    if scheme == 'mysql':
        if not parts.hostname or not parts.path.strip('/'):
            return ('openstack_compute_coordination_backend_url %s must name the MySQL host and database '
                    '(mysql://USER:PASSWORD@HOST/DB)' % shown)
        return None
    if scheme == 'etcd':
        return ('openstack_compute_coordination_backend_url %s uses the etcd v2 API, which etcd 3.4 disables and 3.6 '
                'removed; use etcd3+http://HOST:2379?api_version=v3' % shown)
    return ('openstack_compute_coordination_backend_url %s: the %r backend is not one this role supports for the '
            'cluster driver; use %s' % (shown, scheme, ', '.join(COORDINATION_SCHEMES)))


def input_problems(settings):
    """Problems with the role's input alone (no node read yet). ``settings``: release, backend_url,
    instances_path, vswitch_mappings, msi_product_id, transport_url, disk_allocation_ratio, reserved_host_disk_mb,
    service_user."""
    problems = []
    for problem in (release_problem(settings.get('release')), backend_url_problem(settings.get('backend_url'))):
        if problem:
            problems.append(problem)
    path = settings.get('instances_path')
    if not path or not WINDOWS_PATH_RE.match(str(path)):
        problems.append('openstack_compute_instances_path %r is not an absolute Windows path: give a folder on a '
                        'Cluster Shared Volume (C:\\ClusterStorage\\Volume1\\OpenStack\\Instances) or an SMB share '
                        '(\\\\SERVER\\SHARE\\OpenStack\\Instances)' % (path,))
    mappings = settings.get('vswitch_mappings') or []
    if not mappings:
        problems.append('openstack_compute_vswitch_mappings is empty: neutron-hyperv-agent refuses to start without a '
                        'vSwitch ("No vSwitch configured."); map the physical network(s) to the cluster\'s vSwitch, '
                        'for example [{physical_network: "*", vswitch: External}]')
    networks = [str(item.get('physical_network', '')) for item in mappings]
    for item in mappings:
        if not item.get('physical_network') or not item.get('vswitch'):
            problems.append('openstack_compute_vswitch_mappings entry %r needs physical_network and vswitch' % (item,))
    duplicates = sorted(name for name, count in Counter(networks).items() if count > 1 and name)
    if duplicates:
        problems.append('openstack_compute_vswitch_mappings maps physical network(s) %s more than once'
                        % ', '.join(duplicates))
    product_id = settings.get('msi_product_id')
    if not product_id or not GUID_RE.match(str(product_id)):
        problems.append('openstack_compute_msi_product_id %r is not an MSI product code ({XXXXXXXX-XXXX-XXXX-XXXX-'
                        'XXXXXXXXXXXX}); win_package uses it to tell whether the MSI is installed' % (product_id,))
    transport = settings.get('transport_url')
    if not transport or not str(transport).startswith('rabbit://'):
        problems.append('openstack_compute_transport_url must be the RabbitMQ URL of the control plane '
                        '(rabbit://USER:PASSWORD@HOST:5672/), got %s' % (redact_url(transport) if transport else
                                                                         'nothing'))
    ratio = settings.get('disk_allocation_ratio')
    if ratio is not None and float(ratio) <= 0:
        problems.append('openstack_compute_disk_allocation_ratio must be greater than 0, got %s' % ratio)
    reserved = settings.get('reserved_host_disk_mb')
    if reserved is not None and int(reserved) < 0:
        problems.append('openstack_compute_reserved_host_disk_mb cannot be negative, got %s' % reserved)
    user = str(settings.get('service_user') or '')
    if '\\' not in user and '@' not in user:
        problems.append('openstack_compute_service_user %r must be a domain account (DOMAIN\\user or user@domain): '
                        'nova-compute reaches the instances on shared storage and the other nodes with it' % user)
    return problems


def _odd_ones(values):
    """{value: [hosts]} -> hosts whose value is not the most common one (ties: the first value seen wins)."""
    counts = Counter({value: len(hosts) for value, hosts in values.items()})
    common = counts.most_common(1)[0][0]
    return common, sorted(host for value, hosts in values.items() if value != common for host in hosts)


def plan(nodes, remove_unused_base_images='auto'):
    """Decide from what every node of the play reported. ``nodes``: {host: {"cluster", "csv_paths", "vswitches",
    "instances_path", "vswitch_mappings", "aggregate_name", "availability_zone", "nova_host"}}.

    ``remove_unused_base_images``: ``auto`` (decided here, see below) or a boolean that wins.

    Returns {"problems": [...], "remove_unused_base_images": bool, "aggregates": [{"cluster", "name",
    "availability_zone", "hosts"}], "storage": "csv"|"smb"|None}. Every node fails with the same problems, so
    that none is configured differently from the others.
    """
    problems = []
    hosts = sorted(nodes)
    unclustered = [host for host in hosts if not nodes[host].get('cluster')]
    if unclustered:
        verb = 'is' if len(unclustered) == 1 else 'are'
        problems.append('%s %s not in a failover cluster: the Hyper-V cluster driver needs clustered nodes; run '
                        'hyperv.cluster.failover_cluster first' % (', '.join(unclustered), verb))
    paths = {}
    for host in hosts:
        paths.setdefault(str(nodes[host].get('instances_path') or '').rstrip('\\').lower(), []).append(host)
    storage = {}
    local = []
    for host in hosts:
        node = nodes[host]
        kind = storage_location(node.get('instances_path'), node.get('csv_paths') or [])
        storage[host] = kind
        if kind == 'local' and node.get('cluster'):
            local.append(host)
    if local:
        shown = sorted({str(nodes[host].get('instances_path')) for host in local})
        problems.append('openstack_compute_instances_path %s is not on shared storage on %s: it is neither on a '
                        'Cluster Shared Volume of the node\'s cluster (%s) nor an SMB share, so a VM that fails over '
                        'would leave its disks behind; use a folder on a CSV or a share'
                        % (' / '.join(shown), ', '.join(local),
                           '; '.join(sorted({'%s: %s' % (nodes[host].get('cluster'),
                                                         ', '.join(nodes[host].get('csv_paths') or []) or 'no CSV')
                                             for host in local}))))
    if len(paths) > 1:
        common, odd = _odd_ones(paths)
        problems.append('openstack_compute_instances_path differs across the nodes: %s (%s), while the others use '
                        '%s; every node must use the same path, the image cache and the failover of instances rely '
                        'on it' % (', '.join(odd), '; '.join('%s: %s' % (host, nodes[host].get('instances_path'))
                                                             for host in odd),
                                   nodes[paths[common][0]].get('instances_path')))
    mappings = {}
    for host in hosts:
        key = tuple(sorted((str(item.get('physical_network')), str(item.get('vswitch')))
                           for item in nodes[host].get('vswitch_mappings') or []))
        mappings.setdefault(key, []).append(host)
    if len(mappings) > 1:
        _common, odd = _odd_ones(mappings)
        problems.append('openstack_compute_vswitch_mappings differ across the nodes (%s differ from the others): a '
                        'port bound on one node must be bindable on the node its instance fails over to'
                        % ', '.join(odd))
    missing = {}
    for host in hosts:
        present = [str(name).lower() for name in nodes[host].get('vswitches') or []]
        for item in nodes[host].get('vswitch_mappings') or []:
            if str(item.get('vswitch', '')).lower() not in present:
                missing.setdefault(item.get('vswitch'), []).append(host)
    for switch, where in sorted(missing.items()):
        found = sorted({', '.join(nodes[host].get('vswitches') or []) or 'none' for host in where})
        problems.append('vSwitch %r (openstack_compute_vswitch_mappings) does not exist on %s (switches there: %s): '
                        'neutron-hyperv-agent refuses to start when a mapped vSwitch is missing; create it (the '
                        'cluster_prereqs role) or map the physical network to an existing switch'
                        % (switch, ', '.join(sorted(where)), ' / '.join(found)))
    aggregates = {}
    for host in hosts:
        node = nodes[host]
        if not node.get('cluster'):
            continue
        entry = aggregates.setdefault(node['cluster'], {'cluster': node['cluster'], 'names': {}, 'zones': {},
                                                        'hosts': []})
        entry['names'].setdefault(node.get('aggregate_name') or node['cluster'], []).append(host)
        entry['zones'].setdefault(node.get('availability_zone') or None, []).append(host)
        entry['hosts'].append(node.get('nova_host') or host)
    result = []
    for cluster in sorted(aggregates):
        entry = aggregates[cluster]
        for what, values in (('openstack_compute_aggregate_name', entry['names']),
                             ('openstack_compute_availability_zone', entry['zones'])):
            if len(values) > 1:
                problems.append('%s differs between the nodes of cluster %s (%s): one cluster is one aggregate'
                                % (what, cluster, '; '.join('%s: %s' % (value, ', '.join(sorted(where)))
                                                            for value, where in values.items())))
        result.append({'cluster': cluster, 'name': next(iter(entry['names'])),
                       'availability_zone': next(iter(entry['zones'])), 'hosts': sorted(entry['hosts'])})
    kinds = {kind for kind in storage.values() if kind != 'local'}
    shared = 'smb' if kinds == {'smb'} else ('csv' if kinds == {'csv'} else None)
    # The image cache (<instances_path>\_base) is cleaned by whichever node runs the cache manager, which counts the
    # instances of the hosts listed in <instances_path>\compute_nodes. One SMB share, or one cluster's CSV, is the same
    # folder for every node; the same CSV path on several clusters is one folder per cluster, and the driver's docs
    # ask for remove_unused_base_images = False when nodes use different CSVs.
    different_csvs = shared == 'csv' and len(aggregates) > 1
    remove = not different_csvs
    if str(remove_unused_base_images).lower() != 'auto':
        remove = str(remove_unused_base_images).lower() in ('true', 'yes', 'on', '1')
    return {'problems': problems, 'remove_unused_base_images': remove, 'aggregates': result,
            'storage': shared}
