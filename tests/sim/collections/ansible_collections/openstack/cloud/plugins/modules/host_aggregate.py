# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: host_aggregate
short_description: Simulated twin of openstack.cloud.host_aggregate (hyperv.cluster tests only)
description:
  - Creates, updates and deletes host aggregates of the lab's OpenStack controller (C(hvsim.openstack)), with the
    real module's logic (C(purge_hosts), availability zone kept in the metadata, check mode reports only
    C(changed)).
  - Connection options as openstacksdk reads them, C(cloud) must be a cloud the lab's clouds.yaml names
    (C(openstack.clouds) in the lab state), or C(auth) must carry C(auth_url).
  - Hosts must be compute services registered with nova (a nova-compute that started on the node), as nova
    requires; the first unknown host fails the call with nova's 404, hosts added before it stay.
  - Runs only on the controller (C(localhost) of the lab inventory, interpreter C(LAB/bin/python-controller)); on a
    simulated Windows node it fails, as a Python module would.
  - Arguments are validated against the real module's argument spec snapshot.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: One aggregate per cluster
  openstack.cloud.host_aggregate:
    cloud: lab
    name: hvc1
    hosts: [hv1, hv2, hv3]
    availability_zone: hyperv
  delegate_to: localhost
"""

RETURN = r"""
aggregate:
  description: The aggregate, as openstacksdk's Aggregate.to_dict(computed=False).
  returned: success, when state is present and not in check mode
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import openstack
from hvsim.state import LabState
from hvsim.twin import TwinError, run_twin

FQCN = 'openstack.cloud.host_aggregate'


def handle(module, lab_dir, node):
    if node != openstack.CONTROLLER:
        raise TwinError('%s is a Python module talking to the OpenStack APIs: run it on the controller '
                        '(delegate_to: localhost), not on Windows node %s' % (FQCN, node))
    try:
        with LabState.open(lab_dir) as state:
            return openstack.host_aggregate(state, module.params, module.check_mode)
    except openstack.OpenStackError as error:
        return dict(changed=False, failed=True, msg=str(error))


def main():
    run_twin(FQCN, handle, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
