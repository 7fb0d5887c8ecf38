# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_info: one read of the cluster the host belongs to."""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch

SUBSETS = ('nodes', 'quorum', 'csvs', 'networks', 'vm_groups')
_READS = {
    'nodes': ('Get-ClusterNode', _cluster.NODE_SELECT),
    'quorum': ('Get-ClusterQuorum', _cluster.QUORUM_SELECT),
    'csvs': ('Get-ClusterSharedVolume', _cluster.CSV_SELECT),
    'networks': ('Get-ClusterNetwork', _cluster.NETWORK_SELECT),
    'vm_groups': ('Get-ClusterGroup', _cluster.GROUP_SELECT),
}
_PARSERS = {
    'nodes': _cluster.parse_nodes,
    'quorum': _cluster.parse_quorum,
    'csvs': _cluster.parse_csvs,
    'networks': _cluster.parse_networks,
}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        gather_subset=dict(type='list', elements='str', default=['all'], choices=('all',) + SUBSETS),
        vms=dict(type='list', elements='str'),
        owner_nodes=dict(type='list', elements='str'),
    )

    def execute(self, params, host):
        subsets = set(SUBSETS) if 'all' in params['gather_subset'] else set(params['gather_subset'])
        batch = Batch('read')
        _cluster.add_cluster_read(batch)
        for subset in SUBSETS:
            if subset in subsets:
                cmdlet, select = _READS[subset]
                batch.call(subset, cmdlet, select=select)
        # Without the Failover Clustering module the node is simply not clustered.
        result = host.read(batch, missing_ok=batch.cmdlets)

        cluster = _cluster.parse_cluster(result, host.name)
        info = {'changed': False, 'clustered': cluster is not None, 'cluster': cluster}
        if cluster is None:
            info.update({subset: [] for subset in SUBSETS if subset != 'quorum'})
            info['quorum'] = None
            return info

        for subset in SUBSETS:
            if subset not in subsets:
                continue
            step = result[subset]
            if not step.ok:
                _cluster.raise_step_error('cluster %s' % cluster['name'], step, 'reading %s failed' % subset)
            if subset == 'vm_groups':
                info[subset] = self._vm_groups(step, params)
            else:
                info[subset] = _PARSERS[subset](step)
        return info

    @staticmethod
    def _vm_groups(step, params):
        groups = [_cluster.parse_group(row) for row in step.output if row.get('GroupType') == 'VirtualMachine']
        if params['vms']:
            groups = [group for group in groups if _cluster.matches_any(group['name'], params['vms'])]
        if params['owner_nodes']:
            owners = params['owner_nodes']
            groups = [group for group in groups if _cluster.matches_any(group['owner_node'] or '', owners)]
        return groups
