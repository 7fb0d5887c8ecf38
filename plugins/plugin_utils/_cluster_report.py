# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What playbooks/cluster_report.yml shows: the clusters as cluster_info, cluster_capacity and host_info read them,
turned into the rows, bars, verdicts and sentences of the page (the template only lays them out).

FOR INTERNAL COLLECTION USE ONLY. The playbook calls ``build`` through the filter in
``plugins/filter/cluster_report.py`` with one record per host of the play:
``{"host", "cluster", "answers", "host_info", "cluster_info", "cluster_capacity"}`` (the three results are those of
the host's own tasks, None when it did not run them). Every value that comes from the nodes (names, paths, states)
is user data: the template escapes it; nothing here builds markup.

Every state has a *tone*, ``ok``, ``warning``, ``critical`` or ``unknown``, which the page shows as a color and always
with a word; a cluster's tone is its worst, the page's the worst of its clusters.
"""

from __future__ import annotations

TONES = ('ok', 'unknown', 'warning', 'critical')      # from best to worst
STATUS_LABELS = {'ok': 'Healthy', 'unknown': 'Unknown', 'warning': 'Needs attention', 'critical': 'Critical'}
NODE_STATE_TONES = {'up': 'ok', 'paused': 'warning', 'joining': 'warning', 'down': 'critical'}
DRAIN_LABELS = {'notinitiated': 'none', 'inprogress': 'in progress', 'completed': 'completed', 'failed': 'failed'}
DRAIN_TONES = {'inprogress': 'warning', 'failed': 'critical'}
CSV_FAULT_TONES = {'redirected': 'warning', 'inmaintenance': 'warning', 'noaccess': 'critical'}
QUORUM_MODES = {
    'node_majority': 'Node majority',
    'node_and_disk_majority': 'Node and disk majority',
    'node_and_file_share_majority': 'Node and file share majority',
    'node_and_cloud_majority': 'Node and cloud majority',
    'disk_only': 'Disk only',
}
WITNESS_KINDS = {'none': 'No witness', 'disk': 'Disk witness', 'file_share': 'File share witness',
                 'cloud': 'Cloud witness', 'other': 'Other witness'}
DEFAULTS = {
    'csv_warning_percent': 80,       # used space from which a CSV bar turns amber
    'csv_critical_percent': 90,      # ... and red
    'headroom_warning_percent': 10,  # free memory left after the worst failure, of the survivors' memory, below which
                                     # N+1 holds only just (amber)
    'vm_list_limit': 50,             # VM names listed per list; the rest is counted
}
MB = 1024 * 1024


def worst(tones):
    """The worst of some tones ('ok' for none)."""
    return max(list(tones) or ['ok'], key=TONES.index)


def human_bytes(count):
    """1099511627776 -> '1.0 TiB'; None -> 'unknown'."""
    if count is None:
        return 'unknown'
    value = float(count)
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if abs(value) < 1024 or unit == 'TiB':
            return ('%d %s' % (value, unit)) if unit == 'B' else ('%.1f %s' % (value, unit))
        value /= 1024
    return None  # not reached


def human_mb(megabytes):
    return human_bytes(None if megabytes is None else megabytes * MB)


def percent(part, whole):
    """part of whole in percent, one decimal; None when whole is unknown or zero."""
    if not whole or part is None:
        return None
    return round(100.0 * part / whole, 1)


def _key(value):
    return str(value or '').replace(' ', '').lower()


def _node_row(node, host_record, capacity_node, settings):
    state = node.get('state') or 'Unknown'
    drain = node.get('drain_status') or 'NotInitiated'
    row = {
        'name': node.get('name'), 'state': state, 'state_tone': NODE_STATE_TONES.get(_key(state), 'critical'),
        'drain_status': drain, 'drain_label': DRAIN_LABELS.get(_key(drain), drain),
        'drain_tone': DRAIN_TONES.get(_key(drain), 'ok'),
        'status_information': node.get('status_information'),
        'host': host_record.get('host') if host_record else None,
        'vms': None, 'vms_unread_reason': _unread_reason(host_record), 'memory': None,
    }
    if row['vms_unread_reason'] is None:
        row['vms'] = vm_counts(host_record['host_info'].get('vms') or [])
    if capacity_node and capacity_node.get('memory_mb'):
        row['memory'] = memory_bar(capacity_node['memory_mb'], capacity_node.get('used_mb') or 0, settings)
    elif row['vms_unread_reason'] is None:
        capacity_bytes = (host_record['host_info'].get('vmhost') or {}).get('memory_capacity_bytes')
        if capacity_bytes:
            row['memory'] = memory_bar(capacity_bytes // MB, row['vms']['memory_mb'], settings)
    return row


def read_failure(result, returned_key):
    """The error of a module task that failed, or None when it read (or did not run). The playbook runs the reads with
    ``failed_when: false`` so that the page is written whatever fails; such a result is not ``failed`` but lacks the
    key the module always returns."""
    if not result or result.get('skipped') or result.get('unreachable'):
        return None
    if returned_key in result and not result.get('failed'):
        return None
    return str(result.get('msg') or 'no message').rstrip('.')


def _unread_reason(host_record):
    """Why a node's VMs are not on the page, or None when host_info read them."""
    if host_record is None:
        return 'not in the inventory'
    result = host_record.get('host_info')
    if not host_record.get('answers') or result is None or result.get('unreachable'):
        return 'not reachable'
    if result.get('skipped'):
        return 'not read'
    if read_failure(result, 'vms'):
        return 'not read: %s' % read_failure(result, 'vms')
    if result.get('hyperv') is False:
        return 'no Hyper-V'
    return None


def vm_counts(vms):
    running = [vm for vm in vms if vm.get('state') == 'Running']
    clustered = [vm for vm in vms if vm.get('clustered')]
    return {
        'total': len(vms), 'running': len(running), 'clustered': len(clustered),
        'not_clustered': len(vms) - len(clustered),
        'memory_mb': sum(int(vm.get('memory_assigned_mb') or 0) for vm in vms),
    }


def memory_bar(memory_mb, used_mb, settings):
    used_percent = percent(used_mb, memory_mb)
    return {
        'memory_mb': memory_mb, 'used_mb': used_mb, 'free_mb': memory_mb - used_mb,
        'used_percent': used_percent, 'bar_percent': min(max(used_percent or 0, 0), 100),
        'tone': _usage_tone(used_percent, settings),
        'memory': human_mb(memory_mb), 'used': human_mb(used_mb), 'free': human_mb(memory_mb - used_mb),
    }


def _usage_tone(used_percent, settings):
    if used_percent is None:
        return 'unknown'
    if used_percent >= settings['csv_critical_percent']:
        return 'critical'
    return 'warning' if used_percent >= settings['csv_warning_percent'] else 'ok'


def csv_row(csv, settings):
    size, free = csv.get('size_bytes'), csv.get('free_bytes')
    used = csv.get('used_bytes')
    if used is None and size is not None and free is not None:
        used = size - free
    used_percent = percent(used, size)
    state, fault = csv.get('state') or 'Unknown', csv.get('fault_state') or 'NoFaults'
    tones = [_usage_tone(used_percent, settings), CSV_FAULT_TONES.get(_key(fault), 'ok')]
    if _key(state) != 'online':
        tones.append('critical')
    return {
        'name': csv.get('name'), 'path': csv.get('path'), 'state': state, 'fault_state': fault,
        'owner_node': csv.get('owner_node'),
        'size_bytes': size, 'free_bytes': free, 'used_bytes': used,
        'size': human_bytes(size), 'free': human_bytes(free), 'used': human_bytes(used),
        'used_percent': used_percent, 'free_percent': None if used_percent is None else round(100 - used_percent, 1),
        'bar_percent': min(max(used_percent or 0, 0), 100), 'tone': worst(tones),
    }


def quorum_view(quorum):
    quorum = quorum or {}
    witness = quorum.get('witness_type') or 'none'
    return {
        'quorum_type': quorum.get('quorum_type') or 'unknown', 'mode': quorum.get('mode'),
        'mode_label': QUORUM_MODES.get(quorum.get('mode'), quorum.get('mode') or 'unknown'),
        'witness_type': witness, 'witness_label': WITNESS_KINDS.get(witness, witness),
        'witness_resource': quorum.get('witness_resource'),
    }


def headroom(capacity, settings):
    """The N+1 verdict of one cluster from its cluster_capacity result (None when it did not run)."""
    if not capacity or capacity.get('skipped'):
        return {'tone': 'unknown', 'verdict': 'Not checked', 'sentence': 'The cluster could not be read.',
                'failing': [], 'failures': None}
    failures = capacity.get('failures') or 1
    if read_failure(capacity, 'survives'):
        return {'tone': 'unknown', 'verdict': 'Not checked', 'failing': [], 'failures': failures,
                'sentence': 'cluster_capacity failed: %s.' % read_failure(capacity, 'survives')}
    lose = 'any %d node%s' % (failures, '' if failures == 1 else 's')
    view = {'failures': failures, 'scenarios_checked': capacity.get('scenarios_checked'),
            'reserve': human_mb(capacity.get('host_memory_reserve_mb')),
            'failing': [_scenario(scenario) for scenario in capacity.get('failing_scenarios') or []],
            'failing_count': len(capacity.get('failing_scenarios') or []),
            'unknown_memory_nodes': capacity.get('unknown_memory_nodes') or []}
    worst_case = capacity.get('worst_scenario')
    if not capacity.get('survives'):
        consequence = view['failing'][0]['consequence'] if view['failing'] else 'no scenario could be formed'
        view.update(tone='critical', verdict='At risk', sentence='Does not survive losing %s: %s.' % (lose, consequence))
        return view
    if not worst_case:
        view.update(tone='unknown', verdict='Not checked', sentence='No failure scenario could be formed.')
        return view
    lost = set(worst_case.get('lost_nodes') or [])
    surviving_mb = sum(node.get('memory_mb') or 0 for node in capacity.get('nodes') or []
                       if node.get('name') not in lost and _key(node.get('state')) == 'up')
    free_after = worst_case.get('free_after_mb') or 0
    view['free_after'] = human_mb(free_after)
    view['free_after_percent'] = percent(free_after, surviving_mb)
    sentence = 'Survives losing %s; the worst case (%s) leaves %s free (%s%% of the remaining nodes\' memory).' % (
        lose, ' and '.join(sorted(lost)), view['free_after'], view['free_after_percent'])
    if view['unknown_memory_nodes']:
        view.update(tone='warning', verdict='Uncertain',
                    sentence=sentence + ' Memory unknown on %s (counted as full).'
                    % ', '.join(view['unknown_memory_nodes']))
    elif view['free_after_percent'] is not None and view['free_after_percent'] < settings['headroom_warning_percent']:
        view.update(tone='warning', verdict='Tight', sentence=sentence)
    else:
        view.update(tone='ok', verdict='OK', sentence=sentence)
    return view


def _scenario(scenario):
    unplaced = scenario.get('unplaced_vms') or []
    if not scenario.get('quorum'):
        consequence = ('without %s the cluster loses quorum and stops its VMs'
                       % ' and '.join(scenario.get('lost_nodes') or []))
    else:
        consequence = 'without %s, %d VM%s would not restart (%s short)' % (
            ' and '.join(scenario.get('lost_nodes') or []), len(unplaced), '' if len(unplaced) == 1 else 's',
            human_mb(scenario.get('unplaced_mb') or 0))
    return {'lost_nodes': scenario.get('lost_nodes') or [], 'quorum': bool(scenario.get('quorum')),
            'unplaced_vms': unplaced, 'unplaced_mb': scenario.get('unplaced_mb') or 0, 'consequence': consequence}


def capped(items, limit):
    """{'shown': the first ``limit`` items, 'more': how many are left out}."""
    return {'shown': items[:limit], 'more': max(len(items) - limit, 0), 'count': len(items)}


def _host_for(node_name, host_records):
    """The record of the host that is this cluster node: by the name Hyper-V reports, else by inventory name."""
    wanted = _key(node_name)
    for record in host_records:
        vmhost = (record.get('host_info') or {}).get('vmhost') or {}
        if _key(vmhost.get('name')) == wanted:
            return record
    for record in host_records:
        if _key(record.get('host')) == wanted or _key(str(record.get('host')).split('.', maxsplit=1)[0]) == wanted:
            return record
    return None


def cluster_card(name, members, leader, settings):
    """One cluster: ``members`` are the host records of its inventory group, ``leader`` the one that read it."""
    info = (leader or {}).get('cluster_info') or {}
    if not info.get('clustered'):
        if leader is None:
            reason = 'no node of the cluster answered'
        elif read_failure(info, 'clustered'):
            reason = 'cluster_info failed on %s: %s' % (leader['host'], read_failure(info, 'clustered'))
        else:
            reason = 'the cluster service is not running on %s (has the cluster lost quorum?)' % leader['host']
        return {'name': name, 'domain': None, 'read_from': leader and leader['host'], 'readable': False,
                'tone': 'critical', 'status': STATUS_LABELS['critical'], 'problems': ['Not read: %s.' % reason],
                'nodes': [], 'csvs': [], 'quorum': None, 'headroom': headroom(None, settings), 'roles': None,
                'attention_vms': capped([], settings['vm_list_limit'])}
    capacity = leader.get('cluster_capacity')
    capacity_nodes = {_key(node.get('name')): node for node in (capacity or {}).get('nodes') or []}
    hosts = [_host_for(node.get('name'), members) for node in info.get('nodes') or []]
    nodes = [_node_row(node, host, capacity_nodes.get(_key(node.get('name'))), settings)
             for node, host in zip(info.get('nodes') or [], hosts)]
    csvs = [csv_row(csv, settings) for csv in info.get('csvs') or []]
    groups = info.get('vm_groups') or []
    not_online = [{'name': group.get('name'), 'node': group.get('owner_node'), 'state': group.get('state'),
                   'why': 'VM role %s' % (group.get('state') or 'not online').lower()}
                  for group in groups if group.get('state') != 'Online']
    not_clustered = [{'name': vm.get('name'), 'node': node['name'], 'state': vm.get('state'),
                      'why': 'not clustered: stays down if its node fails'}
                     for node, host in zip(nodes, hosts) if node['vms'] is not None
                     for vm in host['host_info'].get('vms') or [] if not vm.get('clustered')]
    view = {
        'name': info['cluster'].get('name') or name, 'domain': info['cluster'].get('domain'),
        'read_from': leader['host'], 'readable': True, 'nodes': nodes, 'csvs': csvs,
        'quorum': quorum_view(info.get('quorum')), 'headroom': headroom(capacity, settings),
        'roles': {'total': len(groups), 'online': len(groups) - len(not_online)},
        'attention_vms': capped(not_online + not_clustered, settings['vm_list_limit']),
        'nodes_up': sum(1 for node in nodes if node['state_tone'] == 'ok'),
    }
    view['problems'] = _problems(view, not_online)
    view['tone'] = worst([node['state_tone'] for node in nodes] + [node['drain_tone'] for node in nodes]
                         + [csv['tone'] for csv in csvs] + [view['headroom']['tone']]
                         + (['warning'] if not_online else []))
    view['status'] = STATUS_LABELS[view['tone']]
    return view


def _problems(view, not_online):
    problems = ['Node %s is %s.' % (node['name'], node['state']) for node in view['nodes']
                if node['state_tone'] != 'ok']
    problems += ['Drain of %s %s.' % (node['name'], node['drain_label']) for node in view['nodes']
                 if node['drain_tone'] != 'ok']
    problems += ['%s is %s%% full%s.' % (csv['path'] or csv['name'], csv['used_percent'],
                                         '' if _key(csv['state']) == 'online' else ' and %s' % csv['state'])
                 for csv in view['csvs'] if csv['tone'] != 'ok']
    if view['headroom']['tone'] != 'ok':
        problems.append('N+%s headroom: %s' % (view['headroom']['failures'] or 1, view['headroom']['sentence']))
    if not_online:
        problems.append('%d VM role%s not online.' % (len(not_online), '' if len(not_online) == 1 else 's'))
    return problems


def standalone_rows(records, settings):
    """The hosts of the play that belong to no cluster, with their VMs."""
    rows = []
    for record in records:
        vmhost = (record.get('host_info') or {}).get('vmhost') or {}
        row = _node_row({'name': vmhost.get('name') or record['host'], 'state': 'Up' if record.get('answers') else
                         'Unreachable'}, record, None, settings)
        rows.append(row)
    return rows


def build(records, settings=None):
    """The page: overall status, one card per cluster (in name order), the standalone hosts, and ``read_errors``: the
    module tasks that failed on nodes that answered (the playbook fails after writing the page when there are any)."""
    settings = dict(DEFAULTS, **{key: value for key, value in (settings or {}).items() if value is not None})
    by_cluster, standalone = {}, []
    for record in records:
        if record.get('cluster'):
            by_cluster.setdefault(str(record['cluster']), []).append(record)
        else:
            standalone.append(record)
    clusters = []
    for name in sorted(by_cluster, key=str.lower):
        members = by_cluster[name]
        leader = next((record for record in members if record.get('cluster_info') is not None), None)
        clusters.append(cluster_card(name, members, leader, settings))
    hosts = standalone_rows(standalone, settings)
    read_errors = ['%s on %s: %s' % (module, record['host'], read_failure(record.get(module), key))
                   for record in records
                   for module, key in (('cluster_info', 'clustered'), ('cluster_capacity', 'survives'),
                                       ('host_info', 'vms'))
                   if record.get('answers') and read_failure(record.get(module), key)]
    nodes = [node for cluster in clusters for node in cluster['nodes']]
    tone = worst([cluster['tone'] for cluster in clusters] + [node['state_tone'] for node in hosts])
    return {
        'tone': tone, 'status': STATUS_LABELS[tone], 'clusters': clusters, 'standalone': hosts,
        'settings': settings, 'read_errors': read_errors,
        'totals': {
            'clusters': len(clusters),
            'clusters_healthy': sum(1 for cluster in clusters if cluster['tone'] == 'ok'),
            'nodes': len(nodes) + len(hosts),
            'nodes_up': sum(1 for node in nodes + hosts if node['state_tone'] == 'ok'),
            'vms': sum(node['vms']['total'] for node in nodes + hosts if node['vms']),
            'vms_running': sum(node['vms']['running'] for node in nodes + hosts if node['vms']),
            'problems': sum(len(cluster['problems']) for cluster in clusters),
        },
    }
