# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a node needs to become a Hyper-V cluster node, decided from what it reported.

FOR INTERNAL COLLECTION USE ONLY. ``requirements`` judges one node (the host_check module); ``os_outliers`` compares
nodes that must run one OS (the cluster_prereqs role, through the ``cluster_prereqs_os_outliers`` filter). Every
requirement of a node is judged, so one run reports all that is wrong with it.
"""

from __future__ import annotations

import re

GIB = 1024 ** 3

# Editions with both Hyper-V and Failover Clustering: Standard and Datacenter (Server Core included, any
# "Azure Edition"), the free Hyper-V Server (up to 2019) and Azure Stack HCI / Azure Local.
CLUSTER_EDITION = re.compile(r'\b(Standard|Datacenter|Hyper-V Server|Azure Stack HCI|Azure Local)\b', re.I)

# Win32_Processor's virtualization properties; while the hypervisor runs they read False whatever the hardware
# (Get-ComputerInfo does not report them then either): HypervisorPresent stands for all three.
PROCESSOR_FEATURES = (
    ('SecondLevelAddressTranslationExtensions', 'second level address translation (SLAT: Intel EPT, AMD RVI)',
     'Use a 64-bit processor with SLAT; Hyper-V on Windows Server 2016 and later requires it.'),
    ('VMMonitorModeExtensions', 'VM Monitor Mode extensions (Intel VT-x, AMD-V)',
     'Use a processor with hardware-assisted virtualization.'),
    ('VirtualizationFirmwareEnabled', 'virtualization enabled in the firmware',
     'Enable Intel VT-x / AMD-V (often "Virtualization Technology") in the BIOS/UEFI setup.'),
)


def _number(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def node_facts(processors, operating_system, computer_system, volumes, adapters):
    """The node as the check sees it, from Win32_Processor, Win32_OperatingSystem, Win32_ComputerSystem, Get-Volume
    and the physical adapters of Get-NetAdapter."""
    system_drive = str(operating_system.get('SystemDrive') or 'C:').rstrip(':').upper()
    system_volume = next((volume for volume in volumes
                          if str(volume.get('DriveLetter') or '').upper() == system_drive), None)
    return {
        'os': {
            'caption': operating_system.get('Caption'),
            'version': operating_system.get('Version'),
            'build': str(operating_system.get('BuildNumber') or ''),
            'sku': _number(operating_system.get('OperatingSystemSKU'), None),
            'architecture': operating_system.get('OSArchitecture'),
        },
        'hypervisor_present': bool(computer_system.get('HypervisorPresent')),
        'domain': computer_system.get('Domain') if computer_system.get('PartOfDomain') else None,
        'memory_mb': _number(computer_system.get('TotalPhysicalMemory')) // (1024 * 1024),
        'dep_available': bool(operating_system.get('DataExecutionPrevention_Available')),
        'processors': [{
            'name': processor.get('Name'),
            'slat': bool(processor.get('SecondLevelAddressTranslationExtensions')),
            'vm_monitor_mode_extensions': bool(processor.get('VMMonitorModeExtensions')),
            'virtualization_firmware_enabled': bool(processor.get('VirtualizationFirmwareEnabled')),
        } for processor in processors],
        'system_volume': None if system_volume is None else {
            'drive': system_drive + ':',
            'size_gb': round(_number(system_volume.get('Size')) / GIB, 1),
            'free_gb': round(_number(system_volume.get('SizeRemaining')) / GIB, 1),
        },
        'nics': sorted(str(adapter.get('Name')) for adapter in adapters),
    }


def requirements(facts, min_memory_gb, min_system_volume_gb, min_system_free_gb, min_nics, raw_processors=()):
    """(unmet, warnings): each unmet requirement as {requirement, found, fix}."""
    unmet = []

    def fail(requirement, found, fix):
        unmet.append({'requirement': requirement, 'found': found, 'fix': fix})

    architecture = str(facts['os']['architecture'] or '')
    if architecture and '64' not in architecture:
        fail('a 64-bit operating system', architecture, 'Install a 64-bit Windows Server.')
    caption = facts['os']['caption'] or ''
    if not CLUSTER_EDITION.search(caption):
        fail('an edition with Hyper-V and Failover Clustering (Standard or Datacenter)', caption or 'unknown',
             'Install Windows Server Standard or Datacenter.')
    if not facts['hypervisor_present']:
        for prop, what, fix in PROCESSOR_FEATURES:
            lacking = ['%d (%s)' % (index, processor.get('Name') or 'unknown')
                       for index, processor in enumerate(raw_processors) if not processor.get(prop)]
            if lacking:
                fail(what, 'missing on processor%s %s' % ('s' if len(lacking) > 1 else '', ', '.join(lacking)), fix)
    if not facts['dep_available']:
        fail('hardware-enforced Data Execution Prevention (Intel XD, AMD NX)', 'not available',
             'Enable "Execute Disable Bit" / "No-Execute Memory Protection" in the BIOS/UEFI setup, and check '
             '"bcdedit /enum {current}" does not show nx AlwaysOff.')
    memory_gb = facts['memory_mb'] / 1024.0
    # Firmware and the OS keep a little of the installed memory: a 4 GiB node reports somewhat less.
    if memory_gb < min_memory_gb * 0.95:
        fail('at least %s GB of memory' % min_memory_gb, '%.1f GB' % memory_gb,
             'Add memory: VMs share the host memory, so size it for the workload.')
    volume = facts['system_volume']
    if volume is None:
        fail('a system volume', 'none found', 'Check the volume the OS boots from.')
    else:
        if volume['size_gb'] < min_system_volume_gb:
            fail('a system volume of at least %s GB' % min_system_volume_gb,
                 '%s GB on %s' % (volume['size_gb'], volume['drive']), 'Use a larger boot disk.')
        if volume['free_gb'] < min_system_free_gb:
            fail('at least %s GB free on the system volume' % min_system_free_gb,
                 '%s GB free on %s' % (volume['free_gb'], volume['drive']),
                 'Free space on %s (updates and the cluster log need it).' % volume['drive'])
    if len(facts['nics']) < min_nics:
        fail('at least %d physical network adapter(s)' % min_nics, '%d' % len(facts['nics']),
             'Add network adapters (management, cluster and VM traffic each want their own).')
    warnings = []
    if len(facts['nics']) < 2:
        warnings.append('One network adapter carries management, cluster and VM traffic: give the virtual switch '
                        'allow_management_os: true or the node loses its connection when the switch is created.')
    return unmet, warnings


def _os_label(os_facts):
    return '%s (%s)' % (os_facts.get('caption') or 'unknown edition', os_facts.get('version') or 'unknown version')


def os_outliers(nodes):
    """{node: message} for the nodes whose OS differs from the one most of ``nodes`` ({node: os facts}) run.

    On a tie every node of the tie is named, with both sides, since neither can be the reference.
    """
    groups = {}
    for node, os_facts in sorted(nodes.items()):
        key = (str(os_facts.get('version') or ''), str(os_facts.get('caption') or ''))
        groups.setdefault(key, []).append(node)
    if len(groups) < 2:
        return {}
    ranked = sorted(groups.items(), key=lambda item: -len(item[1]))
    tie = len(ranked[0][1]) == len(ranked[1][1])
    reference_nodes = ranked[0][1]
    reference = _os_label(nodes[reference_nodes[0]])
    messages = {}
    for key, members in ranked[0 if tie else 1:]:
        label = _os_label(nodes[members[0]])
        others = sorted(node for node in nodes if node not in members)
        for node in members:
            if tie:
                messages[node] = ('%s runs %s, the other nodes of its cluster do not agree on one OS (%s). Every '
                                  'node of a cluster must run the same Windows Server version and edition: '
                                  'reinstall or update the odd ones.'
                                  % (node, label, '; '.join('%s: %s' % (', '.join(group), _os_label(nodes[group[0]]))
                                                            for _key, group in ranked)))
            else:
                messages[node] = ('%s runs %s while %s run(s) %s. Every node of a cluster must run the same Windows '
                                  'Server version and edition: reinstall or update %s.'
                                  % (node, label, ', '.join(n for n in others if n in reference_nodes), reference,
                                     node))
    return messages
