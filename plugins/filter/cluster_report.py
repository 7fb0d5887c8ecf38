# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter of playbooks/cluster_report.yml: what the page shows, computed in Python (plugin_utils/_cluster_report.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster_report


def cluster_report(records, csv_warning_percent=None, csv_critical_percent=None, headroom_warning_percent=None,
                   vm_list_limit=None):
    if not isinstance(records, (list, tuple)) or not all(isinstance(record, dict) for record in records):
        raise AnsibleFilterError('cluster_report expects a list of host records {host, cluster, answers, host_info, '
                                 'cluster_info, cluster_capacity}')
    return _cluster_report.build(records, {
        'csv_warning_percent': csv_warning_percent, 'csv_critical_percent': csv_critical_percent,
        'headroom_warning_percent': headroom_warning_percent, 'vm_list_limit': vm_list_limit})


class FilterModule:
    def filters(self):
        return {'cluster_report': cluster_report}
