# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_package
short_description: Simulated twin of ansible.windows.win_package (hyperv.cluster tests only)
description:
  - Installs and removes MSI packages of a simulated node (C(hvsim.software)), following win_package.ps1, a source
    given as a path or UNC path must exist (every run, unless in check mode); a URL is downloaded unless
    C(product_id) names a package already installed; an MSI source decides the product code itself.
  - Sources are the files of the lab's shares and web servers (C(file_shares) and C(web) in the lab state). MSI
    public properties in C(arguments) (C(ADDLOCAL), C(INSTALLDIR), C(SKIPNOVACONF)...) are applied and recorded.
  - Arguments are validated against the real module's argument spec snapshot plus the rules of its C($spec); a
    powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Install nova-compute without its configuration
  ansible.windows.win_package:
    path: \\fs01.corp.example.com\software\HyperVNovaCompute_Antelope_27_5_1.msi
    product_id: '{00000000-0000-0000-0000-000000000000}'
    arguments: SKIPNOVACONF=1 ADDLOCAL=HyperVNovaCompute,NeutronHyperVAgent
"""

RETURN = r"""
rc:
  description: The return code of msiexec.
  returned: always
  type: int
reboot_required:
  description: Whether a reboot is required.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_package'
# Rules of win_package.ps1's $spec that its documentation does not carry.
SPEC_RULES = dict(
    required_if=[('state', 'present', ('path',)), ('state', 'absent', ('path', 'product_id'), True)],
    required_by={'creates_version': ('creates_path',)},
)
NOT_SIMULATED = ('creates_path', 'creates_version', 'creates_service', 'chdir', 'checksum')


def handle(module, lab_dir, node):
    params = module.params
    unsupported = [name for name in NOT_SIMULATED if params.get(name) is not None]
    if params.get('provider') not in ('auto', 'msi'):
        unsupported.append('provider=%s' % params.get('provider'))
    if unsupported:
        return dict(changed=False, failed=True, reboot_required=False,
                    msg='the simulated win_package installs MSI packages only and does not model: %s'
                        % ', '.join(unsupported))
    return software.twin_call(lab_dir, node, software.package, params, module.check_mode)


def main():
    run_twin(FQCN, handle, extra=SPEC_RULES, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
