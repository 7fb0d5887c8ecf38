"""Windows Update on simulated nodes: the updates a node can install and one search/download/install pass of the
Windows Update Agent, as ansible.windows.win_updates drives it.

Lab model (additive to schema 1; a node without ``updates`` has none): ``node["updates"] = {"available": [update],
"installed": [update]}``, where an update is::

    {"id": "<UpdateID GUID, the same on every node>", "kb": "KB5040437", "title": "...",
     "categories": ["Security Updates", "Microsoft Server operating system-21H2"], "reboot_required": true,
     "downloaded": false, "browse_only": false}

``categories`` are the names Windows Update reports (``Security Updates``, with a space), which is what
win_updates matches ``category_names`` against after turning ``SecurityUpdates`` & co into those names.
``downloaded``, ``browse_only`` and ``hidden`` are optional (false). Installing an update whose ``reboot_required``
is true sets the node's ``pending_reboot`` (``Microsoft.Update.SystemInfo.RebootRequired``); a restart
(``hvsim.power.reboot``) clears it.

``run_pass`` is what one start/poll/cancel cycle of the real module does on the host (win_updates.ps1): search
``IsInstalled = 0``, filter by category / accept_list / reject_list / hidden / skip_optional, stop there in check
mode or with ``state: searched``, fail if a reboot is pending, download what is not downloaded, stop there with
``state: downloaded``, install. The action twin (``plugins/action/win_updates.py`` of the shadow ansible.windows)
loops over passes, reboots and builds the task result as the real action plugin does.

Fault ``update-fail`` (``scripts/lab fault DIR update-fail NODE``): armed in the lab's ``faults`` list as
``{"kind": "update-fail", "node": NODE}``; the next win_updates task that installs updates on NODE takes it, and in
every pass of that task the first selected update fails to install (HRESULT ``0x8024200B``,
WU_E_UH_INSTALLERFAILURE) while the others install.
"""

import re
import uuid

UPDATE_FAIL = 'update-fail'
# HRESULT of an update whose installer failed (WU_E_UH_INSTALLERFAILURE), as the action plugin reads it (unsigned).
INSTALLER_FAILURE = 0x8024200B
# OperationResultCode values (WUA): 2 Succeeded, 4 Failed.
SUCCEEDED = 2
FAILED = 4
REBOOT_PENDING_MSG = 'A reboot is required before more updates can be installed'
INSTALL_FAILED_MSG = 'Failed to install all updates - see updates for more information'

SERVER_2022 = 'Microsoft Server operating system-21H2'
# The updates presets hand out, in this order: every node gets the first two (installed by win_updates' default
# categories), odd-numbered nodes (hv1, hv3, ...) also the third (a Definition Update, outside the defaults).
CATALOG = (
    {'kb': 'KB5040437', 'reboot_required': True, 'categories': ['Security Updates', SERVER_2022],
     'title': '2024-07 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems '
              '(KB5040437)'},
    {'kb': 'KB890830', 'reboot_required': False, 'categories': ['Update Rollups', SERVER_2022],
     'title': 'Windows Malicious Software Removal Tool x64 - v5.126 (KB890830)'},
    {'kb': 'KB2267602', 'reboot_required': False, 'categories': ['Definition Updates', 'Microsoft Defender Antivirus'],
     'title': 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.415.246.0)'},
)

# win_updates.ps1: "For backwards compatibility - allow the camel case names but internally use the full names"
# (a PowerShell `switch -exact`, which ignores case).
CATEGORY_NAMES = {
    'criticalupdates': 'Critical Updates',
    'definitionupdates': 'Definition Updates',
    'developerkits': 'Developer Kits',
    'featurepacks': 'Feature Packs',
    'securityupdates': 'Security Updates',
    'servicepacks': 'Service Packs',
    'updaterollups': 'Update Rollups',
}


def update_id(kb):
    """The UpdateID of a KB: deterministic, and the same on every node, as Windows Update's ids are."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, 'hvsim:update:%s' % kb))


def make_update(kb, title, categories, reboot_required=True, **extra):
    record = {'id': update_id(kb), 'kb': kb, 'title': title, 'categories': list(categories),
              'reboot_required': bool(reboot_required), 'downloaded': False, 'browse_only': False}
    record.update(extra)
    return record


def initial(index):
    """The ``updates`` of a preset node (1-based index): 2 or 3 available updates, none installed."""
    count = 3 if index % 2 == 1 else 2
    return {'available': [make_update(**entry) for entry in CATALOG[:count]], 'installed': []}


def node_updates(node):
    """The node's ``updates`` (created empty for a lab written before updates were modelled)."""
    updates = node.setdefault('updates', {})
    updates.setdefault('available', [])
    updates.setdefault('installed', [])
    return updates


def available_count(node):
    return len((node.get('updates') or {}).get('available') or [])


# --- the update-fail fault -----------------------------------------------------------------------------------------

def arm_update_fail(state, node_name):
    """Arm ``update-fail`` on a node (in the lab's armed-fault list, shared with the migration faults)."""
    state.arm_fault(UPDATE_FAIL, node_name)


def take_update_fail(state, node_name):
    """Consume an armed ``update-fail`` of the node; True when there was one."""
    return state.take_fault(UPDATE_FAIL, node_name) is not None


# --- one pass of the module ----------------------------------------------------------------------------------------

class SearchError(Exception):
    """An accept_list / reject_list entry that is not a valid regular expression."""


def category_names(names):
    return [CATEGORY_NAMES.get(str(name).lower(), str(name)) for name in (names or [])]


def _in_list(entries, patterns):
    """win_updates.ps1 Test-InList: no patterns match everything; else any entry -imatch any pattern."""
    if not patterns:
        return True
    for pattern in patterns:
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as error:
            # PowerShell's -imatch: a RuntimeException (InvalidRegularExpression).
            raise SearchError('The regular expression pattern %s is not valid.' % pattern) from error
        if any(compiled.search(entry) for entry in entries):
            return True
    return False


def update_info(update):
    """The search-result form of an update (Format-UpdateInfo, the keys the action plugin reads)."""
    return {'id': update['id'], 'title': update['title'], 'kb': [update['kb']],
            'categories': list(update['categories']), 'reboot_required': bool(update.get('reboot_required')),
            'browse_only': bool(update.get('browse_only')), 'is_hidden': bool(update.get('hidden'))}


def filter_reasons(update, options):
    """Why win_updates.ps1 skips an update (same reasons, same order), or [] when it selects it."""
    categories = category_names(options.get('category_names'))
    category_match = not categories or any(
        name == '*' or name.lower() in [category.lower() for category in update['categories']]
        for name in categories)
    match_list = [update['title'], update['kb']]
    reasons = []
    if not _in_list(match_list, options.get('accept_list') or []):
        reasons.append('accept_list')
    reject = options.get('reject_list') or []
    if reject and _in_list(match_list, reject):
        reasons.append('reject_list')
    if update.get('hidden'):
        reasons.append('hidden')
    if not category_match:
        reasons.append('category_names')
    if options.get('skip_optional') and update.get('browse_only'):
        reasons.append('skip_optional')
    return reasons


def run_pass(state, node_name, options, check_mode=False, failing=False):
    """One pass of win_updates.ps1 on a node; returns what its progress messages carry:

    ``{"updates": [info], "filtered": {id: [reasons]}, "selected": [id], "download_results": {id: {...}},
    "install_results": {id: {...}}, "changed", "reboot_required", "failed", "msg", "failing"}``

    ``options`` are the validated module options (state, category_names, accept_list, reject_list, skip_optional).
    ``failing``: the task already took an ``update-fail`` fault in an earlier pass; ``failing`` in the result says
    whether this pass's installs fail (the fault is taken here when the pass installs and none was taken yet).
    """
    node = state.node(node_name)
    updates = node_updates(node)
    rebooting = bool(node.get('pending_reboot'))
    result = {'updates': [], 'filtered': {}, 'selected': [], 'download_results': {}, 'install_results': {},
              'changed': False, 'reboot_required': rebooting, 'failed': False, 'msg': None, 'failing': failing}
    selected = []
    try:
        for update in updates['available']:
            result['updates'].append(update_info(update))
            reasons = filter_reasons(update, options)
            if reasons:
                result['filtered'][update['id']] = reasons
            else:
                selected.append(update)
    except SearchError as error:
        # The module's trap ends the pass before it reports the search result.
        result.update(updates=[], filtered={}, failed=True, msg=str(error))
        return result
    result['selected'] = [update['id'] for update in selected]

    state_option = options.get('state', 'installed')
    if check_mode or state_option == 'searched' or not selected:
        result['changed'] = bool(selected) and state_option != 'searched'
        return result
    if rebooting:
        result.update(failed=True, msg=REBOOT_PENDING_MSG)
        return result

    for update in selected:
        if not update.get('downloaded'):
            update['downloaded'] = True
            result['download_results'][update['id']] = {'result_code': SUCCEEDED, 'hresult': 0}
            result['changed'] = True
    if state_option == 'downloaded':
        return result

    failing = failing or take_update_fail(state, node['name'])
    result['failing'] = failing
    result['changed'] = True
    failed_ids = {selected[0]['id']} if failing else set()
    for update in selected:
        if update['id'] in failed_ids:
            result['install_results'][update['id']] = {'result_code': FAILED, 'hresult': INSTALLER_FAILURE,
                                                       'reboot_required': False}
            continue
        updates['available'].remove(update)
        updates['installed'].append(update)
        needs_reboot = bool(update.get('reboot_required'))
        result['install_results'][update['id']] = {'result_code': SUCCEEDED, 'hresult': 0,
                                                   'reboot_required': needs_reboot}
        if needs_reboot:
            node['pending_reboot'] = True
            result['reboot_required'] = True
    if failed_ids:
        result.update(failed=True, msg=INSTALL_FAILED_MSG)
        return result
    result['reboot_required'] = bool(node.get('pending_reboot'))
    return result
