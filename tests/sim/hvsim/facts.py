"""Windows facts of a simulated node, shaped like those ansible.windows.setup returns (setup.ps1, ansible.windows 3.x).

Used by the ``ansible.windows.setup`` twin, which ``gather_facts`` reaches through the host var
``ansible_facts_modules: [ansible.windows.setup]``. Only the subsets a Hyper-V role plausibly reads are modelled:
distribution, platform, windows_domain, memory, processor, interfaces, all_ipv4_addresses, date_time, env, bios.
"""

import copy
import datetime
import hashlib

DEFAULT_CAPTION = 'Microsoft Windows Server 2022 Datacenter'
DEFAULT_VERSION = '10.0.20348'
DEFAULT_PREFIX = '24'


class NodeUnreachable(Exception):
    """The node is powered off or otherwise cannot be reached, as a connection failure would say."""


def windows_facts(lab_dir, node, now=None):
    """``ansible_facts`` for ``node`` of the lab in ``lab_dir`` (a read: the state is not rewritten)."""
    from hvsim.state import LabState  # pylint: disable=import-outside-toplevel

    with LabState.open(lab_dir, write=False) as state:
        nodes = state.data.get('nodes') or {}
        key = _find(nodes, node)
        if key is None:
            raise LookupError('hvsim: no node %s in the lab at %s' % (node, lab_dir))
        data = copy.deepcopy(nodes[key])
        domain = copy.deepcopy(state.data.get('domain') or {})
    if data.get('power', 'on') != 'on':
        raise NodeUnreachable('psrp connection failure during runspace pool open: HTTPConnectionPool(host=%s, '
                              'port=5985): Max retries exceeded (Connection refused)' % data.get('fqdn', node))
    return facts_for_node(data, domain, now=now)


def _find(mapping, name):
    """Windows names are case-insensitive."""
    if name in mapping:
        return name
    for key in mapping:
        if key.lower() == str(name).lower():
            return key
    return None


def _full_version(version):
    parts = str(version or DEFAULT_VERSION).split('.')
    while len(parts) < 4:
        parts.append('0')
    return '.'.join(parts[:4])


def _mac(value):
    return str(value or '').replace('-', ':').upper() or None


def _addresses(value):
    """IPv4 entries of a NIC record: '10.0.0.5', '10.0.0.5/24', {'address', 'prefix'} or a list of those."""
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        if isinstance(item, dict):
            address, prefix = item.get('address') or item.get('ip'), item.get('prefix') or item.get('prefix_length')
        else:
            address, _sep, prefix = str(item).partition('/')
        if address:
            result.append({'address': str(address), 'prefix': str(prefix or DEFAULT_PREFIX)})
    return result


def _speed_mbps(value):
    """'10 Gbps' / '1 Gbps' / '100 Mbps' / a number of bits per second -> Mbit/s, as setup.ps1 reports speed."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return value / 1000 / 1000
    number, _sep, unit = str(value).partition(' ')
    try:
        number = float(number)
    except ValueError:
        return None
    scale = {'gbps': 1000, 'mbps': 1, 'kbps': 0.001}.get(unit.strip().lower(), 1)
    speed = number * scale
    return int(speed) if speed == int(speed) else speed


def _interfaces(nics, dns_domain):
    interfaces = []
    for index, nic in enumerate(nics or [], start=1):
        ipv4 = _addresses(nic.get('ipv4'))
        bindings = nic.get('bindings') or {}
        if not ipv4 or bindings.get('ms_tcpip') is False or nic.get('status', 'Up') != 'Up':
            continue  # setup.ps1 skips interfaces without IP properties
        interfaces.append({
            'connection_name': nic.get('name'),
            'default_gateway': nic.get('default_gateway') or nic.get('gateway'),
            'dns_domain': dns_domain,
            'interface_index': nic.get('interface_index') or nic.get('index') or index,
            'interface_name': nic.get('description') or nic.get('name'),
            'ipv4': ipv4,
            'ipv6': [],
            'macaddress': _mac(nic.get('mac') or nic.get('mac_address')),
            'mtu': nic.get('mtu') or 1500,
            'speed': _speed_mbps(nic.get('link_speed')),
        })
    return interfaces


def _processor_facts(hardware):
    sockets = hardware.get('processors') or [{}]
    socket_count = len(sockets)
    logical = int(hardware.get('logical_processors') or socket_count)
    cores = hardware.get('cores_per_processor')
    if not cores:
        per_socket = max(1, logical // socket_count)
        cores = per_socket // 2 if per_socket % 2 == 0 else per_socket   # hyper-threading when it divides evenly
    threads_per_core = max(1, logical // socket_count // cores)
    vendor = hardware.get('cpu_vendor') or 'GenuineIntel'
    processor = []
    for number in range(logical):
        name = (sockets[number * socket_count // logical] or {}).get('name') or 'Intel(R) Xeon(R) CPU'
        processor.extend([str(number), vendor, name])
    return {
        'ansible_processor': processor,
        'ansible_processor_count': socket_count,
        'ansible_processor_cores': cores,
        'ansible_processor_threads_per_core': threads_per_core,
        'ansible_processor_vcpus': logical,
    }


def _date_time(now):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    utc = now.astimezone(datetime.timezone.utc)
    epoch = int(utc.timestamp())
    return {
        'date': now.strftime('%Y-%m-%d'), 'day': now.strftime('%d'), 'epoch': str(epoch), 'epoch_int': epoch,
        'epoch_local': str(epoch), 'hour': now.strftime('%H'), 'iso8601': utc.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'iso8601_basic': now.strftime('%Y%m%dT%H%M%S%f'), 'iso8601_basic_short': now.strftime('%Y%m%dT%H%M%S'),
        'iso8601_micro': utc.strftime('%Y-%m-%dT%H:%M:%S.%fZ'), 'minute': now.strftime('%M'),
        'month': now.strftime('%m'), 'second': now.strftime('%S'), 'time': now.strftime('%H:%M:%S'),
        'tz': 'UTC', 'tz_offset': '+00:00', 'weekday': now.strftime('%A'), 'weekday_number': now.strftime('%w'),
        'weeknumber': now.strftime('%W'), 'year': now.strftime('%Y'),
    }


def facts_for_node(data, domain=None, now=None):
    """Facts from one node record of the lab state (see hvsim/state.py for its shape)."""
    domain = domain or {}
    name = data.get('name')
    domain_name = data.get('domain')
    fqdn = data.get('fqdn') or ('%s.%s' % (name, domain_name) if domain_name else name)
    os_info = data.get('os') or {}
    hardware = data.get('hardware') or {}
    version = _full_version(os_info.get('version'))
    caption = os_info.get('caption') or DEFAULT_CAPTION
    memory_mb = hardware.get('memory_mb')
    interfaces = _interfaces(data.get('nics'), domain_name)
    netbios_domain = (domain.get('netbios') or domain_name.split('.')[0].upper()) if domain_name else None
    machine_sid = 'S-1-5-21-%d-%d-%d' % tuple(
        int(hashlib.sha256(('%s:%d' % (name, part)).encode()).hexdigest()[:8], 16) for part in range(3))

    facts = {
        # distribution / platform
        'ansible_os_family': 'Windows',
        'ansible_distribution': caption,
        'ansible_os_name': caption,
        'ansible_distribution_version': version,
        'ansible_distribution_major_version': version.split('.', maxsplit=1)[0],
        'ansible_kernel': version,
        'ansible_os_product_type': 'server',
        'ansible_os_installation_type': os_info.get('installation_type') or 'Server',
        'ansible_system': 'Win32NT',
        'ansible_architecture': '64-bit',
        'ansible_architecture2': 'x86_64',
        'ansible_powershell_version': 5,
        'ansible_reboot_pending': bool(data.get('pending_reboot')),
        # identity
        'ansible_hostname': name,
        'ansible_netbios_name': str(name).upper()[:15],
        'ansible_fqdn': fqdn,
        'ansible_nodename': fqdn,
        'ansible_domain': domain_name or '',
        'ansible_machine_id': machine_sid,
        'ansible_windows_domain': domain_name or 'WORKGROUP',
        'ansible_windows_domain_member': bool(domain_name),
        'ansible_windows_domain_role': 'Member server' if domain_name else 'Stand-alone server',
        'ansible_owner_name': '',
        'ansible_owner_contact': '',
        'ansible_system_description': '',
        # bios / hardware
        'ansible_system_vendor': hardware.get('manufacturer') or '',
        'ansible_product_name': hardware.get('model') or '',
        'ansible_product_serial': hardware.get('serial') or '',
        'ansible_virtualization_role': 'NA',
        'ansible_virtualization_type': 'NA',
        'ansible_memtotal_mb': memory_mb,
        'ansible_memfree_mb': hardware.get('memory_free_mb', memory_mb),
        'ansible_swaptotal_mb': 0,
        # network
        'ansible_interfaces': interfaces,
        'ansible_ip_addresses': [entry['address'] for interface in interfaces for entry in interface['ipv4']],
        # environment
        'ansible_date_time': _date_time(now),
        'ansible_env': {
            'COMPUTERNAME': str(name).upper(),
            'USERDOMAIN': netbios_domain or str(name).upper(),
            'USERDNSDOMAIN': domain_name.upper() if domain_name else None,
            'SystemRoot': 'C:\\Windows',
            'ProgramData': 'C:\\ProgramData',
            'ProgramFiles': 'C:\\Program Files',
            'TEMP': 'C:\\Windows\\TEMP',
            'PROCESSOR_ARCHITECTURE': 'AMD64',
        },
    }
    if facts['ansible_env']['USERDNSDOMAIN'] is None:
        del facts['ansible_env']['USERDNSDOMAIN']
    facts.update(_processor_facts(hardware))
    return facts
