"""scripts/lab: create, inspect and break simulated labs (the contract is docs/lab.md)."""

import argparse
import json
import os
import shutil
import sys

import yaml

from hvsim import domainjoin, faults, features, openstack, presets, profiles, registry, software, updates
from hvsim.migration import FAULT_KINDS
from hvsim.cmdlets.failoverclusters import csv_used_bytes, group_state
from hvsim.cmdlets.validation import VALIDATION_FAIL, arm_validation_fail
from hvsim.cmdlets.mpio import current as mpio_settings
from hvsim.cmdlets.netadapter import bindings_of
from hvsim.state import STATE_FILE, LabState, execution_counts

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SIM_ROOT = os.path.join(REPO_ROOT, 'tests', 'sim')
TWINS = os.path.join(SIM_ROOT, 'collections')


class _Ctx:
    """Just enough of a cmdlet context for the derived views (group state, CSV usage)."""

    def __init__(self, state):
        self.state = state


def write_lab_files(lab_dir, data, python=None):
    """inventory.yml, ansible.cfg, per-node interpreter wrappers and the collection link."""
    lab_dir = os.path.abspath(lab_dir)
    python = python or sys.executable
    bin_dir = os.path.join(lab_dir, 'bin')
    os.makedirs(bin_dir, exist_ok=True)
    for name in list(data['nodes']) + [openstack.CONTROLLER]:
        wrapper = os.path.join(bin_dir, 'python-%s' % name)
        with open(wrapper, 'w', encoding='utf-8') as handle:
            handle.write('#!/bin/sh\n# Runs modules as simulated %s %s of the lab in %s.\n'
                         % ('node' if name in data['nodes'] else 'OpenStack', name, lab_dir))
            handle.write("HVSIM_LAB='%s' HVSIM_NODE='%s' PYTHONPATH='%s'${PYTHONPATH:+:$PYTHONPATH} exec '%s' \"$@\"\n"
                         % (lab_dir, name, SIM_ROOT, python))
        os.chmod(wrapper, 0o755)

    link_parent = os.path.join(lab_dir, 'collections', 'ansible_collections', 'hyperv')
    os.makedirs(link_parent, exist_ok=True)
    link = os.path.join(link_parent, 'cluster')
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(REPO_ROOT, link)

    inventory = {'all': {
        'vars': {
            'ansible_connection': 'local',
            # Simulated nodes are local processes: runas cannot apply, so become is switched off per host
            # (the inventory variable beats the play keyword the real playbooks set).
            'ansible_become': False,
            'ansible_facts_modules': ['ansible.windows.setup'],
            'hyperv_lab_dir': lab_dir,
        },
        'children': {
            'hyperv': {'hosts': {name: {'ansible_python_interpreter': os.path.join(bin_dir, 'python-%s' % name)}
                                 for name in data['nodes']}},
        },
    }}
    for cluster_name, members in data['plan'].items():
        inventory['all']['children']['cluster_%s' % cluster_name] = {
            'hosts': {member: {} for member in members},
            'vars': {'hyperv_cluster_name': cluster_name},
        }
    # The OpenStack controller: localhost (connection local, as the implicit localhost has), whose modules
    # (openstack.cloud.*) reach the lab's controller model through their own interpreter wrapper.
    inventory['all']['children']['controller'] = {
        'hosts': {'localhost': {'ansible_connection': 'local',
                                'ansible_python_interpreter': os.path.join(bin_dir, 'python-%s' % openstack.CONTROLLER),
                                'ansible_facts_modules': ['ansible.builtin.setup']}},
    }
    with open(os.path.join(lab_dir, 'inventory.yml'), 'w', encoding='utf-8') as handle:
        handle.write('# Simulated lab inventory written by scripts/lab create; see docs/lab.md.\n')
        yaml.safe_dump(inventory, handle, default_flow_style=False, sort_keys=False)

    with open(os.path.join(lab_dir, 'ansible.cfg'), 'w', encoding='utf-8') as handle:
        handle.write('# Written by scripts/lab create; see docs/lab.md.\n'
                     '[defaults]\n'
                     'collections_path = %s:%s\n'
                     'inventory = %s\n'
                     'gathering = explicit\n'
                     'forks = 16\n'
                     'retry_files_enabled = False\n'
                     'host_key_checking = False\n'
                     'stdout_callback = ansible.builtin.default\n'
                     % (TWINS, os.path.join(lab_dir, 'collections'), os.path.join(lab_dir, 'inventory.yml')))


def storage_kind(state, vm):
    path = vm['path'].lower()
    if path.startswith('\\\\'):
        return 'smb'
    cluster = state.cluster_of(vm['host'])
    for csv in (cluster or {}).get('csvs', {}).values():
        if path.startswith(csv['path'].lower() + '\\'):
            return 'csv'
    return 'local'


def snapshot(state):
    """The JSON document of `scripts/lab show --json` (documented in docs/lab.md)."""
    ctx = _Ctx(state)
    nodes = {}
    for name, node in state.nodes.items():
        cluster = state.cluster_of(name)
        member = cluster['nodes'].get(name) if cluster else None
        nodes[name] = {
            'state': member['state'] if member else ('Up' if node['power'] == 'on' else 'Down'),
            'power': node['power'],
            'cluster': node.get('cluster'),
            'domain': node.get('domain'),
            'os_version': node['os']['version'],
            'memory_mb': node['hardware']['memory_mb'],
            'os_caption': node['os'].get('caption'),
            'hardware_profile': node.get('hardware_profile', 'standard'),
            'hardware': profiles.view(node),
            'features': features.installed_now(node),
            'features_pending': features.pending(node),
            'workgroup': node.get('workgroup'),
            'membership_pending': node.get('membership_pending'),
            'w32time': dict(node.get('w32time') or {}),
            'pending_reboot': node.get('pending_reboot', False),
            'updates_available': updates.available_count(node),
            'vm_count': len(state.vms_on(name)),
            'nics': {nic['name']: {'mac': nic['mac'], 'interface_description': nic['description'],
                                   'status': nic.get('status', 'Up'), 'bindings': bindings_of(nic)}
                     for nic in node.get('nics') or []},
            'mpio': mpio_settings(node),
            'vswitches': {switch['name']: {key: switch.get(key) for key in (
                'type', 'adapters', 'allow_management_os', 'embedded_teaming', 'bandwidth_mode')}
                for switch in node.get('vswitches') or []},
            'vmhost': dict(node.get('vmhost') or {}),
            'defender_exclusions': registry.defender_exclusions(node),
        }
        nodes[name]['packages'], nodes[name]['services'] = software.node_view(node)
    clusters = {}
    for name, cluster in state.clusters.items():
        witness = cluster['quorum'].get('witness')
        clusters[name] = {
            'nodes': {node: {'state': member['state'], 'drain_status': member.get('drain_status', 'NotInitiated')}
                      for node, member in cluster['nodes'].items()},
            'quorum': {'type': cluster['quorum'].get('type', 'Majority'), 'witness': witness,
                       'lost': bool(cluster['quorum'].get('lost'))},
            'csvs': {csv['name']: {'path': csv['path'], 'owner': csv['owner'], 'state': csv.get('state', 'Online'),
                                   'size_bytes': csv['size_bytes'],
                                   'free_bytes': csv['size_bytes'] - csv_used_bytes(ctx, csv)}
                     for csv in cluster['csvs'].values()},
            'disks': {disk['name']: {'number': disk['number'], 'size_bytes': disk['size_bytes'],
                                     'partition_style': disk['partition_style'], 'state': disk.get('state', 'Online')}
                      for disk in (cluster.get('disks') or {}).values()},
            'networks': {network['name']: {'address': network['address'], 'role': network['role'],
                                           'metric': network['metric']} for network in cluster['networks']},
            'groups': {group_name: {'owner': group.get('owner'), 'state': group_state(ctx, cluster, group),
                                    'priority': group.get('priority', 2000), 'type': group['type'],
                                    'preferred_owners': list(group.get('preferred_owners') or [])}
                       for group_name, group in cluster['groups'].items()},
        }
    vms = {}
    for vm in sorted(state.vms.values(), key=lambda item: item['name']):
        cluster = state.cluster_of(vm['host'])
        vms[vm['name']] = {
            'id': vm['id'], 'host': vm['host'], 'state': vm['state'], 'storage': storage_kind(state, vm),
            'path': vm['path'], 'memory_mb': vm['memory_mb'],
            'clustered': bool(cluster) and any(group.get('vm_id') == vm['id'] for group in cluster['groups'].values()),
        }
    held = {}
    for name, cluster in state.clusters.items():
        for record in list((cluster.get('disks') or {}).values()) + list(cluster['csvs'].values()):
            if record.get('disk_id'):
                held[record['disk_id']] = name
    shared = {str(disk['number']): {'size_bytes': disk['size_bytes'], 'partition_style': disk['partition_style'],
                                    'nodes': list(disk['nodes']), 'cluster': held.get(disk['id'])}
              for disk in state.data.get('shared_disks') or []}
    return {'schema': state.data['schema'], 'domain': state.data['domain']['name'], 'nodes': nodes,
            'clusters': clusters, 'vms': vms, 'faults': faults.armed(state), 'openstack': openstack.view(state),
            'shared_disks': shared}


def print_summary(data, out):
    out.write('nodes:\n')
    for name, node in data['nodes'].items():
        out.write('  %-8s %-7s cluster=%-6s vms=%d hardware=%s os=%s %s%s\n' % (
            name, node['state'], node['cluster'] or '-', node['vm_count'], node['hardware_profile'],
            node['os_version'], 'domain=%s' % node['domain'] if node['domain'] else 'workgroup=%s' % node['workgroup'],
            ' (restart pending)' if node['pending_reboot'] else ''))
    for name, cluster in data['clusters'].items():
        witness = cluster['quorum']['witness']
        out.write('cluster %s: nodes %s; quorum %s%s%s\n' % (
            name, ', '.join('%s=%s' % item for item in ((n, m['state']) for n, m in cluster['nodes'].items())),
            cluster['quorum']['type'], ' + %s witness' % witness['kind'] if witness else '',
            ' (LOST)' if cluster['quorum']['lost'] else ''))
        for csv_name, csv in cluster['csvs'].items():
            out.write('  csv %-14s %-28s %5.1f%% free, owner %s\n' % (
                csv_name, csv['path'], 100.0 * csv['free_bytes'] / csv['size_bytes'], csv['owner']))
        roles = [(g, v) for g, v in cluster['groups'].items() if v['type'] == 'VirtualMachine']
        out.write('  %d clustered VM roles\n' % len(roles))
        for group_name, group in roles[:20]:
            out.write('    %-18s owner=%-6s %-8s priority=%d\n' % (group_name, group['owner'], group['state'],
                                                                   group['priority']))
        if len(roles) > 20:
            out.write('    ... %d more\n' % (len(roles) - 20))
    # Services Windows has anyway (W32Time) are in the JSON only: the block shows what roles installed.
    base = {entry[0] for entry in software.BASE_SERVICES}
    services = [(name, service_name, service) for name, node in data['nodes'].items()
                for service_name, service in sorted((node.get('services') or {}).items()) if service_name not in base]
    if services:
        out.write('services:\n')
        for name, service_name, service in services:
            out.write('  %-8s %-22s %-8s as %s\n' % (name, service_name, service['state'], service['username']))
    controller = data.get('openstack') or {}
    if controller.get('compute_services') or controller.get('aggregates'):
        out.write('openstack: compute services up on %s\n' % (', '.join(sorted(
            host for host, service in controller.get('compute_services', {}).items() if service['state'] == 'up'))
            or 'none'))
        for name, aggregate in sorted((controller.get('aggregates') or {}).items()):
            out.write('  aggregate %s (zone %s): %s\n' % (name, aggregate.get('availability_zone') or '-',
                                                          ', '.join(aggregate['hosts'])))
    armed = data.get('faults') or []
    out.write('armed faults: %s\n' % (', '.join('%s %s' % (fault['kind'], fault['node']) for fault in armed) or 'none'))
    out.write('vms: %d (%d clustered)\n' % (len(data['vms']), sum(1 for vm in data['vms'].values() if vm['clustered'])))


def cmd_create(args):
    if os.path.exists(os.path.join(args.dir, STATE_FILE)) and not args.force:
        sys.exit('lab: %s already holds a lab (use --force to replace it)' % args.dir)
    try:
        data = presets.build(nodes=args.nodes, clusters=args.clusters, preset=args.preset, vms=args.vms,
                             clustered_vms=args.clustered_vms, local_vms=args.local_vms, hardware=args.hardware)
    except ValueError as error:
        sys.exit('lab: %s' % error)
    # Only once the options are known to be good: a mistyped --force command must not destroy the lab in DIR.
    if args.force and os.path.isdir(args.dir):
        shutil.rmtree(args.dir)
    LabState.create(args.dir, data)
    write_lab_files(args.dir, data)
    lab_dir = os.path.abspath(args.dir)
    print('lab created in %s: %d nodes, preset %s' % (lab_dir, args.nodes, args.preset))
    print('run playbooks with: ANSIBLE_CONFIG=%s/ansible.cfg ansible-playbook -i %s/inventory.yml PLAYBOOK'
          % (lab_dir, lab_dir))


def cmd_show(args):
    with LabState.open(args.dir, write=False) as state:
        data = snapshot(state)
    if args.json:
        json.dump(data, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write('\n')
    else:
        print_summary(data, sys.stdout)


FAULT_EFFECTS = {
    'migration-fail': 'the next migration to %s fails',
    'migration-timeout': 'the next migration to %s hangs',
    'node-down-during-migration': '%s loses power during the next migration to it',
    'source-down-during-migration': '%s loses power during the next migration from it',
}


def cmd_fault(args):
    with LabState.open(args.dir) as state:
        if args.fault == 'clear':
            print('%d armed faults cleared' % faults.clear(state))
            return
        if state.node(args.node) is None:
            sys.exit('lab: no node %s in the lab' % args.node)
        if args.fault == 'node-down':
            moved = faults.node_down(state, args.node)
            print('%s is down; %d clustered roles failed over' % (args.node, len(moved)))
            for group, target in moved:
                print('  %s -> %s' % (group, target))
        elif args.fault == 'node-up':
            faults.node_up(state, args.node)
            print('%s is up' % args.node)
        elif args.fault == domainjoin.DOMAIN_UNREACHABLE:
            domainjoin.arm_unreachable(state, args.node)
            print('armed domain-unreachable on %s: it cannot reach the domain controllers until lab fault clear'
                  % args.node)
        elif args.fault == updates.UPDATE_FAIL:
            updates.arm_update_fail(state, args.node)
            print('armed update-fail on %s: the next win_updates that installs updates on it fails' % args.node)
        elif args.fault == VALIDATION_FAIL:
            arm_validation_fail(state, args.node)
            print('armed validation-fail on %s: the next Test-Cluster that runs the Network tests on it fails '
                  'Validate Network Communication' % args.node)
        else:
            fault = faults.arm(state, args.fault, args.node)
            print('armed %s on %s: %s' % (fault['kind'], fault['node'], FAULT_EFFECTS[fault['kind']] % fault['node']))


def cmd_stats(args):
    if not os.path.exists(os.path.join(args.dir, STATE_FILE)):
        # An empty table would hide a wrong directory; docs/lab.md: a missing lab is an error.
        raise FileNotFoundError('no simulated lab in %s (create one with scripts/lab create)' % args.dir)
    counts = execution_counts(args.dir)
    if args.json:
        json.dump({'executions': counts}, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write('\n')
        return
    print('%-10s %8s %8s %8s' % ('node', 'total', 'read', 'write'))
    for node in sorted(counts):
        entry = counts[node]
        print('%-10s %8d %8d %8d' % (node, entry['total'], entry['read'], entry['write']))
    print('%-10s %8d' % ('all', sum(entry['total'] for entry in counts.values())))


def cmd_file(args):
    """Print a simulated file as NODE sees it, or (--json) describe it or list the node's files."""
    with LabState.open(args.dir, write=False) as state:
        if state.node(args.node) is None:
            sys.exit('lab: no node %s in the lab' % args.node)
        if args.path is None:
            if not args.json:
                sys.exit('lab: file needs a PATH (or --json to list the files of %s)' % args.node)
            listing = {path: {key: entry.get(key) for key in ('type', 'size', 'sha1', 'location', 'package')}
                       for path, entry in sorted(software.visible_files(state, args.node).items())}
            json.dump({'node': args.node, 'files': listing}, sys.stdout, indent=2, sort_keys=True)
            sys.stdout.write('\n')
            return
        try:
            entry = software.get_entry(state, args.node, args.path)
        except software.SoftwareError as error:
            sys.exit('lab: %s' % error.msg)
    if entry is None:
        sys.exit('lab: %s: no such file on %s' % (args.path, args.node))
    if args.json:
        json.dump({'node': args.node, 'path': entry['path'], 'type': entry['type'], 'content': entry.get('content'),
                   'sha1': entry.get('sha1'), 'size': entry.get('size')}, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write('\n')
    elif entry['type'] != 'file':
        sys.exit('lab: %s is a directory on %s' % (args.path, args.node))
    elif entry.get('content') is None:
        sys.exit('lab: %s is a program file (installed by a package), it has no text content' % args.path)
    else:
        sys.stdout.write(entry['content'])


def parser():
    top = argparse.ArgumentParser(prog='lab', description='Simulated Hyper-V labs for hyperv.cluster (docs/lab.md).')
    commands = top.add_subparsers(dest='command', required=True)

    create = commands.add_parser('create', help='create a lab in DIR')
    create.add_argument('dir')
    create.add_argument('--nodes', type=int, required=True)
    create.add_argument('--clusters', type=int, default=1)
    create.add_argument('--preset', choices=presets.PRESETS, default='clustered')
    create.add_argument('--vms', type=int, default=0)
    create.add_argument('--clustered-vms', type=int, default=0)
    create.add_argument('--local-vms', type=int, default=0)
    create.add_argument('--hardware', action='append', default=[], metavar='NODE=PROFILE',
                        help='hardware profile of a node (repeatable): %s' % ', '.join(profiles.PROFILES))
    create.add_argument('--force', action='store_true', help='replace a lab already in DIR')
    create.set_defaults(func=cmd_create)

    show = commands.add_parser('show', help='print the lab state')
    show.add_argument('dir')
    show.add_argument('--json', action='store_true')
    show.set_defaults(func=cmd_show)

    fault = commands.add_parser('fault', help='inject a fault, arm one for the next migration, or clear armed ones')
    fault.add_argument('dir')
    fault.add_argument('fault', choices=('node-down', 'node-up') + FAULT_KINDS + (
        updates.UPDATE_FAIL, VALIDATION_FAIL, domainjoin.DOMAIN_UNREACHABLE, 'clear'))
    fault.add_argument('node', nargs='?', help='the node (every kind but clear)')
    fault.set_defaults(func=cmd_fault)

    files = commands.add_parser('file', help="print a file of a node (or --json: describe it, or list the node's files)")
    files.add_argument('dir')
    files.add_argument('node')
    files.add_argument('path', nargs='?')
    files.add_argument('--json', action='store_true')
    files.set_defaults(func=cmd_file)

    stats = commands.add_parser('stats', help='remote executions per node')
    stats.add_argument('dir')
    stats.add_argument('--json', action='store_true')
    stats.set_defaults(func=cmd_stats)
    return top


def main(argv=None):
    top = parser()
    args = top.parse_args(argv)
    if args.command == 'fault' and (args.fault == 'clear') == (args.node is not None):
        top.error('fault clear takes no NODE' if args.node is not None else 'fault %s needs a NODE' % args.fault)
    try:
        args.func(args)
    except FileNotFoundError as error:
        sys.exit('lab: %s' % error)


if __name__ == '__main__':
    main()
