# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Twin of ansible.windows.win_reboot: the code is the action plugin plugins/action/win_reboot.py.

DOCUMENTATION = r'''
---
module: win_reboot
short_description: Twin of ansible.windows.win_reboot for the simulated lab
description:
  - Restarts a simulated node (C(tests/sim/hvsim/power.py)); a powered-off node is unreachable. Check mode reports a
    reboot without doing it, as the real module does.
options:
  pre_reboot_delay:
    description: Accepted; the simulated restart does not wait before it starts.
    type: float
    default: 2
    aliases: [pre_reboot_delay_sec]
  post_reboot_delay:
    description: Simulated seconds to wait after the restart command before checking that the node is back.
    type: float
    default: 0
    aliases: [post_reboot_delay_sec]
  reboot_timeout:
    description: Maximum simulated seconds to wait for the node to come back.
    type: float
    default: 600
    aliases: [reboot_timeout_sec]
  connect_timeout:
    description: Accepted.
    type: float
    default: 5
    aliases: [connect_timeout_sec]
  test_command:
    description: Accepted; the simulated node is ready when it is back.
    type: str
  msg:
    description: Accepted (the message shown to users of the node).
    type: str
    default: Reboot initiated by Ansible
  boot_time_command:
    description: Accepted.
    type: str
    default: '(Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime).LastBootUpTime.ToFileTime()'
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- ansible.windows.win_reboot:
    reboot_timeout: 3600
'''

RETURN = r'''
rebooted:
  description: True if the node was restarted.
  returned: always
  type: bool
elapsed:
  description: Simulated seconds the restart took.
  returned: always
  type: float
'''
