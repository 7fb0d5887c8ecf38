# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.mpio: MSDSM automatic claim per bus type and the global default load-balance policy of a node.

Every decision is in ``execute``: one read (Get-MSDSMAutomaticClaimSettings, Get-MSDSMGlobalDefaultLoadBalancePolicy),
the differences in Python, at most one write. Only the bus types and settings given are managed. MSDSM claims the
disks of a bus type when the node next starts, so a claim change reports ``reboot_required``.
"""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import InvalidInputError, MissingCommandError

# The bus types Enable-MSDSMAutomaticClaim -BusType accepts, and the policies of
# Set-MSDSMGlobalDefaultLoadBalancePolicy -Policy (None clears the default), as the cmdlet reference spells them.
BUS_TYPES = ('iSCSI', 'SAS')
POLICIES = ('None', 'FOO', 'RR', 'LQD', 'LB')
READ_CMDLETS = ('Get-MSDSMAutomaticClaimSettings', 'Get-MSDSMGlobalDefaultLoadBalancePolicy')


def _bus_type(name, label):
    for bus_type in BUS_TYPES:
        if str(name).lower() == bus_type.lower():
            return bus_type
    raise InvalidInputError(label, 'automatic_claim has the bus type %r, which MSDSM does not claim automatically'
                            % name, 'Give %s (each true or false).' % ' or '.join(BUS_TYPES))


def _wanted_claims(value, label):
    wanted = {}
    for name, claimed in (value or {}).items():
        try:
            wanted[_bus_type(name, label)] = boolean(claimed, strict=True)
        except TypeError as error:
            raise InvalidInputError(label, 'automatic_claim.%s is %r, not true or false' % (name, claimed),
                                    'Give true to claim the bus type, false to release it.') from error
    return wanted


def _claims(step):
    """{bus type: claimed} from Get-MSDSMAutomaticClaimSettings: a hashtable (converted to one dict), or Name/Value
    rows should a Windows version return it as a table of objects."""
    table = {}
    for row in step.output:
        if isinstance(row, dict) and {'Name', 'Value'} <= set(row):
            table[row['Name']] = row['Value']
        elif isinstance(row, dict):
            table.update(row)
    claims = {bus_type: False for bus_type in BUS_TYPES}
    for name, claimed in table.items():
        for bus_type in BUS_TYPES:
            if str(name).lower() == bus_type.lower():
                claims[bus_type] = claimed is True or str(claimed).lower() == 'true'
    return claims


def _read(batch, suffix=''):
    batch.call('claims' + suffix, READ_CMDLETS[0])
    batch.call('policy' + suffix, READ_CMDLETS[1])
    return batch


def _view(result, suffix=''):
    policy = result['policy' + suffix].first()
    return {'automatic_claim': _claims(result['claims' + suffix]),
            'load_balance_policy': str(policy) if policy else 'None'}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        automatic_claim=dict(type='dict'),
        load_balance_policy=dict(type='str', choices=list(POLICIES)),
    )

    def execute(self, params, host):
        label = 'MPIO on %s' % host.name
        wanted_claims = _wanted_claims(params['automatic_claim'], label)

        found = host.read(_read(Batch('read')), missing_ok=READ_CMDLETS)
        for step in found:
            if any(error.is_command_not_found for error in step.errors):
                raise MissingCommandError(
                    label, "the MPIO cmdlets are not available (%s is not recognized): the Multipath-IO feature is "
                    "not installed, or its installation waits for a restart" % step.cmdlet,
                    'Install the Multipath-IO feature (ansible.windows.win_feature), restart the node '
                    '(ansible.windows.win_reboot) and rerun; the cluster_prereqs role does both.')
            if not step.ok:
                _cluster.raise_step_error(label, step, 'reading the MPIO settings failed', 'Check the node and rerun.')
        before = _view(found)
        after = {'automatic_claim': dict(before['automatic_claim']),
                 'load_balance_policy': before['load_balance_policy']}

        write = Batch('write')
        for bus_type, claimed in wanted_claims.items():
            if before['automatic_claim'][bus_type] != claimed:
                write.call('claim_%s' % bus_type.lower(),
                           'Enable-MSDSMAutomaticClaim' if claimed else 'Disable-MSDSMAutomaticClaim',
                           {'BusType': bus_type})
                after['automatic_claim'][bus_type] = claimed
        claims_changed = bool(write.steps)
        policy = params['load_balance_policy']
        if policy is not None and policy != before['load_balance_policy']:
            write.call('policy', 'Set-MSDSMGlobalDefaultLoadBalancePolicy', {'Policy': policy})
            after['load_balance_policy'] = policy

        # MSDSM claims or releases a bus type's disks when the node next starts (Update-MPIOClaimedHW: "if not
        # successful, it indicates that a restart is required"); a policy applies to disks claimed after it is set.
        result = {'changed': bool(write.steps), 'reboot_required': claims_changed, 'mpio': after,
                  'diff': {'before': before, 'after': after}}
        if not write.steps or self.check_mode:
            return result
        done = host.write(_read(write, '_final'))
        if done.failed_steps:
            claimed = any(step.ok for step in done if step.id.startswith('claim_'))
            _cluster.raise_step_error(label, done.failed_steps[0], 'changing the MPIO settings failed',
                                      'Fix the cause and rerun.', mpio=before, reboot_required=claimed)
        final = _view(done, '_final')
        result.update(mpio=final, diff={'before': before, 'after': final})
        return result
