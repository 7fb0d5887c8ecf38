# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: membership
short_description: Simulated twin of microsoft.ad.membership (hyperv.cluster tests only)
description:
  - Joins a simulated node to the lab's domain or moves it to a workgroup (C(hvsim.domainjoin)), following
    membership.ps1 (Add-Computer, Remove-Computer). The change is recorded at once (the computer object exists, a
    second run reports no change) and takes effect when the node restarts, so the module returns C(reboot_required).
  - As the real collection, an action plugin (plugins/action/membership.py) runs this module and, with
    C(reboot=true), restarts the node when C(reboot_required) is returned.
  - A wrong password fails with Add-Computer's message and changes nothing; so does a domain the node cannot reach
    (another DNS name, or the C(domain-unreachable) lab fault). Renaming the host and offline join blobs are not
    simulated.
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Join the lab domain and restart
  microsoft.ad.membership:
    dns_domain_name: corp.example.com
    domain_admin_user: CORP\svc-join
    domain_admin_password: "{{ join_password }}"
    state: domain
    reboot: true
"""

RETURN = r"""
reboot_required:
  description: True if changes were made that require a reboot.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import domainjoin, software
from hvsim.twin import diff_when_asked, run_twin

FQCN = 'microsoft.ad.membership'
# membership.ps1's $spec rules, which its documentation does not carry.
EXTRA = {
    'mutually_exclusive': [('offline_join_blob', 'domain_admin_user'), ('offline_join_blob', 'dns_domain_name'),
                           ('offline_join_blob', 'domain_ou_path'), ('offline_join_blob', 'hostname')],
    'required_if': [('state', 'domain', ('domain_admin_user', 'offline_join_blob'), True),
                    ('state', 'workgroup', ('workgroup_name', 'domain_admin_user', 'domain_admin_password'))],
    'required_together': [('domain_admin_user', 'domain_admin_password')],
}


def handle(module, lab_dir, node):
    def apply(state, node_name):
        try:
            result = domainjoin.membership(state, node_name, module.params, module.check_mode)
        except domainjoin.MembershipError as error:
            return {'changed': False, 'failed': True, 'reboot_required': False, 'msg': str(error)}
        return diff_when_asked(module, result)

    return software.twin_call(lab_dir, node, apply)


def main():
    run_twin(FQCN, handle, extra=EXTRA, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
