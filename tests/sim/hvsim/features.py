"""Windows Server roles and features of a simulated node: what ansible.windows.win_feature installs and removes
(through Install-WindowsFeature / Uninstall-WindowsFeature, win_feature.ps1) and what the cmdlets of a PowerShell
module need (``hvsim.cmdlets.MODULE_FEATURES``).

State: ``nodes.*.features`` = ``{name: {"installed": bool[, "pending": "install"|"uninstall"]}}``, one entry for every
feature of ``CATALOGUE``. ``installed`` is what the feature will be once the node has restarted; ``pending`` marks a
change that waits for that restart (Get-WindowsFeature's ``InstallPending`` / ``UninstallPending``). A feature is
*available* (its cmdlets run, the hypervisor is up) when it is installed and no install waits, or while an uninstall
waits. ``hvsim.power.reboot`` completes the pending changes (``complete_pending``).

Rules (``tests/sim/HOSTS.md``, section *Windows features*):

- Installing a feature installs its parents (RSAT-Clustering-PowerShell brings RSAT, RSAT-Feature-Tools and
  RSAT-Clustering); ``include_management_tools`` adds its ``tools``, ``include_sub_features`` its descendants.
- An operation that touches a feature with ``restart`` (Hyper-V) needs a restart: every feature it installs or
  removes is pending until the node restarts, and the node's ``pending_reboot`` is set **(sim choice: Windows
  commits the whole operation at the restart)**.
- Hyper-V checks the hardware first (every processor: SLAT, VM Monitor Mode extensions, virtualization enabled in
  firmware; DEP): a node that lacks one fails the whole operation, as Install-WindowsFeature does, and nothing changes.
- Feature ids and display names follow Get-WindowsFeature on Windows Server 2022; the ids are **(sim values)**.
"""

from hvsim.state import _find

# name: (display name, id, parent, needs a restart, management tools)
CATALOGUE = {
    'Hyper-V': ('Hyper-V', 20, None, True, ('Hyper-V-Tools', 'Hyper-V-PowerShell')),
    'Failover-Clustering': ('Failover Clustering', 69, None, False,
                            ('RSAT-Clustering-Mgmt', 'RSAT-Clustering-PowerShell')),
    'Multipath-IO': ('Multipath I/O', 57, None, False, ()),
    'RSAT': ('Remote Server Administration Tools', 67, None, False, ()),
    'RSAT-Role-Tools': ('Role Administration Tools', 68, 'RSAT', False, ()),
    'RSAT-Hyper-V-Tools': ('Hyper-V Management Tools', 304, 'RSAT-Role-Tools', False, ()),
    'Hyper-V-Tools': ('Hyper-V GUI Management Tools', 305, 'RSAT-Hyper-V-Tools', False, ()),
    'Hyper-V-PowerShell': ('Hyper-V Module for Windows PowerShell', 306, 'RSAT-Hyper-V-Tools', False, ()),
    'RSAT-Feature-Tools': ('Feature Administration Tools', 100, 'RSAT', False, ()),
    'RSAT-Clustering': ('Failover Clustering Tools', 101, 'RSAT-Feature-Tools', False, ()),
    'RSAT-Clustering-Mgmt': ('Failover Cluster Management Tools', 102, 'RSAT-Clustering', False, ()),
    'RSAT-Clustering-PowerShell': ('Failover Cluster Module for Windows PowerShell', 103, 'RSAT-Clustering', False, ()),
    'RSAT-Clustering-AutomationServer': ('Failover Cluster Automation Server', 104, 'RSAT-Clustering', False, ()),
    'RSAT-Clustering-CmdInterface': ('Failover Cluster Command Interface', 105, 'RSAT-Clustering', False, ()),
}
# What cluster_prereqs installs (the three roles with their management tools): the prepared preset's features.
ROLE_FEATURES = ('Hyper-V', 'Failover-Clustering', 'Multipath-IO')
HYPERV = 'Hyper-V'
PREREQUISITE_FAILED = 'A prerequisite check for the Hyper-V feature failed.'
# Install-WindowsFeature's prerequisite messages (seen in Server Manager and PowerShell; the DEP one is sim wording).
NO_VIRTUALIZATION = 'Hyper-V cannot be installed: The processor does not have required virtualization capabilities.'
FIRMWARE_DISABLED = 'Hyper-V cannot be installed because virtualization support is not enabled in the BIOS.'
NO_DEP = 'Hyper-V cannot be installed: Data Execution Prevention (DEP) is not enabled on this computer.'


class FeatureError(Exception):
    """Install-WindowsFeature / Uninstall-WindowsFeature failed; nothing changed."""


def _closure(names, relation):
    """``names`` plus everything ``relation(name)`` reaches from them, in catalogue order."""
    found, queue = set(), list(names)
    while queue:
        name = queue.pop()
        if name in found:
            continue
        found.add(name)
        queue.extend(relation(name))
    return [name for name in CATALOGUE if name in found]


def _parents(name):
    parent = CATALOGUE[name][2]
    return [parent] if parent else []


def _children(name):
    return [child for child, entry in CATALOGUE.items() if entry[2] == name]


def with_management_tools(names):
    """The features an install of ``names`` with management tools installs (parents included)."""
    tools = [tool for name in names for tool in CATALOGUE[name][4]]
    return _closure(list(names) + tools, _parents)


def initial(installed=False):
    """The features of a fresh node: all absent, or (``installed``) cluster_prereqs' set installed."""
    wanted = set(with_management_tools(ROLE_FEATURES)) if installed else set()
    return {name: {'installed': name in wanted} for name in CATALOGUE}


def _status(node, name):
    features = node.setdefault('features', {})
    key = _find(features, name)
    if key is None:
        features[name] = {'installed': False}
        key = name
    return features[key]


def available(node, name):
    """Whether the feature works now: installed with no install waiting for a restart, or its uninstall waiting."""
    status = (node.get('features') or {}).get(name) or {}
    return bool(status.get('installed')) != bool(status.get('pending'))


def install_state(node, name):
    """Get-WindowsFeature's InstallState: Installed, InstallPending, UninstallPending or Available."""
    status = (node.get('features') or {}).get(name) or {}
    if status.get('pending') == 'install':
        return 'InstallPending'
    if status.get('pending') == 'uninstall':
        return 'UninstallPending'
    return 'Installed' if status.get('installed') else 'Available'


def installed_now(node):
    """The features that are installed and working (``lab show``: ``features``)."""
    return sorted(name for name in (node.get('features') or {}) if available(node, name))


def pending(node):
    """``{feature: "install"|"uninstall"}`` for the changes waiting for a restart."""
    return {name: status['pending'] for name, status in sorted((node.get('features') or {}).items())
            if status.get('pending')}


def _canonical(names):
    result = []
    for name in names:
        key = _find(CATALOGUE, str(name).strip())
        if key is None:
            raise FeatureError("ArgumentNotValid: The role, role service, or feature name is not valid: '%s'. The "
                               "name was not found." % name)
        result.append(key)
    return result


def hardware_problems(node):
    """Why Hyper-V cannot be installed on this node's hardware (Install-WindowsFeature's prerequisite messages)."""
    hardware = node.get('hardware') or {}
    processors = hardware.get('processors') or [{}]
    problems = []
    if not all(cpu.get('slat', True) and cpu.get('vm_monitor_mode_extensions', True) for cpu in processors):
        problems.append(NO_VIRTUALIZATION)
    if not all(cpu.get('virtualization_firmware_enabled', True) for cpu in processors):
        problems.append(FIRMWARE_DISABLED)
    if not hardware.get('dep_available', True):
        problems.append(NO_DEP)
    return problems


def _feature_result(name, restart):
    display, feature_id = CATALOGUE[name][0], CATALOGUE[name][1]
    return {'id': feature_id, 'display_name': display, 'message': [], 'reboot_required': restart,
            'skip_reason': 'NotSkipped', 'success': True}


def _plan_install(node, names, management_tools, sub_features):
    wanted = list(names)
    if sub_features:
        wanted = _closure(wanted, _children)
    wanted = with_management_tools(wanted) if management_tools else _closure(wanted, _parents)
    return [name for name in wanted if not _status(node, name).get('installed')]


def _plan_uninstall(node, names, management_tools):
    wanted = list(names) + ([tool for name in names for tool in CATALOGUE[name][4]] if management_tools else [])
    wanted = _closure(wanted, _children)
    return [name for name in wanted if _status(node, name).get('installed')]


def change(node, names, present=True, management_tools=False, sub_features=False, check_mode=False):
    """Install (``present``) or remove features as win_feature does; returns the win_feature result keys
    ``{changed, success, exitcode, feature_result, reboot_required}``. Raises FeatureError (nothing changed)."""
    names = _canonical(names)
    if present:
        todo = _plan_install(node, names, management_tools, sub_features)
        if HYPERV in todo and not available(node, HYPERV):
            problems = hardware_problems(node)
            if problems:
                raise FeatureError('%s\n%s' % (PREREQUISITE_FAILED, '\n'.join(
                    '%d. %s' % (number, problem) for number, problem in enumerate(problems, start=1))))
    else:
        todo = _plan_uninstall(node, names, management_tools)
    restart = any(CATALOGUE[name][3] for name in todo)
    if todo and not check_mode:
        for name in todo:
            status = _status(node, name)
            undone = status.get('pending') == ('uninstall' if present else 'install')
            status['installed'] = present
            status.pop('pending', None)
            if restart and not undone:
                status['pending'] = 'install' if present else 'uninstall'
        if restart:
            node['pending_reboot'] = True
    if not todo:
        exitcode = 'NoChangeNeeded'
    else:
        exitcode = 'SuccessRestartRequired' if restart else 'Success'
    # win_feature.ps1 reads RestartNeeded from the server: a restart still waiting counts as well.
    reboot_required = restart or bool(pending(node))
    return {'changed': bool(todo), 'success': True, 'exitcode': exitcode,
            'feature_result': [_feature_result(name, restart) for name in todo], 'reboot_required': reboot_required}


def complete_pending(node):
    """At a restart: pending installs and uninstalls take effect. Returns the features that changed."""
    done = []
    for name, status in (node.get('features') or {}).items():
        if status.pop('pending', None):
            done.append(name)
    return sorted(done)
