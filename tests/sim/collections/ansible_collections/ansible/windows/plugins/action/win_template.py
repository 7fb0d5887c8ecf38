# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Twin of ansible.windows.win_template: renders on the controller, as the real action does, and writes the result
into the simulated node's files (hvsim.software) instead of copying it with win_copy.

Rendering follows the real plugin on ansible-core 2.19: the template text is marked trusted (``trust_as_template``,
without which data tagging returns it unrendered), the task variables plus the ``template_*`` variables are
available (``ansible_managed`` included), newlines become ``newline_sequence`` (default ``\\r\\n``). The result
carries win_copy's keys (``dest``, ``checksum`` (SHA1), ``size``, ``operation``, ``original_basename``, ``src`` when
changed); the rendered text is returned only as the ``diff`` of a change under ``--diff`` (before and after). A dest
whose parent directory does not exist fails with win_copy's message; a powered-off node is unreachable. Arguments
are validated against the real module's spec snapshot.
"""

from __future__ import annotations

import os
import sys

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template

try:  # ansible-core 2.19 (where the real win_template gets them too)
    from ansible._internal._templating._template_vars import generate_ansible_template_vars
except ImportError:  # pragma: no cover - older ansible-core
    from ansible.template import generate_ansible_template_vars  # pylint: disable=ungrouped-imports

# tests/sim (for hvsim), from tests/sim/collections/ansible_collections/ansible/windows/plugins/action/win_template.py
_SIM_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 6)))
if _SIM_ROOT not in sys.path:
    sys.path.insert(0, _SIM_ROOT)

from hvsim import software, twin, twin_action  # noqa: E402  pylint: disable=wrong-import-position
from hvsim.state import LabState  # noqa: E402  pylint: disable=wrong-import-position

FQCN = 'ansible.windows.win_template'
_NEWLINES = {'\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n'}


class ActionModule(ActionBase):
    TRANSFERS_FILES = True

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        _validation, params = self.validate_argument_spec(argument_spec=twin.load_spec('ansible.windows.win_template'))
        try:
            lab_dir, node = twin_action.lab_and_node(self._task, task_vars)
        except (OSError, ValueError) as error:
            raise AnsibleActionFail('%s (simulated): %s' % (FQCN, error)) from error
        if not twin_action.node_is_up(lab_dir, node):
            raise AnsibleConnectionFailure('psrp connection failure during runspace pool open: %s is powered off'
                                           % node)
        content = self._render(params, task_vars)
        dest = params['dest']
        with LabState.open(lab_dir, write=not self._task.check_mode) as state:
            try:
                existing = software.read_any(state, node, dest)
                entry = software.file_entry(dest, content)
                changed = existing is None or existing.get('sha1') != entry['sha1']
                if changed and not params['force'] and existing is not None:
                    changed = False
                elif changed and not self._task.check_mode:
                    software.write_file(state, node, dest, content)
                elif changed:
                    parent = dest.replace('/', '\\').rstrip('\\').rsplit('\\', 1)[0]
                    if not software.is_directory(state, node, parent):
                        raise software.SoftwareError("Destination directory '%s' does not exist" % parent)
            except software.SoftwareError as error:
                result.update(failed=True, changed=False, msg=error.msg, dest=dest, sim_node=node)
                return result
        result.update(changed=changed, dest=dest, checksum=entry['sha1'], size=entry['size'],
                      operation='file_copy', original_basename=os.path.basename(params['src']), sim_node=node)
        if changed:
            result['src'] = params['src']
            if self._task.diff:
                # As the real plugin (win_copy through ActionBase._get_diff_data): the text before and after.
                result['diff'] = [{'before_header': dest, 'after_header': params['src'],
                                   'before': (existing or {}).get('content') or '', 'after': content}]
        return result

    def _render(self, params, task_vars):
        try:
            source = self._find_needle('templates', params['src'])
        except AnsibleError as error:
            raise AnsibleActionFail(to_text(error)) from error
        searchpath = list(task_vars.get('ansible_search_path', []))
        searchpath += [self._loader.get_basedir(), os.path.dirname(source)]
        searchpath = [path for base in searchpath for path in (os.path.join(base, 'templates'), base)]
        overrides = {name: params[name] for name in (
            'block_start_string', 'block_end_string', 'variable_start_string', 'variable_end_string',
            'comment_start_string', 'comment_end_string', 'trim_blocks', 'lstrip_blocks')}
        overrides['newline_sequence'] = _NEWLINES[params['newline_sequence']]
        variables = dict(task_vars)
        variables.update(generate_ansible_template_vars(self._task.args.get('src'), fullpath=source,
                                                        dest_path=params['dest'],
                                                        include_ansible_managed='ansible_managed' not in variables))
        templar = self._templar.copy_with_new_env(searchpath=searchpath, available_variables=variables)
        try:
            text = trust_as_template(self._loader.get_text_file_contents(source))
            return templar.template(text, preserve_trailing_newlines=True, escape_backslashes=False,
                                    overrides=overrides)
        except AnsibleError:
            raise
        except Exception as error:  # pylint: disable=broad-exception-caught
            raise AnsibleActionFail('%s: %s' % (type(error).__name__, to_text(error))) from error
