# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.host_check: does this node meet what a Hyper-V cluster node needs? Read-only.

One read: the processors, OS and computer system from CIM (SLAT, VT and DEP exist nowhere else), the system volume
and the physical adapters. The requirements are judged in ``plugin_utils/_host_check.py``; every unmet one is
reported in the same failure, so a node is fixed in one go rather than one BIOS trip per run.
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster, _host_check
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import InvalidInputError, PreconditionError

PROCESSOR_SELECT = ['Name', 'SecondLevelAddressTranslationExtensions', 'VMMonitorModeExtensions',
                    'VirtualizationFirmwareEnabled']
OS_SELECT = ['Caption', 'Version', 'BuildNumber', 'OperatingSystemSKU', 'OSArchitecture', 'SystemDrive',
             'DataExecutionPrevention_Available']
COMPUTER_SELECT = ['Name', 'Domain', 'PartOfDomain', 'TotalPhysicalMemory', 'HypervisorPresent']


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        min_memory_gb=dict(type='int', default=4),
        min_system_volume_gb=dict(type='int', default=32),
        min_system_free_gb=dict(type='int', default=10),
        min_nics=dict(type='int', default=1),
        fail_on_unmet=dict(type='bool', default=True),
    )

    def execute(self, params, host):
        label = 'node %s' % host.name
        for option in ('min_memory_gb', 'min_system_volume_gb', 'min_system_free_gb', 'min_nics'):
            if params[option] < 0:
                raise InvalidInputError(label, '%s cannot be negative (got %d)' % (option, params[option]),
                                        'Give 0 to skip that requirement.')
        read = Batch('read')
        read.cim('processors', 'Win32_Processor', PROCESSOR_SELECT)
        read.cim('os', 'Win32_OperatingSystem', OS_SELECT)
        read.cim('computer', 'Win32_ComputerSystem', COMPUTER_SELECT)
        read.call('volumes', 'Get-Volume', select=['DriveLetter', 'Size', 'SizeRemaining'])
        read.call('adapters', 'Get-NetAdapter', {'Physical': True}, select=['Name'])
        found = host.read(read)
        for step in found:
            if not step.ok:
                _cluster.raise_step_error(label, step, 'reading the hardware facts failed',
                                          'Check that the node answers CIM queries (the WinMgmt service runs).')
        processors = found['processors'].output
        facts = _host_check.node_facts(processors, found['os'].first() or {}, found['computer'].first() or {},
                                       found['volumes'].output, found['adapters'].output)
        unmet, warnings = _host_check.requirements(
            facts, params['min_memory_gb'], params['min_system_volume_gb'], params['min_system_free_gb'],
            params['min_nics'], raw_processors=processors)
        result = {'changed': False, 'facts': facts, 'unmet': unmet, 'passed': not unmet}
        if warnings:
            result['warnings'] = warnings
        if unmet and params['fail_on_unmet']:
            raise PreconditionError(
                label, 'does not meet %d requirement(s) of a Hyper-V cluster node: %s'
                % (len(unmet), '; '.join('%s - found %s' % (item['requirement'], item['found']) for item in unmet)),
                'Fix: %s' % ' '.join(dict.fromkeys(item['fix'] for item in unmet)), **result)
        return result
