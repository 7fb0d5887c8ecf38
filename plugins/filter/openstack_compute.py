# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the openstack_compute role: its checks and decisions, in Python (plugin_utils/_openstack_compute.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _openstack_compute


def openstack_compute_input_problems(settings):
    if not isinstance(settings, dict):
        raise AnsibleFilterError('openstack_compute_input_problems expects a dict of the role settings')
    return _openstack_compute.input_problems(settings)


def openstack_compute_plan(nodes, remove_unused_base_images='auto'):
    if not isinstance(nodes, dict):
        raise AnsibleFilterError('openstack_compute_plan expects a dict {host: what the node reported}')
    return _openstack_compute.plan(nodes, remove_unused_base_images)


class FilterModule:
    def filters(self):
        return {
            'openstack_compute_input_problems': openstack_compute_input_problems,
            'openstack_compute_plan': openstack_compute_plan,
        }
