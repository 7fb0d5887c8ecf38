# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the cluster_prereqs role: its cross-node decisions, in Python (plugin_utils/_host_check.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _host_check


def cluster_prereqs_os_outliers(nodes):
    """{node: message} for the nodes whose OS differs from their peers'; ``nodes`` is {node: host_check facts.os}."""
    if not isinstance(nodes, dict) or not all(isinstance(value, dict) for value in nodes.values()):
        raise AnsibleFilterError('cluster_prereqs_os_outliers expects a dict {node: the os facts host_check returned}')
    return _host_check.os_outliers(nodes)


class FilterModule:
    def filters(self):
        return {'cluster_prereqs_os_outliers': cluster_prereqs_os_outliers}
