# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_powershell
short_description: Simulated twin of ansible.windows.win_powershell (hyperv.cluster tests only)
description:
  - Runs the hyperv.cluster cmdlet batch runner (C(plugins/plugin_utils/runner.ps1)) against the simulated platform
    C(hvsim) instead of a Windows host. Any other script is refused.
  - Arguments are validated against the real module's argument spec, snapshotted in
    C(tests/sim/hvsim/data/module_specs.json), plus the rules of the real module's C($spec).
  - Check mode follows the real module, a script is skipped unless it declares
    C([CmdletBinding(SupportsShouldProcess)]); the runner does, so it runs with C(-WhatIf).
  - The node comes from C(HVSIM_NODE) and the lab from C(HVSIM_LAB), set by the lab's interpreter wrapper.
author:
  - hyperv.cluster contributors (@hyperv-cluster)
options: {}
"""

EXAMPLES = r"""
- name: Run a cmdlet batch (what hyperv.cluster's action plugins do through _execute_module)
  ansible.windows.win_powershell:
    script: "{{ runner_script }}"
    parameters:
      BatchJson: '{"protocol": 1, "mode": "read", "calls": []}'
    depth: 8
    error_action: stop
"""

RETURN = r"""
result:
  description: The runner's C($Ansible.Result).
  returned: always
  type: dict
sim_node:
  description: The simulated node the twin acted for.
  returned: always
  type: str
"""

import re

from ansible.module_utils.basic import AnsibleModule

from hvsim.twin import run_twin, runner_script_bytes, RUNNER_SCRIPT

FQCN = 'ansible.windows.win_powershell'
# Rules of win_powershell.ps1's $spec that its documentation does not carry.
SPEC_RULES = dict(mutually_exclusive=[('path', 'script')], required_one_of=[('path', 'script')])
# The pattern win_powershell.ps1 matches (case-insensitively, as PowerShell's -match does) when it cannot use the
# parsed param block to decide whether a script supports ShouldProcess.
SHOULD_PROCESS_RE = re.compile(
    r'\[CmdletBinding\((?:[\w=\$]+,\s*)?SupportsShouldProcess(?:=\$true)?(?:,\s*[\w=\$]+)?\)\]', re.IGNORECASE)
# Options of the real module that refer to the Windows host's file system or processes; the twin does not model them.
NOT_SIMULATED = ('path', 'executable', 'chdir', 'arguments', 'sensitive_parameters', 'creates', 'removes')
FOREIGN_SCRIPT = 'the simulated host only runs the hyperv.cluster runner script'


def initial_result():
    """The keys win_powershell.ps1 sets before it runs anything (and returns as-is when it skips)."""
    return dict(changed=False, result={}, host_out='', host_err='', output=[], error=[], warning=[], verbose=[],
                debug=[], information=[])


def supports_should_process(script):
    """True when the script declares [CmdletBinding(SupportsShouldProcess)] (outside comments)."""
    code = re.sub(r'<#.*?#>', '', script, flags=re.DOTALL)
    code = '\n'.join(line for line in code.splitlines() if not line.lstrip().startswith('#'))
    return bool(SHOULD_PROCESS_RE.search(code))


def _first_difference(got, expected):
    for offset, (left, right) in enumerate(zip(got, expected)):
        if left != right:
            return offset
    return min(len(got), len(expected))


def handle(module, lab_dir, node):
    params = module.params
    unsupported = [name for name in NOT_SIMULATED if params.get(name)]
    if params.get('remote_src'):
        unsupported.append('remote_src')
    if unsupported:
        return dict(initial_result(), failed=True,
                    msg='%s; it is passed as script (the twin does not simulate: %s)'
                        % (FOREIGN_SCRIPT, ', '.join(unsupported)))

    script = params['script']
    if module.check_mode and not supports_should_process(script):
        # win_powershell.ps1: "if ($module.CheckMode -and -not $supportsShouldProcess)"
        return dict(initial_result(), changed=True, msg='skipped, running in check mode')

    expected = runner_script_bytes()
    got = script.encode('utf-8')
    if got != expected:
        return dict(initial_result(), failed=True,
                    msg='%s (%s); this script differs from it at byte %d (%d bytes sent, %d expected)'
                        % (FOREIGN_SCRIPT, RUNNER_SCRIPT, _first_difference(got, expected), len(got), len(expected)))

    from hvsim.runner import run_batch  # pylint: disable=import-outside-toplevel

    outcome = run_batch(lab_dir, node, params['parameters'], module.check_mode)
    if outcome.get('unreachable'):
        return dict(changed=False, failed=True, unreachable=True,
                    msg=outcome.get('msg') or 'host %s is unreachable' % node)
    result = initial_result()
    result.update(outcome)
    return result


def main():
    run_twin(FQCN, handle, extra=SPEC_RULES, module_class=AnsibleModule)


if __name__ == '__main__':
    main()
