"""The CIM instances a runner ``cim`` step reads (root/cimv2), rendered from a node record of the lab state.

runner.ps1 reads three classes with ``Get-CimInstance`` (``_batch.py``): Win32_Processor (one instance per socket,
``hardware.processors``), Win32_OperatingSystem (``os``) and Win32_ComputerSystem. Property names and types are
Microsoft's (win32 provider docs): ``BuildNumber`` is a string, memory sizes are KB in Win32_OperatingSystem and
bytes in Win32_ComputerSystem.

The documented gotcha (windows.md 3.5) is modelled: once the hypervisor runs (the Hyper-V feature installed and its
restart done), Win32_ComputerSystem.HypervisorPresent is True and the three virtualization properties of every
Win32_Processor read False, whatever the hardware has. Tests and checks must therefore look at HypervisorPresent
first. ``tests/sim/HOSTS.md`` is the contract.
"""

from hvsim.psobject import PSObject

KB = 1024
MB = 1024 * 1024

# Win32_OperatingSystem.OperatingSystemSKU for the editions a lab node can have (PRODUCT_* values).
OPERATING_SYSTEM_SKUS = {
    'ServerStandard': 7,
    'ServerDatacenter': 8,
    'ServerStandardCore': 13,
    'ServerDatacenterCore': 12,
}


def hypervisor_present(node):
    """Whether the Windows hypervisor runs: Hyper-V installed and the restart that starts it done.

    The feature record's ``pending`` (``hvsim/features.py``) marks an install (or uninstall) that waits for a restart:
    until then the hypervisor keeps the state it had, as the feature's cmdlets do. A restart pending for another
    reason (an update) changes nothing."""
    hyperv = (node.get('features') or {}).get('Hyper-V') or {}
    return bool(hyperv.get('installed')) != bool(hyperv.get('pending'))


def instances(state, node_name, class_name):
    """The instances of ``class_name`` (one of runner.CIM_CLASSES) on the node, as PSObjects."""
    node = state.node(node_name)
    return _RENDERERS[class_name](node)


def _instance(class_name, key, value, properties):
    # CimInstance.ToString(): the class and its key, e.g. Win32_Processor (DeviceID = "CPU0").
    return PSObject(class_name, properties, text='%s (%s = "%s")' % (class_name, key, value))


def _computer_name(node):
    return str(node['name']).upper()[:15]


def _processors(node):
    hardware = node.get('hardware') or {}
    sockets = hardware.get('processors') or []
    logical = int(hardware.get('logical_processors') or len(sockets))
    per_socket = max(1, logical // max(1, len(sockets)))
    cores = hardware.get('cores_per_processor') or (per_socket // 2 if per_socket % 2 == 0 else per_socket)
    masked = hypervisor_present(node)
    result = []
    for number, socket in enumerate(sockets):
        device = 'CPU%d' % number
        result.append(_instance('Win32_Processor', 'DeviceID', device, {
            'DeviceID': device,
            'Name': socket.get('name'),
            'Manufacturer': hardware.get('cpu_vendor') or 'GenuineIntel',
            'SocketDesignation': 'CPU%d' % (number + 1),
            'NumberOfCores': cores,
            'NumberOfLogicalProcessors': per_socket,
            'AddressWidth': 64,
            'Architecture': 9,          # x64
            'SecondLevelAddressTranslationExtensions': False if masked else bool(socket.get('slat')),
            'VMMonitorModeExtensions': False if masked else bool(socket.get('vm_monitor_mode_extensions')),
            'VirtualizationFirmwareEnabled': False if masked else bool(socket.get('virtualization_firmware_enabled')),
            'SystemName': _computer_name(node),
        }))
    return result


def _operating_system(node):
    os_info = node.get('os') or {}
    hardware = node.get('hardware') or {}
    memory_kb = int(hardware.get('memory_mb') or 0) * KB
    caption = os_info.get('caption')
    name = '%s|C:\\Windows|\\Device\\Harddisk0\\Partition2' % caption
    return [_instance('Win32_OperatingSystem', 'Name', name, {
        'Name': name,
        'Caption': caption,
        'Version': os_info.get('version'),
        'BuildNumber': str(os_info.get('build')),
        'OperatingSystemSKU': OPERATING_SYSTEM_SKUS.get(os_info.get('edition'), 0),
        'ProductType': 3,               # server (2 would be a domain controller)
        'OSArchitecture': '64-bit',
        'CSName': _computer_name(node),
        'DataExecutionPrevention_Available': bool(hardware.get('dep_available')),
        'TotalVisibleMemorySize': memory_kb,
        'FreePhysicalMemory': int(hardware.get('memory_free_mb', hardware.get('memory_mb') or 0)) * KB,
        'SystemDirectory': 'C:\\Windows\\system32',
        'SystemDrive': 'C:',
    })]


def _computer_system(node):
    hardware = node.get('hardware') or {}
    domain = node.get('domain')
    name = _computer_name(node)
    return [_instance('Win32_ComputerSystem', 'Name', name, {
        'Name': name,
        'DNSHostName': str(node['name']).lower(),
        # A workgroup computer reports its workgroup as Domain (and in Workgroup).
        'Domain': domain or 'WORKGROUP',
        'PartOfDomain': bool(domain),
        'Workgroup': None if domain else 'WORKGROUP',
        'DomainRole': 3 if domain else 2,   # member server / standalone server
        'Manufacturer': hardware.get('manufacturer'),
        'Model': hardware.get('model'),
        'NumberOfProcessors': len(hardware.get('processors') or []),
        'NumberOfLogicalProcessors': int(hardware.get('logical_processors') or 0),
        'TotalPhysicalMemory': int(hardware.get('memory_mb') or 0) * MB,
        'HypervisorPresent': hypervisor_present(node),
    })]


_RENDERERS = {
    'Win32_Processor': _processors,
    'Win32_OperatingSystem': _operating_system,
    'Win32_ComputerSystem': _computer_system,
}
