# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_quorum: the quorum witness of the cluster the target node belongs to.

Every decision is in ``execute``: one read (nodes, Get-ClusterQuorum, the witness resource's parameters), the
comparison in Python the way Windows Server 2016+ reports quorum (``Majority`` plus the witness resource's type, never
``NodeAndFileShareMajority``; the legacy disk-only mode as ``DiskOnly`` with its disk as QuorumResource), at most one
write.

``witness: auto`` takes the witness whose settings are given, whatever the node count (a witness is always
recommended); with none given it keeps what the cluster has, and warns when the node count is even without a witness.
It never picks disk only.
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, ref
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import InvalidInputError

WITNESSES = ('auto', 'none', 'file_share', 'cloud', 'disk', 'disk_only')
# witness=auto without any witness setting: the cluster's quorum is left as it is.
KEEP = 'keep'
QUORUM_SELECT = _cluster.QUORUM_SELECT


def _same_path(left, right):
    return str(left or '').rstrip('\\').lower() == str(right or '').rstrip('\\').lower()


def _wanted(params, label):
    """The witness asked for: 'none', 'file_share', 'cloud', 'disk', 'disk_only', or KEEP (``auto`` with no witness
    setting given)."""
    witness = params['witness']
    share, account, disk = params['file_share_path'], params['cloud_account_name'], params['disk_resource']
    if witness == 'auto':
        given = [name for name, value in (('file_share_path', share), ('cloud_account_name', account),
                                          ('disk_resource', disk)) if value]
        if len(given) > 1:
            raise InvalidInputError(label, '%s are given, and a cluster has one witness' % ' and '.join(given),
                                    'Give one of them, or set witness explicitly.')
        # A given disk is a disk witness: auto never picks the disk-only mode, which Microsoft does not recommend.
        witness = 'file_share' if share else ('cloud' if account else ('disk' if disk else KEEP))
    if witness == 'file_share' and not share:
        raise InvalidInputError(label, 'witness=file_share needs file_share_path',
                                'Give the UNC path of a folder every node reaches, e.g. \\\\fs01\\witness\\hvc1.')
    if witness == 'file_share' and not str(share).startswith('\\\\'):
        raise InvalidInputError(label, 'file_share_path %r is not a UNC path' % share,
                                'Give \\\\SERVER\\SHARE\\FOLDER: a file share witness lives on a server outside '
                                'the cluster.')
    if witness in ('disk', 'disk_only') and not disk:
        raise InvalidInputError(label, 'witness=%s needs disk_resource' % witness,
                                'Give the name of a clustered disk in Available Storage (hyperv.cluster.cluster_disk '
                                'with csv: false).')
    if witness == 'cloud' and not (account and params['cloud_access_key']):
        raise InvalidInputError(label, 'witness=cloud needs cloud_account_name and cloud_access_key',
                                'Give the Azure storage account name and one of its access keys.')
    allowed = {KEEP: (), 'none': (), 'file_share': ('file_share_path',), 'disk': ('disk_resource',),
               'disk_only': ('disk_resource',),
               'cloud': ('cloud_account_name', 'cloud_access_key', 'cloud_endpoint')}[witness]
    others = [name for name in ('file_share_path', 'cloud_account_name', 'cloud_access_key', 'cloud_endpoint',
                                'disk_resource')
              if params[name] and name not in allowed]
    if others:
        raise InvalidInputError(label, '%s do%s not apply to witness=%s' % (
            ', '.join(others), 'es' if len(others) == 1 else '', params['witness'] if witness == KEEP else witness),
            'Remove %s.' % ', '.join(others))
    return witness


def _describe(quorum, parameters):
    view = {'mode': quorum['mode'], 'witness_type': quorum['witness_type'],
            'witness_resource': quorum['witness_resource'], 'share_path': None, 'account_name': None}
    if quorum['witness_type'] == 'file_share':
        view['share_path'] = parameters.get('sharepath')
    elif quorum['witness_type'] == 'cloud':
        view['account_name'] = parameters.get('accountname')
        view['endpoint'] = parameters.get('endpointinfo')
    return view


def _expected(wanted, params):
    """The quorum as Get-ClusterQuorum will describe it once the wanted witness is set."""
    disk = params['disk_resource']
    view = {'mode': {'none': 'node_majority', 'file_share': 'node_and_file_share_majority',
                     'cloud': 'node_and_cloud_majority', 'disk': 'node_and_disk_majority',
                     'disk_only': 'disk_only'}[wanted],
            'witness_type': 'disk' if wanted == 'disk_only' else wanted,
            'witness_resource': {'none': None, 'file_share': 'File Share Witness', 'cloud': 'Cloud Witness',
                                 'disk': disk, 'disk_only': disk}[wanted],
            'share_path': params['file_share_path'] if wanted == 'file_share' else None,
            'account_name': params['cloud_account_name'] if wanted == 'cloud' else None}
    if wanted == 'cloud':
        view['endpoint'] = params['cloud_endpoint'] or 'core.windows.net'
    return view


def _warnings(cluster_name, node_count, wanted, quorum):
    """What is risky about ``quorum`` (the quorum as it is after the task)."""
    if quorum['mode'] == 'disk_only':
        return ['cluster %s uses the disk-only quorum: its disk %s is a single point of failure for the whole '
                'cluster (when the disk fails or no node reaches it, the cluster stops however many nodes are up), '
                'and Microsoft does not recommend this mode. Use witness=disk with the same disk_resource (node '
                'majority with a disk witness) instead.' % (cluster_name, quorum['witness_resource'])]
    if quorum['witness_type'] != 'none' or node_count % 2:
        return []
    why = ('cluster %s has %d nodes and no witness: when half of them are lost, the other half stops too.'
           % (cluster_name, node_count))
    if wanted == KEEP:
        return ['%s witness=auto picks a witness only from its settings, and none were given: give '
                'file_share_path, cloud_account_name with cloud_access_key, or disk_resource.' % why]
    return ['%s Give file_share_path, a cloud witness or disk_resource.' % why]


def _parameters(step):
    return {str(row.get('Name')).lower(): row.get('Value') for row in step.output} if step.ok else {}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        witness=dict(type='str', default='auto', choices=list(WITNESSES)),
        file_share_path=dict(type='str'),
        cloud_account_name=dict(type='str'),
        cloud_access_key=dict(type='str', no_log=True),
        cloud_endpoint=dict(type='str'),
        update_access_key=dict(type='bool', default=False),
        disk_resource=dict(type='str'),
    )

    def execute(self, params, host):
        label = 'cluster quorum'
        wanted = _wanted(params, label)
        read = Batch('read')
        _cluster.add_cluster_read(read)
        read.call('nodes', 'Get-ClusterNode', select=['Name', 'State'])
        read.call('quorum', 'Get-ClusterQuorum', select=QUORUM_SELECT)
        read.call('witness', 'Get-ClusterParameter', {'InputObject': ref('quorum', 'QuorumResource')},
                  select=['Name', 'Value'])
        found = host.read(read)
        cluster = _cluster.require_cluster(found, host.name, 'configure the quorum of a cluster', subject=label)
        label = 'cluster %s' % cluster['name']
        for step_id in ('nodes', 'quorum'):
            if not found[step_id].ok:
                _cluster.raise_step_error(label, found[step_id], 'reading %s failed' % step_id)
        before = _describe(_cluster.parse_quorum(found['quorum']), _parameters(found['witness']))
        calls = self._plan(wanted, before, params)
        after = _expected(wanted, params) if calls else before
        warnings = _warnings(cluster['name'], len(found['nodes'].output), wanted, after)
        if not calls:
            return self._outcome(False, before, before, warnings)
        if self.check_mode:
            return self._outcome(True, before, after, warnings)
        write = Batch('write')
        for index, parameters in enumerate(calls):
            write.call('set_%d' % index, 'Set-ClusterQuorum', parameters, select=['QuorumType'])
        write.call('final', 'Get-ClusterQuorum', select=QUORUM_SELECT)
        write.call('final_witness', 'Get-ClusterParameter', {'InputObject': ref('final', 'QuorumResource')},
                   select=['Name', 'Value'])
        done = host.write(write)
        if done.failed_steps:
            fix = ('Create the share (on a server outside the cluster), give the cluster name object (%s$) '
                   'Full Control on its folder, and rerun.' % cluster['name'].upper()
                   if wanted == 'file_share' else 'Fix the cause above and rerun.')
            what = 'the disk-only quorum' if wanted == 'disk_only' else 'the %s witness' % wanted.replace('_', ' ')
            _cluster.raise_step_error(label, done.failed_steps[0], 'setting %s failed' % what, fix, quorum=before)
        final = _describe(_cluster.parse_quorum(done['final']), _parameters(done['final_witness']))
        return self._outcome(True, before, final, warnings)

    @staticmethod
    def _plan(wanted, before, params):
        """The Set-ClusterQuorum calls that bring ``before`` to the wanted witness (none when it is there)."""
        if wanted == KEEP:
            return []
        if wanted == 'none':
            return [] if before['mode'] == 'node_majority' else [{'NoWitness': True}]
        if wanted in ('disk', 'disk_only'):
            # The same disk in the other mode is a change: Get-ClusterQuorum's QuorumType (Majority or DiskOnly)
            # tells a disk witness from the disk-only quorum.
            mode = 'node_and_disk_majority' if wanted == 'disk' else 'disk_only'
            if before['mode'] == mode and _cluster.same_name(before['witness_resource'], params['disk_resource']):
                return []
            return [{'DiskWitness' if wanted == 'disk' else 'DiskOnly': params['disk_resource']}]
        if wanted == 'file_share':
            if before['witness_type'] == 'file_share' and before['mode'] != 'disk_only' and _same_path(
                    before['share_path'], params['file_share_path']):
                return []
            return [{'FileShareWitness': params['file_share_path']}]
        cloud = {'CloudWitness': True, 'AccountName': params['cloud_account_name'],
                 'AccessKey': params['cloud_access_key']}
        if params['cloud_endpoint']:
            cloud['Endpoint'] = params['cloud_endpoint']
        if before['witness_type'] == 'cloud':
            same = str(before.get('account_name') or '').lower() == params['cloud_account_name'].lower() and (
                not params['cloud_endpoint'] or str(before.get('endpoint') or '').lower()
                == params['cloud_endpoint'].lower())
            if same and not params['update_access_key']:
                return []
            # A second cloud witness cannot be created next to the first (FailoverClusterDsc #197).
            return [{'NoWitness': True}, cloud]
        return [cloud]

    @staticmethod
    def _outcome(changed, before, after, warnings):
        result = {'changed': changed, 'quorum': after, 'diff': {'before': before, 'after': after}}
        if warnings:
            result['warnings'] = list(warnings)
        return result
