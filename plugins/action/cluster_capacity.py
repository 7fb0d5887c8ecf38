# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_capacity: would the cluster keep its highly available VMs running after losing nodes?

One read (nodes, quorum, groups, every node's memory and VMs); the verdict is ``_capacity.failure_scenarios``.
The module only reads: it changes nothing and never fails on a "no" - the caller decides (assert, warn).
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _capacity
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import InvalidInputError

MB = _capacity.MB


def _scenario(scenario):
    return {'lost_nodes': scenario['lost'], 'quorum': scenario['quorum'], 'unplaced_vms': scenario['unplaced'],
            'unplaced_mb': _capacity.to_mb(scenario['unplaced_bytes']),
            'free_after_mb': _capacity.to_mb(scenario['free_after'])}


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        failures=dict(type='int', default=1),
        host_memory_reserve_mb=dict(type='int', default=_capacity.DEFAULT_HOST_RESERVE_MB),
        vm_overhead=dict(type='bool', default=True),
    )

    def execute(self, params, host):
        label = 'cluster capacity'
        if params['failures'] < 1:
            raise InvalidInputError(label, 'failures must be 1 or more (got %d)' % params['failures'],
                                    'Give how many nodes the cluster must be able to lose at once.')
        if params['host_memory_reserve_mb'] < 0:
            raise InvalidInputError(label, 'host_memory_reserve_mb cannot be negative (got %d)'
                                    % params['host_memory_reserve_mb'],
                                    'Give the memory in MB to keep free on every node, 0 or more.')
        read = Batch('read')
        _capacity.add_guard_reads(read)
        found = host.read(read)
        cluster, nodes, groups = _capacity.parse_guard_reads(found, host.name, 'check the capacity of a cluster',
                                                             label)
        names = [node['name'] for node in nodes]
        capacity = _capacity.parse_capacity(found['vmhosts'], names)
        vms = _capacity.parse_vms(found['vms'], names)
        quorum_row = found['quorum'].first() or {}
        reserve = params['host_memory_reserve_mb'] * MB
        try:
            verdict = _capacity.failure_scenarios(
                nodes, capacity, vms, groups, params['failures'], reserve, params['vm_overhead'],
                _capacity.witness_of(quorum_row), quorum_row.get('QuorumType'))
        except ValueError as error:
            raise InvalidInputError('cluster %s' % cluster['name'], 'failures=%d means checking %s'
                                    % (params['failures'], error),
                                    'Check fewer simultaneous failures (at most %d combinations are checked).'
                                    % _capacity.MAX_SCENARIOS) from error
        return {
            'changed': False,
            'cluster': cluster['name'],
            'survives': verdict['survives'],
            'failures': params['failures'],
            'host_memory_reserve_mb': params['host_memory_reserve_mb'],
            'vm_overhead': params['vm_overhead'],
            'scenarios_checked': verdict['scenarios'],
            'failing_scenarios': [_scenario(scenario) for scenario in verdict['failing']],
            'worst_scenario': _scenario(verdict['worst']) if verdict['worst'] else None,
            'ha_vms': verdict['ha_vms'],
            'not_restarted_vms': verdict['not_restarted'],
            'nodes': self._nodes(nodes, capacity, vms, params['vm_overhead']),
            # Up nodes whose memory Get-VMHost did not report: counted as full, they take no VM.
            'unknown_memory_nodes': sorted(node['name'] for node in nodes
                                           if node['state'] == 'Up' and capacity.get(node['name']) is None),
        }

    @staticmethod
    def _nodes(nodes, capacity, vms, overhead):
        # parse_vms has already put each VM on its node's name as the cluster spells it.
        used = _capacity.used_memory(vms, overhead)
        rows = []
        for node in nodes:
            total = capacity.get(node['name'])
            mine = used.get(node['name'].lower(), 0)
            rows.append({'name': node['name'], 'state': node['state'], 'memory_mb': _capacity.to_mb(total),
                         'used_mb': _capacity.to_mb(mine),
                         'free_mb': None if total is None else _capacity.to_mb(total - mine)})
        return rows
