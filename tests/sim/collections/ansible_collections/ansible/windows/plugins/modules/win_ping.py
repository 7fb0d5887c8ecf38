# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Twin of ansible.windows.win_ping: the code is the action plugin plugins/action/win_ping.py.

DOCUMENTATION = r'''
---
module: win_ping
short_description: Twin of ansible.windows.win_ping for the simulated lab
description:
  - Answers for a powered-on simulated node; a powered-off node is unreachable.
options:
  data:
    description: Data to return as C(ping); C(crash) raises an error.
    type: str
    default: pong
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- ansible.windows.win_ping:
'''

RETURN = r'''
ping:
  description: The value of O(data).
  returned: success
  type: str
'''
