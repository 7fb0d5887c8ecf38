"""The registry of a simulated node, as ansible.windows.win_regedit (win_regedit.ps1) reads and writes it, and the
Windows Time service configuration that lives in it.

State: ``nodes.*.registry`` = ``{key path: {value name: {"type", "data"}}}``. Key paths are PowerShell drive paths
(``HKLM:\\SYSTEM\\...``) stored as first written; keys and value names are looked up without regard to case, as
Windows does. A key exists when it is stored or is the parent of a stored key. ``type`` is the .NET
RegistryValueKind name (``String``, ``ExpandString``, ``MultiString``, ``DWord``, ``QWord``, ``Binary``, ``None``);
``data`` a str, a list of str (MultiString), an int (DWord, QWord, unsigned) or a list of byte values. The default
value of a key is the value named ``""``.

Seeded on every node (``seed``): the W32Time parameters (``Type`` NTP on a workgroup server, NT5DS on a domain
member; ``NtpServer`` ``time.windows.com,0x9``), the NTP client provider, and the empty Defender policy exclusion
keys. W32Time reads its registry when it starts: ``nodes.*.w32time`` (``{"type", "ntp_server"}``, the configuration
the service runs with) is refreshed from the registry whenever the ``W32Time`` service reaches Running
(``apply_w32time``, called by ``software.run_service_action``), so a registry change takes effect on a restart of
the service.
"""

import re

from hvsim.state import _find

W32TIME_PARAMETERS = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters'
W32TIME_NTP_CLIENT = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\TimeProviders\\NtpClient'
W32TIME_CONFIG = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config'
DEFENDER_EXCLUSIONS = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Exclusions'
DEFENDER_EXCLUSION_PATHS = DEFENDER_EXCLUSIONS + '\\Paths'
DEFAULT_NTP_SERVER = 'time.windows.com,0x9'
# win_regedit's type choices -> RegistryValueKind names.
KINDS = {'none': 'None', 'binary': 'Binary', 'dword': 'DWord', 'expandstring': 'ExpandString',
         'multistring': 'MultiString', 'string': 'String', 'qword': 'QWord'}
_HIVE = re.compile(r'^HK(CC|CR|CU|LM|U):\\', re.IGNORECASE)


class RegistryError(Exception):
    """win_regedit fails with this message; nothing changed."""


def _value(kind, data):
    return {'type': kind, 'data': data}


def seed(node):
    """The registry keys the lab models, for a node as built (its domain decides the time source)."""
    member = bool(node.get('domain'))
    node['registry'] = {
        W32TIME_PARAMETERS: {'Type': _value('String', 'NT5DS' if member else 'NTP'),
                             'NtpServer': _value('String', DEFAULT_NTP_SERVER),
                             'ServiceDll': _value('ExpandString', '%systemroot%\\system32\\w32time.dll')},
        W32TIME_NTP_CLIENT: {'Enabled': _value('DWord', 1),
                             'SpecialPollInterval': _value('DWord', 3600 if member else 604800)},
        W32TIME_CONFIG: {'AnnounceFlags': _value('DWord', 10)},
        DEFENDER_EXCLUSION_PATHS: {},
        DEFENDER_EXCLUSIONS + '\\Processes': {},
        DEFENDER_EXCLUSIONS + '\\Extensions': {},
    }
    apply_w32time(node)


def _key(registry, path):
    return _find(registry, path.rstrip('\\'))


def key_exists(registry, path):
    prefix = path.rstrip('\\').lower() + '\\'
    return _key(registry, path) is not None or any(key.lower().startswith(prefix) for key in registry)


def get_value(node, path, name):
    """The ``{"type", "data"}`` of a value, or None."""
    registry = node.get('registry') or {}
    key = _key(registry, path)
    if key is None:
        return None
    found = _find(registry[key], name or '')
    return registry[key][found] if found is not None else None


def defender_exclusions(node):
    """{list: [items]} of the Defender policy exclusions in force: a list counts when its Exclusions_<list> switch is
    1, as Group Policy applies them."""
    lists = {}
    for kind in ('Paths', 'Processes', 'Extensions'):
        switch = get_value(node, DEFENDER_EXCLUSIONS, 'Exclusions_' + kind)
        key = _key(node.get('registry') or {}, DEFENDER_EXCLUSIONS + '\\' + kind)
        if switch and str(switch.get('data')) == '1' and key is not None:
            lists[kind] = sorted(node['registry'][key])
    return lists


def set_value(node, path, name, kind, data):
    """Write a value directly (what other parts of the simulator, e.g. a domain join, change)."""
    registry = node.setdefault('registry', {})
    key = _key(registry, path) or path.rstrip('\\')
    values = registry.setdefault(key, {})
    values[_find(values, name) or name] = _value(kind, data)


def apply_w32time(node):
    """W32Time (re)reads its parameters: what it runs with from now on."""
    node['w32time'] = {'type': (get_value(node, W32TIME_PARAMETERS, 'Type') or {}).get('data'),
                       'ntp_server': (get_value(node, W32TIME_PARAMETERS, 'NtpServer') or {}).get('data')}


# --- win_regedit ---------------------------------------------------------------------------------------------------

def _hex_bytes(text):
    """win_regedit.ps1 Convert-RegExportHexStringToByteArray: 'hex:be,ef' / 'beef' -> [190, 239]."""
    text = re.sub(r'^hex:', '', text.lower())
    text = re.sub(r'[^a-f0-9\\,x\-:]', '', text).replace(',', ':')
    if not text:
        return []
    if len(text) == 1:
        return [int(text, 16)]
    if ':' in text:
        return [int(part, 16) for part in re.split(':+', text) if part]
    if len(text) % 2 == 0:
        return [int(text[index:index + 2], 16) for index in range(0, len(text), 2)]
    return []


def _integer(data, kind):
    if data is None:
        return 0
    if isinstance(data, float):
        if data % 1:
            raise RegistryError("data '%s' cannot be a decimal or float value with a remainder when type is dword or "
                                "qword" % data)
        data = int(data)
    if isinstance(data, str):
        try:
            data = int(data, 0)
        except ValueError as error:
            raise RegistryError('Cannot convert value "%s" to type "System.UInt64". Error: "Input string was not in a '
                                'correct format."' % data) from error
    limit = 0xffffffff if kind == 'DWord' else 0xffffffffffffffff
    if data > limit:
        raise RegistryError('data cannot be larger than 0x%x when type is %s' % (limit, kind.lower()))
    return data & limit   # negative values are stored as their two's complement, as SetValue does


def convert_data(kind, data, name):
    """The data as win_regedit.ps1 converts it before SetValue."""
    if kind in ('Binary', 'None'):
        if data is None:
            return []
        if isinstance(data, str):
            return _hex_bytes(data)
        if isinstance(data, int):
            if data > 255:
                raise RegistryError("cannot convert binary data '%s' to byte array, please specify this value as a "
                                    "yaml byte array or a comma separated hex value string" % data)
            return [data]
        return [int(item) for item in data]
    if kind in ('DWord', 'QWord'):
        return _integer(data, kind)
    if kind == 'MultiString':
        if data is None:
            return []
        return [str(item) for item in data] if isinstance(data, (list, tuple)) else [str(data)]
    if data is None:
        return '' if name else None
    return str(data)


def diff_value(entry):
    """win_regedit.ps1 Get-DiffValue: hex strings for numbers and bytes."""
    kind, data = entry['type'], entry['data']
    if kind in ('Binary', 'None'):
        data = ['0x%02x' % byte for byte in data]
    elif kind == 'DWord':
        data = '0x%08x' % data
    elif kind == 'QWord':
        data = '0x%016x' % data
    return {'type': kind, 'value': data}


def regedit(node, params, check_mode):
    """win_regedit on a node: returns ``(result, warnings)``; result has changed, data_changed, data_type_changed
    and ``diff`` (before/after, as the module's Diff). Raises RegistryError."""
    path, name, state = params['path'], params.get('name') or None, params.get('state') or 'present'
    kind = KINDS[params.get('type') or 'string']
    warnings = []
    if name is None and kind != 'String':
        warnings.append("the data type when name is not specified can only be 'string', the type has "
                        "automatically been converted")
        kind = 'String'
    if not _HIVE.match(path):
        raise RegistryError('path: %s is not a valid powershell path, see module documentation for examples.' % path)
    if params.get('hive'):
        raise RegistryError('the simulated win_regedit does not model loading a hive file (hive)')
    registry = node.setdefault('registry', {})
    result = {'changed': False, 'data_changed': False, 'data_type_changed': False}
    if state == 'present':
        diff = _present(registry, path, name, kind, convert_data(kind, params.get('data'), name), check_mode, result)
    else:
        diff = _absent(registry, path, name, params.get('delete_key', True), check_mode, result)
    result['diff'] = diff
    return result, warnings


def _present(registry, path, name, kind, data, check_mode, result):
    value_name = name or ''
    if not key_exists(registry, path):
        result['changed'] = True
        diff = {'before': {}, 'after': {path: {}}}
        if check_mode:
            return diff
        registry[path.rstrip('\\')] = {}
    else:
        diff = {'before': {path: {}}, 'after': {path: {}}}
    if data is None:   # the (Default) value of a key created without data: win_regedit stops here
        return diff
    key = _key(registry, path)
    if key is None:                      # a parent of stored keys: it exists, now with values of its own
        key = path.rstrip('\\')
        values = {} if check_mode else registry.setdefault(key, {})
    else:
        values = registry[key]
    found = _find(values, value_name)
    new = _value(kind, data)
    if found is not None:
        existing = values[found]
        type_changed = existing['type'] != kind
        data_changed = existing['data'] != data
        result['data_type_changed'] = type_changed
        result['data_changed'] = data_changed
        diff['before'][path][value_name] = diff_value(existing)
        if type_changed or data_changed:
            result['changed'] = True
            diff['after'][path][value_name] = diff_value(new)
            if not check_mode:
                values[found] = new
        else:
            diff['after'][path][value_name] = diff_value(existing)
        return diff
    result['changed'] = True
    diff['after'][path][value_name] = diff_value(new)
    if not check_mode:
        values[value_name] = new
    return diff


def _absent(registry, path, name, delete_key, check_mode, result):
    if not key_exists(registry, path):
        return {'before': '', 'after': ''}
    if delete_key and not name:
        result['changed'] = True
        if not check_mode:
            prefix = path.rstrip('\\').lower()
            for key in [key for key in registry if key.lower() == prefix or key.lower().startswith(prefix + '\\')]:
                del registry[key]
        return {'before': {path: {}}, 'after': {}}
    key = _key(registry, path)
    values = registry[key] if key is not None else {}
    found = _find(values, name or '')
    if found is None:
        return {'before': '', 'after': ''}
    result['changed'] = True
    before = {path: {found: diff_value(values[found])}}
    if not check_mode:
        del values[found]
    return {'before': before, 'after': {path: {}}}
