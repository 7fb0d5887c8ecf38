"""What roles change on a node besides Hyper-V and the cluster: files, MSI packages, Windows services, local group
membership, user rights; and what they read from: AD users, software on file shares and web servers.

The twins of ansible.windows.win_package, win_service, win_file, win_template, win_user_right and
win_group_membership (tests/sim/collections) are thin: they validate arguments against the real spec and call the
functions here, which work on the lab state (hvsim/state.py) and raise ``SoftwareError`` with the message the real
module gives. Keys in the state (all optional: a lab created before this module existed reads as empty):

    domain.users          {sam (lower): {"name", "password_sha256", "enabled", "description"}}
    domain.groups         [name, ...]                       (domain groups that resolve as accounts)
    file_shares           {"\\\\server\\share": {"files": {lower path: entry}}}
    web                   {url: entry}                      (files downloadable over HTTP(S))
    nodes.*.files         {lower path: entry}               (node-local paths)
    clusters.*.files      {lower path: entry}               (paths on the cluster's CSVs, seen by every node)
    nodes.*.packages      {product code: {"name", "version", "source", "features", "properties", "install_dir"}}
    nodes.*.services      {name: {"name", "display_name", "path", "username", "password_sha256", "start_mode",
                                  "state", "description", "dependencies"}}
    nodes.*.local_groups  {name: [member, ...]}
    nodes.*.user_rights   {right: [account, ...]}

A file entry is ``{"path", "type": "file"|"directory", "content", "sha1", "size"}``; an MSI on a share or web
server also has ``"msi": {"product_code", "product_name", "product_version", "manufacturer", "features",
"install_dir", "files", "services"}``; files a package installed carry ``"package": <product code>`` and
``"binary": true`` (no content).

Service operations are appended to ``service-events.log`` in the lab directory (one JSON line: node, service,
action, start, end), which is how tests see that handlers restart one node at a time.
"""

import hashlib
import json
import os
import re
import shlex
import time
import uuid

from hvsim import registry
from hvsim.state import _find

NOVA_MSI_NAME = 'HyperVNovaCompute_Antelope_27_5_1.msi'
SOFTWARE_SHARE = '\\\\fs01.corp.example.com\\software'
OPENSTACK_SHARE = '\\\\fs01.corp.example.com\\openstack'
DOWNLOAD_URL = 'https://downloads.corp.example.com/openstack/' + NOVA_MSI_NAME
NOVA_INSTALL_DIR = 'C:\\Program Files\\Cloudbase Solutions\\OpenStack\\Nova'
# The AD account the lab's nova-compute runs as, and its password (a simulated domain: this is test data).
SERVICE_ACCOUNT = 'svc-nova'
SERVICE_ACCOUNT_PASSWORD = 'Simulated-Nova-Pa55'
# The AD account that joins nodes to the domain (microsoft.ad.membership), on every lab, bare ones included.
JOIN_ACCOUNT = 'svc-join'
JOIN_ACCOUNT_PASSWORD = 'Simulated-Join-Pa55'
# Windows services every node has (besides what packages create): name, display name, command, account, start mode.
BASE_SERVICES = (
    ('W32Time', 'Windows Time', 'C:\\Windows\\system32\\svchost.exe -k LocalService', 'NT AUTHORITY\\LOCAL SERVICE',
     'auto'),
)
# Present on every Windows Server node.
BASE_DIRECTORIES = ('c:', 'c:\\windows', 'c:\\program files', 'c:\\programdata', 'c:\\windows\\temp')
SERVICE_DELAY_SECONDS = 0.2   # simulated time a service takes to stop or start (makes overlapping restarts visible)
SERVICE_EVENTS_LOG = 'service-events.log'

# Rights and privileges the LSA knows (LsaEnumerateAccountsWithUserRight fails for any other name).
USER_RIGHTS = frozenset((
    'SeAssignPrimaryTokenPrivilege', 'SeAuditPrivilege', 'SeBackupPrivilege', 'SeBatchLogonRight',
    'SeChangeNotifyPrivilege', 'SeCreateGlobalPrivilege', 'SeCreatePagefilePrivilege', 'SeCreatePermanentPrivilege',
    'SeCreateSymbolicLinkPrivilege', 'SeCreateTokenPrivilege', 'SeDebugPrivilege', 'SeDenyBatchLogonRight',
    'SeDenyInteractiveLogonRight', 'SeDenyNetworkLogonRight', 'SeDenyRemoteInteractiveLogonRight',
    'SeDenyServiceLogonRight', 'SeEnableDelegationPrivilege', 'SeImpersonatePrivilege',
    'SeIncreaseBasePriorityPrivilege', 'SeIncreaseQuotaPrivilege', 'SeIncreaseWorkingSetPrivilege',
    'SeInteractiveLogonRight', 'SeLoadDriverPrivilege', 'SeLockMemoryPrivilege', 'SeMachineAccountPrivilege',
    'SeManageVolumePrivilege', 'SeNetworkLogonRight', 'SeProfileSingleProcessPrivilege', 'SeRelabelPrivilege',
    'SeRemoteInteractiveLogonRight', 'SeRemoteShutdownPrivilege', 'SeRestorePrivilege', 'SeSecurityPrivilege',
    'SeServiceLogonRight', 'SeShutdownPrivilege', 'SeSyncAgentPrivilege', 'SeSystemEnvironmentPrivilege',
    'SeSystemProfilePrivilege', 'SeSystemtimePrivilege', 'SeTakeOwnershipPrivilege', 'SeTcbPrivilege',
    'SeTimeZonePrivilege', 'SeTrustedCredManAccessPrivilege', 'SeUndockPrivilege',
))
# Accounts every Windows host resolves, by the names users give them -> the name Windows translates them to.
WELL_KNOWN_ACCOUNTS = {
    'localsystem': 'NT AUTHORITY\\SYSTEM', 'system': 'NT AUTHORITY\\SYSTEM', 'nt authority\\system':
    'NT AUTHORITY\\SYSTEM', 'localservice': 'NT AUTHORITY\\LOCAL SERVICE',
    'nt authority\\local service': 'NT AUTHORITY\\LOCAL SERVICE', 'networkservice': 'NT AUTHORITY\\NETWORK SERVICE',
    'nt authority\\network service': 'NT AUTHORITY\\NETWORK SERVICE',
    'nt service\\all services': 'NT SERVICE\\ALL SERVICES', 'everyone': 'Everyone',
    'builtin\\administrators': 'BUILTIN\\Administrators', 'administrators': 'BUILTIN\\Administrators',
    'builtin\\users': 'BUILTIN\\Users', 'users': 'BUILTIN\\Users',
    'builtin\\hyper-v administrators': 'BUILTIN\\Hyper-V Administrators',
    'hyper-v administrators': 'BUILTIN\\Hyper-V Administrators',
}
SYSTEM = 'NT AUTHORITY\\SYSTEM'
SYSTEM_ACCOUNTS = ('NT AUTHORITY\\SYSTEM', 'NT AUTHORITY\\LOCAL SERVICE', 'NT AUTHORITY\\NETWORK SERVICE')
LOCAL_GROUPS = ('Administrators', 'Users', 'Hyper-V Administrators', 'Remote Management Users')

# Cloudbase's HyperVNovaCompute MSI as this lab models it (../shared/reference/openstack.md, section 3): features,
# what each installs under INSTALLDIR, and the services it creates unless SKIPNOVACONF=1.
NOVA_FEATURES = {
    'HyperVNovaCompute': ['bin\\OpenStackService.exe', 'bin\\qemu-img.exe', 'bin\\mkisofs.exe',
                          'Python\\python.exe', 'Python\\Scripts\\nova-compute.exe'],
    'NeutronHyperVAgent': ['Python\\Scripts\\neutron-hyperv-agent.exe'],
    'NeutronOVSAgent': ['Python\\Scripts\\neutron-openvswitch-agent.exe'],
    'CeilometerComputeAgent': ['Python\\Scripts\\ceilometer-polling.exe'],
    'iSCSISWInitiator': [],
    'FreeRDP': ['FreeRDP-WebConnect\\Binaries\\wsgate.exe'],
    'LiveMigration': [],
}
NOVA_SERVICES = {
    'HyperVNovaCompute': ('nova-compute', 'OpenStack Nova Compute Service', 'nova.conf'),
    'NeutronHyperVAgent': ('neutron-hyperv-agent', 'OpenStack Neutron Hyper-V Agent Service',
                           'neutron_hyperv_agent.conf'),
}
NOVA_DIRECTORIES = ('bin', 'etc', 'Python', 'Python\\Scripts', 'log')


class SoftwareError(Exception):
    """What the real module would fail with: ``msg`` plus result keys (rc, stdout, exception...)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


class AccountNotFound(SoftwareError):
    """A name that does not translate to a security identifier on the node."""


def sha256(text):
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def _product_code(*parts):
    return '{%s}' % str(uuid.uuid5(uuid.NAMESPACE_URL, 'hvsim-msi:' + ':'.join(parts))).upper()


NOVA_PRODUCT_CODE = _product_code('HyperVNovaCompute', '27.5.1')


def nova_msi_record():
    return {
        'product_code': NOVA_PRODUCT_CODE, 'product_name': 'OpenStack Hyper-V Nova Compute 2023.1',
        'product_version': '27.5.1', 'manufacturer': 'Cloudbase Solutions Srl', 'openstack_release': '2023.1',
        'install_dir': NOVA_INSTALL_DIR, 'features': sorted(NOVA_FEATURES),
        'default_features': ['HyperVNovaCompute', 'NeutronHyperVAgent', 'iSCSISWInitiator', 'FreeRDP'],
    }


def file_entry(path, content=None, kind='file', **extra):
    entry = {'path': path, 'type': kind}
    if kind == 'file':
        data = (content or '').encode('utf-8')
        entry.update(content=content, sha1=hashlib.sha1(data).hexdigest(), size=len(data))  # nosec - a checksum
    entry.update(extra)
    return entry


def seed(data, preset):
    """Add what this module models to a freshly built lab (presets.build calls it)."""
    domain = data['domain']
    domain.setdefault('users', {})
    domain.setdefault('groups', ['Domain Admins', 'Domain Users', 'Domain Computers'])
    # The domain is there whatever state the nodes are in: a bare lab's nodes join it.
    domain['users']['administrator'] = {'name': 'Administrator', 'enabled': True,
                                        'password_sha256': sha256('Simulated-Admin-Pa55'),
                                        'description': 'Built-in account for administering the domain'}
    domain['users'][SERVICE_ACCOUNT] = {'name': SERVICE_ACCOUNT, 'enabled': True,
                                        'password_sha256': sha256(SERVICE_ACCOUNT_PASSWORD),
                                        'description': 'nova-compute and neutron-hyperv-agent on the Hyper-V nodes'}
    domain['users'][JOIN_ACCOUNT] = {'name': JOIN_ACCOUNT, 'enabled': True,
                                     'password_sha256': sha256(JOIN_ACCOUNT_PASSWORD),
                                     'description': 'Joins the Hyper-V nodes to the domain'}
    msi = nova_msi_record()
    msi_path = '%s\\%s' % (SOFTWARE_SHARE, NOVA_MSI_NAME)
    data['file_shares'] = {
        SOFTWARE_SHARE: {'files': {msi_path.lower(): file_entry(msi_path, kind='file', msi=msi, binary=True)}},
        OPENSTACK_SHARE: {'files': {}},
    }
    data['web'] = {DOWNLOAD_URL: file_entry(DOWNLOAD_URL, kind='file', msi=msi, binary=True)}
    for node in data['nodes'].values():
        node.setdefault('files', {})
        node.setdefault('packages', {})
        services = node.setdefault('services', {})
        for name, display, command, account, start_mode in BASE_SERVICES:
            executable = _executable(command)
            node['files'][normalize(executable)] = file_entry(executable, kind='file', binary=True, content=None)
            services[name] = service_record(name, command, display_name=display, start_mode=start_mode,
                                            username=account, state='running')
        node['local_groups'] = {
            'Administrators': ['%s\\Administrator' % node['name'].upper()]
            + (['%s\\Domain Admins' % domain['netbios']] if node.get('domain') else []),
            'Users': ['NT AUTHORITY\\INTERACTIVE', 'NT AUTHORITY\\Authenticated Users'],
            'Hyper-V Administrators': [],
            'Remote Management Users': [],
        }
        node['user_rights'] = {'SeServiceLogonRight': ['NT SERVICE\\ALL SERVICES'],
                               'SeBatchLogonRight': ['BUILTIN\\Administrators']}


def unreachable(state, node_name):
    """The result of a module on a node that cannot be reached (powered off), or None."""
    node = state.node(node_name)
    if node is not None and node.get('power', 'on') == 'on':
        return None
    fqdn = (node or {}).get('fqdn') or node_name
    return {'changed': False, 'failed': True, 'unreachable': True,
            'msg': 'psrp connection failure during runspace pool open: HTTPConnectionPool(host=%s, port=5985): Max '
                   'retries exceeded (Connection refused)' % fqdn}


def twin_call(lab_dir, node_name, function, *args, **kwargs):
    """Run ``function(state, node_name, *args, **kwargs)`` on the locked lab state for a module twin: an unknown node
    is a TwinError, a powered-off one unreachable, a SoftwareError a failure whose changes are not saved."""
    from hvsim.state import LabState  # pylint: disable=import-outside-toplevel
    from hvsim.twin import TwinError  # pylint: disable=import-outside-toplevel

    try:
        with LabState.open(lab_dir) as state:
            if state.node(node_name) is None:
                raise TwinError('no node %s in the lab at %s' % (node_name, lab_dir))
            down = unreachable(state, node_name)
            if down is not None:
                return down
            return function(state, node_name, *args, **kwargs)
    except SoftwareError as error:
        return dict(error.result, changed=False, failed=True, msg=error.msg)


# --- paths ---------------------------------------------------------------------------------------------------------

def normalize(path):
    """Windows path as a comparison key: backslashes, no trailing separator, lower case."""
    text = str(path).replace('/', '\\')
    unc = text.startswith('\\\\')
    text = re.sub(r'\\+', r'\\', text)
    if unc:
        text = '\\' + text
    return text.rstrip('\\').lower()


def _parent(key):
    head, sep, _tail = key.rpartition('\\')
    if not sep or head in ('', '\\'):
        return None
    return head


def _share_of(state, key):
    """The share root (as catalogued) a normalized UNC path is on, or None."""
    parts = key[2:].split('\\')
    if len(parts) < 2:
        return None
    server, share = parts[0], parts[1]
    domain = (state.data.get('domain') or {}).get('name', '').lower()
    candidates = [server] + (['%s.%s' % (server, domain)] if domain and '.' not in server else [])
    shares = dict(state.data.get('file_shares') or {})
    for root in (state.data.get('domain') or {}).get('file_shares') or []:
        shares.setdefault(root, None)
    for root in shares:
        root_key = normalize(root)
        for name in candidates:
            if root_key == '\\\\%s\\%s' % (name, share):
                return root
    return None


class Volume:
    """Where a path lives for a node: its own disks, its cluster's CSVs, or a file share."""

    def __init__(self, kind, files, root_key, label):
        self.kind = kind            # 'node', 'cluster' or 'share'
        self.files = files          # the state dict holding the entries
        self.root_key = root_key    # normalized root (exists by definition)
        self.label = label          # node, cluster or share name

    def root_exists(self, key):
        return key == self.root_key


def locate(state, node_name, path):
    """The Volume that holds ``path`` as node ``node_name`` sees it; raises SoftwareError for an unknown share."""
    key = normalize(path)
    if key.startswith('\\\\'):
        root = _share_of(state, key)
        if root is None:
            raise SoftwareError('The network path was not found. (%s)' % path)
        shares = state.data.setdefault('file_shares', {})
        entry = shares.get(root)
        if entry is None:
            entry = shares[root] = {'files': {}}
        return Volume('share', entry.setdefault('files', {}), normalize(root), root)
    node = state.node(node_name)
    cluster = state.cluster_of(node_name)
    for csv in (cluster or {}).get('csvs', {}).values():
        root = normalize(csv['path'])
        if key == root or key.startswith(root + '\\'):
            return Volume('cluster', cluster.setdefault('files', {}), root, cluster['name'])
    drive = key.split('\\', 1)[0]
    return Volume('node', node.setdefault('files', {}), drive, node['name'])


def get_entry(state, node_name, path):
    volume = locate(state, node_name, path)
    key = normalize(path)
    if volume.root_exists(key) or (volume.kind == 'node' and key in BASE_DIRECTORIES):
        return {'path': path, 'type': 'directory'}
    return volume.files.get(key)


def is_directory(state, node_name, path):
    entry = get_entry(state, node_name, path)
    return entry is not None and entry['type'] == 'directory'


def make_directories(state, node_name, path):
    """New-Item -ItemType Directory -Force: the directory and its missing parents. Returns True when one was made."""
    volume = locate(state, node_name, path)
    key = normalize(path)
    made = False
    chain = []
    while key and not volume.root_exists(key) and not (volume.kind == 'node' and key in BASE_DIRECTORIES):
        chain.append(key)
        key = _parent(key)
    original = {normalize(path): path}
    for item in reversed(chain):
        existing = volume.files.get(item)
        if existing is not None:
            if existing['type'] != 'directory':
                raise SoftwareError('path %s is not a directory' % existing['path'])
            continue
        volume.files[item] = file_entry(original.get(item, _display(path, item)), kind='directory')
        made = True
    return made


def _display(full_path, key):
    """The original-case prefix of ``full_path`` that normalizes to ``key``."""
    text = str(full_path).replace('/', '\\')
    for end in range(len(text), 0, -1):
        if normalize(text[:end]) == key:
            return text[:end].rstrip('\\')
    return key


def write_file(state, node_name, path, content):
    """Write a text file whose parent directory must exist. Returns (changed, entry)."""
    volume = locate(state, node_name, path)
    key = normalize(path)
    parent = _parent(key)
    if parent is None or not is_directory(state, node_name, _display(path, parent)):
        parent_display = _display(path, parent) if parent else path
        raise SoftwareError("Destination directory '%s' does not exist" % parent_display)
    existing = volume.files.get(key)
    if existing is not None and existing['type'] == 'directory':
        raise SoftwareError("cannot copy file to dest '%s': object at path is already a directory" % path)
    entry = file_entry(existing['path'] if existing else path, content)
    changed = existing is None or existing.get('sha1') != entry['sha1']
    volume.files[key] = entry
    return changed, entry


def remove_path(state, node_name, path):
    volume = locate(state, node_name, path)
    key = normalize(path)
    removed = [item for item in volume.files if item == key or item.startswith(key + '\\')]
    for item in removed:
        del volume.files[item]
    return bool(removed)


def visible_files(state, node_name):
    """Every entry node ``node_name`` sees on its own disks and its cluster's CSVs: {path: entry + location}."""
    node = state.node(node_name)
    found = {}
    for entry in (node.get('files') or {}).values():
        found[entry['path']] = dict(entry, location='node')
    cluster = state.cluster_of(node_name)
    for entry in ((cluster or {}).get('files') or {}).values():
        found[entry['path']] = dict(entry, location='cluster')
    return found


def read_any(state, node_name, path):
    """The entry for ``path`` on the node, its cluster's CSVs or a share (None when absent)."""
    try:
        return get_entry(state, node_name, path)
    except SoftwareError:
        return None


# --- accounts ------------------------------------------------------------------------------------------------------

def split_account(text):
    """(prefix or None, name) of ``DOMAIN\\name``, ``name@domain`` or a bare ``name``, as Windows reads a logon name."""
    if '\\' in text:
        prefix, name = text.split('\\', 1)
    elif '@' in text:
        name, prefix = text.split('@', 1)
    else:
        prefix, name = None, text
    return prefix, name


def resolve_account(state, node_name, name):
    """The name Windows translates ``name`` to on the node (``CORP\\svc-nova``, ``NT AUTHORITY\\SYSTEM``...);
    raises AccountNotFound."""
    text = str(name or '').strip()
    lowered = text.lower()
    if lowered in WELL_KNOWN_ACCOUNTS:
        return WELL_KNOWN_ACCOUNTS[lowered]
    node = state.node(node_name)
    domain = state.data.get('domain') or {}
    netbios = (domain.get('netbios') or '').lower()
    dns = (domain.get('name') or '').lower()
    joined = bool(node.get('domain'))
    prefix, account = split_account(text)
    prefix_l = (prefix or '').lower()
    if prefix_l in ('.', node['name'].lower()):
        return _local_account(node, account, name)
    if prefix is None or prefix_l in (netbios, dns):
        found = _domain_account(domain, account) if joined else None
        if found:
            return found
        if prefix is None:
            return _local_account(node, account, name)
    raise AccountNotFound("Failed to translate '%s' to a SecurityIdentifier: Some or all identity references could "
                          "not be translated." % name)


def _domain_account(domain, account):
    users = domain.get('users') or {}
    key = account.lower()
    if key in users:
        return '%s\\%s' % (domain['netbios'], users[key]['name'])
    for group in domain.get('groups') or []:
        if group.lower() == key:
            return '%s\\%s' % (domain['netbios'], group)
    return None


def _local_account(node, account, original):
    if account.lower() == 'administrator':
        return '%s\\Administrator' % node['name'].upper()
    for group in node.get('local_groups') or LOCAL_GROUPS:
        if group.lower() == account.lower():
            return 'BUILTIN\\%s' % group
    raise AccountNotFound("Failed to translate '%s' to a SecurityIdentifier: Some or all identity references could "
                          "not be translated." % original)


def domain_user(state, account):
    """The domain user record of a resolved ``NETBIOS\\name`` account, or None."""
    domain = state.data.get('domain') or {}
    prefix, _sep, name = account.partition('\\')
    if prefix.lower() != (domain.get('netbios') or '').lower():
        return None
    return (domain.get('users') or {}).get(name.lower())


def group_members(state, node_name, group):
    return list((state.node(node_name).get('local_groups') or {}).get(group) or [])


def is_member(state, node_name, group, account):
    return any(member.lower() == account.lower() for member in group_members(state, node_name, group))


def has_right(state, node_name, right, account):
    holders = (state.node(node_name).get('user_rights') or {}).get(right) or []
    if any(holder.lower() == account.lower() for holder in holders):
        return True
    # Rights given to a local group apply to its members.
    for holder in holders:
        if holder.startswith('BUILTIN\\') and is_member(state, node_name, holder.split('\\', 1)[1], account):
            return True
    return False


# --- user rights and local groups ------------------------------------------------------------------------------------

def set_user_right(state, node_name, right, users, action, check_mode):
    """win_user_right: returns {"changed", "added", "removed"}."""
    wanted = []
    for user in users:
        try:
            wanted.append(resolve_account(state, node_name, user))
        except AccountNotFound as error:
            raise SoftwareError("Failed to translate the account '%s' to a SID" % user,
                                exception=error.msg) from error
    if right not in USER_RIGHTS:
        raise SoftwareError('the specified right %s is not a valid right' % right,
                            exception='Invalid privilege %s not found in LSA database' % right)
    rights = state.node(node_name).setdefault('user_rights', {})
    existing = list(rights.get(right) or [])
    lowered = [item.lower() for item in existing]
    added = [user for user in _unique(wanted) if user.lower() not in lowered]
    removed = []
    if action == 'remove':
        added = []
        removed = [item for item in existing if item.lower() in [user.lower() for user in wanted]]
    elif action == 'set':
        removed = [item for item in existing if item.lower() not in [user.lower() for user in wanted]]
    if not check_mode and (added or removed):
        rights[right] = [item for item in existing if item not in removed] + added
    return {'changed': bool(added or removed), 'added': added, 'removed': removed}


def set_group_membership(state, node_name, group, members, wanted_state, check_mode):
    """win_group_membership: returns {"changed", "name", "added"/"removed", "members"}."""
    groups = state.node(node_name).setdefault('local_groups', {})
    key = _find(groups, group)
    result = {'changed': False, 'name': group}
    if wanted_state in ('present', 'pure'):
        result['added'] = []
    if wanted_state in ('absent', 'pure'):
        result['removed'] = []
    if key is None:
        raise SoftwareError('Could not find local group %s' % group, **result)
    accounts = []
    for member in members:
        try:
            accounts.append(resolve_account(state, node_name, member))
        except AccountNotFound as error:
            raise SoftwareError('account_name %s is not a valid account, cannot get SID: %s'
                                % (member, error.msg.split(': ', 1)[-1]), **result) from error
    accounts = _unique(accounts)
    current = list(groups[key])
    lowered = [item.lower() for item in current]
    if wanted_state in ('present', 'pure'):
        result['added'] = [account for account in accounts if account.lower() not in lowered]
    if wanted_state == 'absent':
        result['removed'] = [item for item in current if item.lower() in [a.lower() for a in accounts]]
    elif wanted_state == 'pure':
        result['removed'] = [item for item in current if item.lower() not in [a.lower() for a in accounts]]
    final = [item for item in current if item not in result.get('removed', [])] + result.get('added', [])
    result['changed'] = bool(result.get('added') or result.get('removed'))
    if not check_mode and result['changed']:
        groups[key] = final
    result['members'] = final
    return result


def _unique(items):
    seen, unique = set(), []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return unique


# --- packages ------------------------------------------------------------------------------------------------------

MSI_PROPERTY_RE = re.compile(r'^([A-Z][A-Z0-9_.]*)=(.*)$', re.S)


def msi_properties(arguments):
    """MSI public properties from a command-line string (or a list) as msiexec reads them: NAME=value, quoted
    values allowed; returns (properties, other switches)."""
    if arguments is None:
        return {}, []
    tokens = arguments if isinstance(arguments, list) else shlex.split(str(arguments).replace('\\', '\\\\'))
    properties, others = {}, []
    for token in tokens:
        match = MSI_PROPERTY_RE.match(str(token))
        if match:
            properties[match.group(1)] = match.group(2)
        else:
            others.append(str(token))
    return properties, others


def find_source(state, node_name, path):
    """The catalogued file entry of a package source (UNC, local path or URL), or a SoftwareError as win_package
    reports an unreachable source."""
    if str(path).lower().startswith('http'):
        web = state.data.get('web') or {}
        for url, entry in web.items():
            if url.lower() == str(path).lower():
                return entry
        host = re.sub(r'^https?://', '', str(path), flags=re.I).split('/', 1)[0].lower()
        known = {re.sub(r'^https?://', '', url, flags=re.I).split('/', 1)[0].lower() for url in web}
        reason = ('The remote server returned an error: (404) Not Found.' if host in known
                  else "The remote name could not be resolved: '%s'" % host)
        raise SoftwareError('Exception calling "GetResponse" with "0" argument(s): "%s"' % reason)
    entry = read_any(state, node_name, path)
    if entry is None or entry['type'] != 'file':
        raise SoftwareError("the file at the path '%s' cannot be reached" % path)
    return entry


def installed(state, node_name, product_code):
    packages = state.node(node_name).get('packages') or {}
    key = _find(packages, product_code)
    return packages[key] if key else None


def package(state, node_name, params, check_mode):
    """win_package for MSI sources, following win_package.ps1: returns the result dict."""
    path, product_id, wanted = params.get('path'), params.get('product_id'), params.get('state') or 'present'
    result = {'changed': False, 'reboot_required': False}
    is_url = bool(path) and str(path).lower().startswith('http')
    record = None
    if is_url and product_id and wanted == 'present' and installed(state, node_name, product_id):
        result['rc'] = 0
        return result
    if path:
        if is_url or not check_mode:
            entry = find_source(state, node_name, path)
        else:
            entry = read_any(state, node_name, path)
            if entry is None:
                raise SoftwareError('Exception calling "OpenPackage" with "2" argument(s): "The system cannot find '
                                    'the file specified"')
        record = entry.get('msi')
        if record is None:
            raise SoftwareError('%s is not an MSI package; the simulated win_package installs MSI packages only'
                                % path)
        product_id = record['product_code']
    is_installed = installed(state, node_name, product_id) is not None
    result['rc'] = 0
    changed = (wanted == 'present') != is_installed
    result['changed'] = changed
    if not changed or check_mode:
        return result
    if wanted == 'present':
        _install(state, node_name, record, path, params.get('arguments'))
    else:
        _uninstall(state, node_name, product_id)
    return result


def _msiexec_line(action, target, arguments):
    line = 'C:\\Windows\\System32\\msiexec.exe %s "%s" /L*V "C:\\Windows\\TEMP\\msiexec.log" /qn /norestart' % (
        action, target)
    if arguments:
        line += ' ' + (arguments if isinstance(arguments, str) else ' '.join(arguments))
    return line


def _install(state, node_name, record, path, arguments):
    properties, _others = msi_properties(arguments)
    features = record['default_features']
    if 'ADDLOCAL' in properties:
        features = [item.strip() for item in properties['ADDLOCAL'].split(',') if item.strip()]
        if [item.lower() for item in features] == ['all']:
            features = list(record['features'])
        unknown = [item for item in features if item not in record['features']]
        if unknown:
            log = ("MSI (s): Product: %s -- Error 2711. An internal error has occurred. (%s)"
                   % (record['product_name'], unknown[0]))
            raise SoftwareError("unexpected rc from '%s': see rc, stdout, and stderr for more details"
                                % _msiexec_line('/i', path, arguments),
                                rc=1603, stdout='', stderr='', log=log)
    install_dir = properties.get('INSTALLDIR') or record['install_dir']
    node = state.node(node_name)
    make_directories(state, node_name, install_dir)
    for sub in NOVA_DIRECTORIES:
        make_directories(state, node_name, '%s\\%s' % (install_dir, sub))
    for feature in features:
        for relative in NOVA_FEATURES.get(feature, []):
            full = '%s\\%s' % (install_dir, relative)
            parent = full.rsplit('\\', 1)[0]
            make_directories(state, node_name, parent)
            node['files'][normalize(full)] = file_entry(full, kind='file', binary=True, content=None,
                                                        package=record['product_code'])
    created = []
    if properties.get('SKIPNOVACONF') != '1':
        # Without SKIPNOVACONF the MSI writes its own configuration and creates the services (as LocalSystem).
        for feature in features:
            if feature not in NOVA_SERVICES:
                continue
            name, display, config = NOVA_SERVICES[feature]
            config_path = '%s\\etc\\%s' % (install_dir, config)
            write_file(state, node_name, config_path,
                       '[DEFAULT]\ncompute_driver = compute_hyperv.driver.HyperVDriver\n'
                       'instances_path = C:\\OpenStack\\Instances\n' if name == 'nova-compute' else '[DEFAULT]\n')
            node.setdefault('services', {})[name] = service_record(
                name, service_command(install_dir, name, config_path), display_name=display, start_mode='auto',
                package=record['product_code'])
            created.append(name)
    node.setdefault('packages', {})[record['product_code']] = {
        'product_code': record['product_code'], 'name': record['product_name'], 'version': record['product_version'],
        'source': path, 'features': sorted(features), 'install_dir': install_dir,
        'properties': {key: value for key, value in sorted(properties.items()) if 'PASSWORD' not in key},
        'services_created': created,
    }


def _uninstall(state, node_name, product_code):
    node = state.node(node_name)
    key = _find(node['packages'], product_code)
    record = node['packages'].pop(key)
    for path in [path for path, entry in node['files'].items() if entry.get('package') == record['product_code']]:
        del node['files'][path]
    for name in record.get('services_created') or []:
        (node.get('services') or {}).pop(name, None)


def service_command(install_dir, name, config_path):
    """The service command line Cloudbase's MSI registers (reference section 3.2)."""
    return '"%s\\bin\\OpenStackService.exe" %s "%s\\Python\\Scripts\\%s.exe" --config-file "%s"' % (
        install_dir, name, install_dir, name, config_path)


# --- services ------------------------------------------------------------------------------------------------------

def service_record(name, path, display_name=None, start_mode='auto', **extra):
    record = {'name': name, 'display_name': display_name or name, 'path': path, 'username': SYSTEM,
              'password_sha256': None, 'start_mode': start_mode, 'state': 'stopped', 'description': None,
              'dependencies': []}
    record.update(extra)
    return record


def _executable(command):
    """The program a service command line starts (first token, quotes removed)."""
    command = (command or '').strip()
    if command.startswith('"'):
        return command[1:].split('"', 1)[0]
    return command.split(' ', 1)[0]


def _config_files(command):
    return [quoted or bare for quoted, bare in re.findall(r'--config-file[= ](?:"([^"]+)"|(\S+))', command or '')]


def start_problem(state, node_name, service):
    """Why Windows would not start the service now (Win32 error text), or None."""
    account = service.get('username') or SYSTEM
    if account not in SYSTEM_ACCOUNTS:
        user = domain_user(state, account)
        if user is not None and (not user.get('enabled', True)
                                 or service.get('password_sha256') != user.get('password_sha256')):
            return 'The service did not start due to a logon failure.'
        if not has_right(state, node_name, 'SeServiceLogonRight', account):
            return 'The service did not start due to a logon failure.'
    executable = _executable(service.get('path'))
    entry = read_any(state, node_name, executable)
    if entry is None or entry['type'] != 'file':
        return 'The system cannot find the file specified.'
    for config in _config_files(service.get('path')):
        entry = read_any(state, node_name, config)
        if entry is None or entry['type'] != 'file':
            return 'The process terminated unexpectedly.'
    return None


def _log_event(lab_dir, node_name, name, action, start, end):
    line = json.dumps({'node': node_name, 'service': name, 'action': action, 'start': start, 'end': end},
                      separators=(',', ':')) + '\n'
    descriptor = os.open(os.path.join(lab_dir, SERVICE_EVENTS_LOG), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, line.encode('utf-8'))
    finally:
        os.close(descriptor)


def read_service_events(lab_dir):
    path = os.path.join(lab_dir, SERVICE_EVENTS_LOG)
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _cannot_start(name, reason):
    return SoftwareError("Service '%s (%s)' cannot be started due to the following error: Cannot start service %s "
                         "on computer '.'." % (name, name, name),
                         exception='System.InvalidOperationException: Cannot start service %s on computer \'.\'. '
                                   '---> System.ComponentModel.Win32Exception: %s' % (name, reason))


def configure_service(state, node_name, params, check_mode):
    """win_service, up to the state change: creates or reconfigures the service (not in check mode) and returns
    ``(result, actions)``, the state changes (``start``, ``stop``, ``restart``) still to run with run_service_action,
    which the twin does without holding the lab lock, as Windows does not stop other work while a service starts."""
    node = state.node(node_name)
    services = node.setdefault('services', {})
    name = params['name']
    key = _find(services, name)
    record = services.get(key) if key else None
    wanted = params.get('state')
    result = {'changed': False, 'exists': False}
    if wanted == 'absent':
        if record is not None:
            result['changed'] = True
            if not check_mode:
                del services[key]
        return result, []
    if record is None:
        if params.get('path') is None:
            raise SoftwareError("Service '%s' is not installed, need to set 'path' to create a new service" % name)
        record = service_record(name, params['path'])
        result['changed'] = True
        new = True
    else:
        record = dict(record)
        new = False
    if params.get('username') is not None:
        try:
            account = resolve_account(state, node_name, params['username'])
        except AccountNotFound as error:
            raise SoftwareError(error.msg) from error
        if account.lower() != (record['username'] or SYSTEM).lower():
            record['username'] = account
            result['changed'] = True
            if params.get('password') is not None:
                record['password_sha256'] = sha256(params['password'])
        elif params.get('password') is not None and (new or params.get('update_password') == 'always'):
            record['password_sha256'] = sha256(params['password'])
            result['changed'] = True
    for option in ('path', 'display_name', 'description', 'start_mode'):
        if params.get(option) is not None and params[option] != record.get(option):
            record[option] = params[option]
            result['changed'] = True
    if params.get('dependencies') is not None:
        action = params.get('dependency_action') or 'set'
        current = list(record.get('dependencies') or [])
        if action == 'set':
            new_list = list(params['dependencies'])
        elif action == 'add':
            new_list = current + [item for item in params['dependencies'] if item not in current]
        else:
            new_list = [item for item in current if item not in params['dependencies']]
        if new_list != current:
            record['dependencies'] = new_list
            result['changed'] = True
    actions = []
    if wanted == 'started' and record['state'] != 'running':
        actions = ['start']
    elif wanted == 'stopped' and record['state'] != 'stopped':
        actions = ['stop']
    elif wanted == 'restarted':
        actions = ['restart']
    if actions:
        result['changed'] = True
    if check_mode:
        if not new:   # New-Service -WhatIf creates nothing to report on
            record['state'] = 'stopped' if actions == ['stop'] else ('running' if actions else record['state'])
            result.update(describe(record))
        return result, []
    services[key or name] = record
    result.update(describe(record))
    return result, actions


def run_service_action(lab_dir, node_name, name, action, on_running=None):
    """Start, stop or restart a configured service: checks and marks it under the lab lock, takes
    SERVICE_DELAY_SECONDS (per stop or start) without the lock, then records the outcome. Returns describe()."""
    from hvsim.state import LabState  # pylint: disable=import-outside-toplevel

    began = time.time()
    with LabState.open(lab_dir) as state:
        services = state.node(node_name)['services']
        record = services[_find(services, name)]
        if action in ('start', 'restart'):
            problem = start_problem(state, node_name, record)
            if problem is not None:
                if action == 'restart':
                    record['state'] = 'stopped'
                state.save()
                raise _cannot_start(record['name'], problem)
        record['state'] = 'stop_pending' if action in ('stop', 'restart') else 'start_pending'
    time.sleep(SERVICE_DELAY_SECONDS * (2 if action == 'restart' else 1))
    with LabState.open(lab_dir) as state:
        node = state.node(node_name)
        record = node['services'][_find(node['services'], name)]
        record['state'] = 'stopped' if action == 'stop' else 'running'
        if record['state'] == 'running' and record['name'].lower() == 'w32time':
            registry.apply_w32time(node)    # W32Time reads its parameters when it starts
        if record['state'] == 'running' and on_running is not None:
            on_running(state, node, record)
        _log_event(lab_dir, node['name'], record['name'], action, began, time.time())
        return describe(record)


def describe(record):
    """The service keys win_service returns."""
    username = record.get('username') or SYSTEM
    return {
        'exists': True, 'name': record['name'], 'display_name': record.get('display_name'),
        'description': record.get('description'), 'path': record.get('path'),
        'start_mode': record.get('start_mode'), 'state': record.get('state'),
        'username': 'LocalSystem' if username == SYSTEM else username,
        'dependencies': list(record.get('dependencies') or []), 'depended_by': [],
        'desktop_interact': False, 'can_pause_and_continue': False,
    }


# --- lab show ------------------------------------------------------------------------------------------------------

def node_view(node):
    """``packages`` and ``services`` of a node in `lab show --json`."""
    packages = {code: {'name': item['name'], 'version': item['version'], 'features': list(item['features']),
                       'source': item['source'], 'properties': dict(item.get('properties') or {}),
                       'install_dir': item['install_dir']}
                for code, item in (node.get('packages') or {}).items()}
    off = node.get('power', 'on') != 'on'
    services = {name: {'state': 'stopped' if off else item['state'], 'start_mode': item['start_mode'],
                       'username': item['username'], 'path': item['path']}
                for name, item in (node.get('services') or {}).items()}
    return packages, services
