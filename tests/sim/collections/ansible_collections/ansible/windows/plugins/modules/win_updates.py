# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Twin of ansible.windows.win_updates: the code is the action plugin plugins/action/win_updates.py.

DOCUMENTATION = r'''
---
module: win_updates
short_description: Twin of ansible.windows.win_updates for the simulated lab
description:
  - Searches, downloads and installs the updates of a simulated node (C(tests/sim/hvsim/updates.py)), with the real
    module's filters, check mode, passes and reboots; a powered-off node is unreachable.
  - Options are validated against the real module's argument spec snapshot (C(tests/sim/hvsim/data/module_specs.json)).
options:
  category_names:
    description: Categories to install updates from (C(SecurityUpdates) or C(Security Updates)); C(*) for all.
    type: list
    elements: str
    default: [CriticalUpdates, SecurityUpdates, UpdateRollups]
  accept_list:
    description: Only updates whose KB or title matches one of these regular expressions.
    type: list
    elements: str
  reject_list:
    description: Not the updates whose KB or title matches one of these regular expressions.
    type: list
    elements: str
  skip_optional:
    description: Skip optional (browse only) updates.
    type: bool
    default: false
  state:
    description: Install, only download, or only search.
    type: str
    choices: [installed, searched, downloaded]
    default: installed
  reboot:
    description: Reboot the node when an update requires it, and continue installing.
    type: bool
    default: false
  reboot_timeout:
    description: Seconds to wait for the node to come back from a reboot.
    type: int
    default: 1200
  server_selection:
    description: Accepted; the simulated update source is the same for all values.
    type: str
    choices: [default, managed_server, windows_update]
    default: default
  log_path:
    description: Accepted; the simulator writes no log on the node.
    type: path
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- ansible.windows.win_updates:
    category_names: [SecurityUpdates, CriticalUpdates, UpdateRollups]
    reboot: true
'''

RETURN = r'''
updates:
  description: Updates found and selected, by id (title, kb, categories, id, downloaded, installed, failure_*).
  returned: success
  type: dict
filtered_updates:
  description: Updates found but filtered out, as in O(updates) plus filtered_reasons.
  returned: success
  type: dict
found_update_count:
  description: Number of updates selected.
  returned: success
  type: int
installed_update_count:
  description: Number of updates installed.
  returned: success
  type: int
failed_update_count:
  description: Number of updates that failed.
  returned: always
  type: int
reboot_required:
  description: Whether the node must restart to complete the updates.
  returned: success
  type: bool
rebooted:
  description: Whether the task restarted the node.
  returned: success
  type: bool
'''
