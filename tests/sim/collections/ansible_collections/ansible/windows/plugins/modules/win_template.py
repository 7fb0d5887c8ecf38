# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Twin of ansible.windows.win_template: the code is the action plugin plugins/action/win_template.py.

DOCUMENTATION = r'''
---
module: win_template
short_description: Twin of ansible.windows.win_template for the simulated lab
description:
  - Renders a template on the controller and writes it to a file of the simulated node; a powered-off node is
    unreachable.
  - Options are validated against the real module's argument spec snapshot.
options:
  src:
    description: Template on the controller.
    type: path
    required: true
  dest:
    description: Path on the node.
    type: path
    required: true
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- ansible.windows.win_template:
    src: nova.conf.j2
    dest: C:\Program Files\Cloudbase Solutions\OpenStack\Nova\etc\nova.conf
'''

RETURN = r'''
checksum:
  description: SHA1 of the written file.
  returned: success
  type: str
'''
