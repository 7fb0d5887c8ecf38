# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_service
short_description: Simulated twin of ansible.windows.win_service (hyperv.cluster tests only)
description:
  - Creates, configures, starts, stops, restarts and removes Windows services of a simulated node
    (C(hvsim.software)), following win_service.ps1 (C(update_password) on_create by default, account changes set
    the password).
  - Starting checks what Windows checks, the account's password and its C(SeServiceLogonRight) (else error 1069,
    logon failure), the program file, and the files given with C(--config-file) (else the process ends at once).
  - A nova-compute service that reaches Running registers its host with the lab's OpenStack controller when its
    account may use Hyper-V (C(hvsim.openstack)). Starts and stops take simulated time, without holding the lab
    lock, and are logged to C(service-events.log) in the lab directory.
  - Arguments are validated against the real module's argument spec snapshot; a powered-off node is unreachable.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Run nova-compute as the AD account
  ansible.windows.win_service:
    name: nova-compute
    username: CORP\svc-nova
    password: "{{ password }}"
    start_mode: auto
    state: started
"""

RETURN = r"""
exists:
  description: Whether the service exists.
  returned: always
  type: bool
state:
  description: The service state (C(running), C(stopped)).
  returned: success
  type: str
username:
  description: The account the service runs as (C(LocalSystem) for SYSTEM).
  returned: success
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from hvsim import openstack, software
from hvsim.twin import run_twin

FQCN = 'ansible.windows.win_service'
NOT_SIMULATED = ('error_control', 'failure_actions', 'failure_actions_on_non_crash_failure', 'failure_command',
                 'failure_reboot_msg', 'failure_reset_period_sec', 'load_order_group', 'pre_shutdown_timeout_ms',
                 'required_privileges', 'service_type', 'sid_info')


def handle(module, lab_dir, node):
    params = module.params
    unsupported = [name for name in NOT_SIMULATED if params.get(name) is not None]
    if params.get('desktop_interact'):
        unsupported.append('desktop_interact')
    if params.get('state') == 'paused':
        unsupported.append('state=paused')
    if unsupported:
        return dict(changed=False, failed=True,
                    msg='the simulated win_service does not model: %s' % ', '.join(unsupported))
    outcome = software.twin_call(lab_dir, node, software.configure_service, params, module.check_mode)
    if isinstance(outcome, dict):   # failed or unreachable
        return outcome
    result, actions = outcome
    for action in actions:
        try:
            result.update(software.run_service_action(lab_dir, node, params['name'], action,
                                                      on_running=openstack.register_compute))
        except software.SoftwareError as error:
            return dict(error.result, changed=True, failed=True, msg=error.msg)
    return result


class _Module(AnsibleModule):
    """AnsibleModule warns about option names that look secret unless no_log is set: update_password is a choice
    (always / on_create) that the real, PowerShell, module never warns about."""

    def __init__(self, argument_spec, **kwargs):
        argument_spec['update_password'].setdefault('no_log', False)
        super().__init__(argument_spec=argument_spec, **kwargs)


def main():
    run_twin(FQCN, handle, module_class=_Module)


if __name__ == '__main__':
    main()
