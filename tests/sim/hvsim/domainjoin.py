"""Domain membership of a simulated node: what microsoft.ad.membership (membership.ps1: Add-Computer,
Remove-Computer, Win32_ComputerSystem) does, with the restart a join needs before it takes effect.

State: ``nodes.*.domain`` is the domain the node works in (None: a workgroup server, ``nodes.*.workgroup``), which
the rest of the simulator reads (clusters, Kerberos accounts, facts). A join or a leave is recorded at once in
``nodes.*.membership_pending`` = ``{"domain": name or None, "workgroup": name or None}``, the membership
Win32_ComputerSystem already reports, sets ``pending_reboot`` and takes effect when the node restarts
(``complete_pending``, called by ``hvsim.power.reboot``). A join creates the computer object at once
(``domain.computers``, upper-case name), as Add-Computer does.

Rules (``tests/sim/HOSTS.md``, section *Domain membership*):

- Credentials are those of an enabled AD user (``domain.users``) given as ``CORP\\user``, ``user@corp.example.com`` or
  ``user``; any domain user may join computers (the default machine account quota) **(sim choice: no quota)**.
  ``CORP\\svc-join`` (``software.JOIN_ACCOUNT``) is the lab's join account. A wrong password or unknown user fails
  with Add-Computer's *The user name or password is incorrect.*; nothing changes.
- Another DNS domain than the lab's, a ``domain_server`` outside it, or the ``domain-unreachable`` fault armed on the
  node fail with *The specified domain either does not exist or could not be contacted.*; nothing changes.
- ``domain_ou_path`` must lie in the lab's domain (``...,DC=corp,DC=example,DC=com``), else Add-Computer's
  ERROR_FILE_NOT_FOUND text with the module's hint.
- Check mode reports the change without checking anything (Add-Computer ``-WhatIf`` contacts no domain).
- Leaving a domain (``state: workgroup``) checks the credentials too **(sim wording of the error)**.
- Renaming the host (``hostname`` other than the node's name) and offline join blobs are not simulated (the task
  fails saying so).
"""

from hvsim import registry, software
from hvsim.state import _find

DOMAIN_UNREACHABLE = 'domain-unreachable'
DEFAULT_WORKGROUP = 'WORKGROUP'
BAD_CREDENTIALS = 'The user name or password is incorrect.'
NO_DOMAIN = 'The specified domain either does not exist or could not be contacted.'
FILE_NOT_FOUND = 'The system cannot find the file specified.'


class MembershipError(Exception):
    """membership.ps1 fails with this message; nothing changed."""


# --- the domain-unreachable fault -----------------------------------------------------------------------------------

def arm_unreachable(state, node_name):
    """From now on (until ``lab fault DIR clear``) the node cannot reach the domain's controllers."""
    if state.node(node_name) is None:
        raise ValueError('no node %s in the lab' % node_name)
    if not domain_unreachable(state, node_name):
        state.arm_fault(DOMAIN_UNREACHABLE, node_name)


def domain_unreachable(state, node_name):
    return state.has_fault(DOMAIN_UNREACHABLE, node_name)


# --- membership ----------------------------------------------------------------------------------------------------

def configured(node):
    """The membership Win32_ComputerSystem reports: ``(domain or None, workgroup or None)``, a pending one included."""
    pending = node.get('membership_pending')
    if pending is not None:
        return pending.get('domain'), pending.get('workgroup')
    if node.get('domain'):
        return node['domain'], None
    return None, node.get('workgroup') or DEFAULT_WORKGROUP


def _authenticate(domain, user, password):
    """The AD user a credential names, if its password is right; else None."""
    prefix, name = software.split_account(str(user or ''))
    if prefix is not None and prefix.lower() not in ((domain.get('netbios') or '').lower(),
                                                     (domain.get('name') or '').lower()):
        return None
    record = (domain.get('users') or {}).get(name.lower())
    if record is None or not record.get('enabled', True):
        return None
    if record.get('password_sha256') != software.sha256(str(password or '')):
        return None
    return record


def _dn_suffix(dns_name):
    return ','.join('DC=%s' % part for part in dns_name.split('.')).lower()


def _join_error(node, dns_name, workgroup, reason):
    return MembershipError("Computer '%s' failed to join domain '%s' from its current workgroup '%s' with following "
                           "error message: %s" % (node['name'], dns_name, workgroup, reason))


def _check_join(state, node, params, workgroup):
    domain = state.data.get('domain') or {}
    dns_name = params['dns_domain_name']
    lab_domain = (domain.get('name') or '').lower()
    server = (params.get('domain_server') or '').lower()
    if (str(dns_name).lower() != lab_domain or domain_unreachable(state, node['name'])
            or (server and server != lab_domain and not server.endswith('.' + lab_domain))):
        raise _join_error(node, dns_name, workgroup, NO_DOMAIN)
    if _authenticate(domain, params.get('domain_admin_user'), params.get('domain_admin_password')) is None:
        raise _join_error(node, dns_name, workgroup, BAD_CREDENTIALS)
    ou_path = params.get('domain_ou_path')
    if ou_path and not ou_path.replace(' ', '').lower().endswith(_dn_suffix(domain['name'])):
        raise MembershipError('%s Check domain_ou_path is pointing to a valid OU in the target domain.' % _join_error(
            node, dns_name, workgroup, FILE_NOT_FOUND))
    return domain['name']


def membership(state, node_name, params, check_mode):
    """microsoft.ad.membership's module on the node: returns ``{changed, reboot_required, diff}``; raises
    MembershipError (nothing changed)."""
    node = state.node(node_name)
    if params.get('offline_join_blob'):
        raise MembershipError('the simulated microsoft.ad.membership does not model offline join blobs')
    hostname = params.get('hostname') or node['name']
    if hostname.lower() != node['name'].lower():
        raise MembershipError('the simulated microsoft.ad.membership does not model renaming the host (hostname %s on '
                              'node %s)' % (hostname, node['name']))
    current_domain, current_workgroup = configured(node)
    before = {'dns_domain_name': current_domain, 'hostname': node['name'],
              'state': 'domain' if current_domain else 'workgroup', 'workgroup_name': current_workgroup}
    result = {'changed': False, 'reboot_required': False}
    wanted = None
    if params['state'] == 'domain':
        if (params.get('dns_domain_name') or '').lower() != (current_domain or '').lower():
            if current_domain:
                raise MembershipError("Host is already joined to '%s', switching domains is not implemented"
                                      % current_domain)
            # Add-Computer -WhatIf checks nothing: in check mode a join with a bad password reports a change.
            dns_name = (state.data['domain']['name'] if check_mode
                        else _check_join(state, node, params, current_workgroup))
            wanted = {'domain': dns_name, 'workgroup': None}
    elif (params.get('workgroup_name') or '') != (current_workgroup or ''):
        if current_domain and not check_mode and _authenticate(
                state.data.get('domain') or {}, params.get('domain_admin_user'),
                params.get('domain_admin_password')) is None:
            raise MembershipError("Failed to unjoin computer '%s' from domain '%s' with the following error message: "
                                  "%s" % (node['name'], current_domain, BAD_CREDENTIALS))
        wanted = {'domain': None, 'workgroup': params['workgroup_name']}
    if wanted is not None:
        result.update(changed=True, reboot_required=True)
        if not check_mode:
            _record(state, node, wanted)
    result['diff'] = {'before': before, 'after': {'dns_domain_name': params.get('dns_domain_name'),
                                                  'hostname': hostname, 'state': params['state'],
                                                  'workgroup_name': params.get('workgroup_name')}}
    return result


def _record(state, node, wanted):
    if wanted['domain']:
        computers = state.data['domain'].setdefault('computers', [])
        if _find({name: None for name in computers}, node['name']) is None:
            computers.append(node['name'].upper())
    effective = (node.get('domain'), None if node.get('domain') else node.get('workgroup') or DEFAULT_WORKGROUP)
    if (wanted['domain'], wanted['workgroup']) == effective:
        node.pop('membership_pending', None)     # back to what the node runs with: nothing waits
    else:
        node['membership_pending'] = wanted
    node['pending_reboot'] = True


def complete_pending(state, node):
    """At a restart: a pending join or leave takes effect. Returns True when the membership changed."""
    pending = node.pop('membership_pending', None)
    if pending is None:
        return False
    domain = state.data.get('domain') or {}
    node['domain'] = pending['domain']
    node['workgroup'] = pending['workgroup']
    node['fqdn'] = '%s.%s' % (node['name'], pending['domain']) if pending['domain'] else node['name']
    admins = node.setdefault('local_groups', {}).setdefault('Administrators', [])
    domain_admins = '%s\\Domain Admins' % domain.get('netbios')
    if pending['domain'] and domain_admins not in admins:
        admins.append(domain_admins)
    elif not pending['domain'] and domain_admins in admins:
        admins.remove(domain_admins)
    # A domain member takes its time from the domain hierarchy; a workgroup server from NTP.
    registry.set_value(node, registry.W32TIME_PARAMETERS, 'Type', 'String', 'NT5DS' if pending['domain'] else 'NTP')
    return True
