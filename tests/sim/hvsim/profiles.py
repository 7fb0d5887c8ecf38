"""Hardware profiles of lab nodes (``lab create --hardware NODE=PROFILE``): the machines cluster_prereqs' host checks
accept and refuse. A profile changes a node as built by ``presets.node_record``: its ``hardware``, its ``os`` or its
NICs; ``nodes.*.hardware_profile`` names it (``standard`` when none was given).
"""

GIB = 1024 ** 3

# Profiles that make a node unable to run Hyper-V (or to hold a prepared node's NICs) exist only for bare labs.
BARE_ONLY = ('no_slat', 'no_vt', 'dep_off', 'small_memory', 'one_nic')
DESCRIPTIONS = {
    'standard': '2 x Xeon Gold 6338 (SLAT, VT-x on), DEP, 384 GiB, Windows Server 2022, 480 GiB system volume, 4 NICs',
    'no_slat': 'processors without Second Level Address Translation (Hyper-V cannot be installed)',
    'no_vt': 'virtualization disabled in the firmware (Hyper-V cannot be installed)',
    'dep_off': 'Data Execution Prevention not available',
    'small_memory': '2 GiB of memory',
    'old_os': 'Windows Server 2019 Datacenter (10.0.17763)',
    'small_disk': 'a 32 GiB system volume with 1 GiB free',
    'one_nic': 'a single network adapter (Ethernet 1)',
}
PROFILES = tuple(DESCRIPTIONS)


def _processors(node, **values):
    for processor in node['hardware']['processors']:
        processor.update(values)


def _old_os(node):
    node['os'].update(caption='Microsoft Windows Server 2019 Datacenter', version='10.0.17763', build=17763)


APPLY = {
    'standard': lambda node: None,
    'no_slat': lambda node: _processors(node, slat=False),
    'no_vt': lambda node: _processors(node, virtualization_firmware_enabled=False),
    'dep_off': lambda node: node['hardware'].update(dep_available=False),
    'small_memory': lambda node: node['hardware'].update(memory_mb=2048),
    'old_os': _old_os,
    'small_disk': lambda node: node['hardware'].update(system_volume={'size_bytes': 32 * GIB, 'free_bytes': GIB}),
    'one_nic': lambda node: node.update(nics=node['nics'][:1]),
}


def parse(assignments, node_names):
    """``["hv3=no_slat", ...]`` -> ``{"hv3": "no_slat"}``; raises ValueError naming the bad assignment."""
    chosen = {}
    by_lower = {name.lower(): name for name in node_names}
    for assignment in assignments or []:
        node, sep, profile = str(assignment).partition('=')
        node, profile = node.strip(), profile.strip()
        if not sep or not node or not profile:
            raise ValueError('--hardware takes NODE=PROFILE, got %r' % assignment)
        if node.lower() not in by_lower:
            raise ValueError('--hardware %s: no node %s in the lab (nodes %s)'
                             % (assignment, node, ', '.join(node_names)))
        if profile not in APPLY:
            raise ValueError('--hardware %s: unknown profile %s (one of %s)' % (assignment, profile,
                                                                                ', '.join(PROFILES)))
        chosen[by_lower[node.lower()]] = profile
    return chosen


def apply(node, profile, preset):
    if profile in BARE_ONLY and preset != 'bare':
        raise ValueError('--hardware %s=%s: profile %s exists only on bare labs (a %s node already runs Hyper-V '
                         'on its NICs)' % (node['name'], profile, profile, preset))
    APPLY[profile](node)
    node['hardware_profile'] = profile


def view(node):
    """``nodes.*.hardware`` of ``lab show --json``: what the host checks read."""
    hardware = node.get('hardware') or {}
    processors = hardware.get('processors') or []
    volume = hardware.get('system_volume') or {}
    return {
        'memory_mb': hardware.get('memory_mb'),
        'processors': len(processors),
        'slat': all(cpu.get('slat', True) for cpu in processors),
        'vm_monitor_mode_extensions': all(cpu.get('vm_monitor_mode_extensions', True) for cpu in processors),
        'virtualization_firmware_enabled': all(cpu.get('virtualization_firmware_enabled', True) for cpu in processors),
        'dep_available': hardware.get('dep_available', True),
        'system_volume_size_bytes': volume.get('size_bytes'),
        'system_volume_free_bytes': volume.get('free_bytes'),
        'nic_count': len(node.get('nics') or []),
    }
