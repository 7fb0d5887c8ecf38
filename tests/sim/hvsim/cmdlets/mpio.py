"""MPIO cmdlets: MSDSM automatic claim per bus type and the global default load-balance policy. Semantics:
tests/sim/HOSTS.md ("MPIO").

A node's MPIO settings are ``nodes.*.mpio``: ``{"automatic_claim": {"iSCSI": bool, "SAS": bool},
"load_balance_policy": "None" | "FOO" | "RR" | "LQD" | "LB"}``. The cmdlets exist only where the Multipath-IO feature
is installed (``MODULE_FEATURES``: the runner answers *not recognized* elsewhere).
"""

from hvsim.cmdlets import cmdlet

BUS_TYPES = ('iSCSI', 'SAS')
POLICIES = ('None', 'FOO', 'RR', 'LQD', 'LB')
# What a node that never configured MPIO has: MSDSM claims no bus type, no global default policy.
DEFAULTS = {'automatic_claim': {'iSCSI': False, 'SAS': False}, 'load_balance_policy': 'None'}


def current(node):
    """The node's MPIO settings, the defaults where its record has none (labs made before it existed)."""
    record = node.get('mpio') or {}
    return {'automatic_claim': dict(DEFAULTS['automatic_claim'], **(record.get('automatic_claim') or {})),
            'load_balance_policy': record.get('load_balance_policy', DEFAULTS['load_balance_policy'])}


def _record(node):
    # Written back whole, so that a node without a record gets a complete one.
    node['mpio'] = current(node)
    return node['mpio']


def _canonical(value, choices):
    # The binder checked the value against the ValidateSet case-insensitively and passed it on as given.
    return next(choice for choice in choices if choice.lower() == str(value).lower())


def _claim(ctx, bus_type, claimed):
    node = ctx.state.node(ctx.node_name)
    claims = _record(node)['automatic_claim']
    bus_type = _canonical(bus_type, BUS_TYPES)
    if claims[bus_type] != claimed:
        claims[bus_type] = claimed
        # MSDSM claims (or releases) the bus type's disks at the next start (sim choice: the node reports a
        # pending restart, which ansible.windows.win_reboot clears).
        node['pending_reboot'] = True
    return []


@cmdlet('Get-MSDSMAutomaticClaimSettings')
def get_msdsm_automatic_claim_settings(ctx):
    # A hashtable of bus type -> claimed, as `$settings['iSCSI']` reads it on Windows.
    return [current(ctx.state.node(ctx.node_name))['automatic_claim']]


@cmdlet('Enable-MSDSMAutomaticClaim')
def enable_msdsm_automatic_claim(ctx, BusType=None):
    return _claim(ctx, BusType, True)


@cmdlet('Disable-MSDSMAutomaticClaim')
def disable_msdsm_automatic_claim(ctx, BusType=None):
    return _claim(ctx, BusType, False)


@cmdlet('Get-MSDSMGlobalDefaultLoadBalancePolicy')
def get_msdsm_global_default_load_balance_policy(ctx):
    return [current(ctx.state.node(ctx.node_name))['load_balance_policy']]


@cmdlet('Set-MSDSMGlobalDefaultLoadBalancePolicy')
def set_msdsm_global_default_load_balance_policy(ctx, Policy=None):
    _record(ctx.state.node(ctx.node_name))['load_balance_policy'] = _canonical(Policy, POLICIES)
    return []
