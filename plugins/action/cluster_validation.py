# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_validation: Test-Cluster on the nodes, its outcome parsed, its report brought back.

Every decision is in ``execute``. With ``cluster`` given, one read first: a cluster of that name that already has
every node skips validation (a re-run costs that read). Otherwise one write batch with Test-Cluster (a write: it
writes a report and creates a temporary local user on the nodes), whose outcome is read from its records, as
Windows gives no result object (windows.md 3.3): each test with issues writes a warning ``<Category> - <Test>: The
test reported some warnings..``, a final warning starts with ``Test Result:`` and lists flags, and a test that fails
writes an error record. The report is read back with ``WindowsHost.fetch`` into ``dest``. Never ``changed``.
"""

from __future__ import annotations

import datetime
import os
import re

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    HypervClusterError,
    InvalidInputError,
    PreconditionError,
)

DEFAULT_REPORT_DIR = 'C:\\Windows\\Cluster\\Reports'
REPORT_PREFIX = 'hyperv-cluster-validation-'
RESULT_PREFIX = 'Test Result:'
# "<Category> - <Test>: <what happened>", the form of Test-Cluster's per-test records.
TEST_RECORD_RE = re.compile(r'^\s*(?P<category>[^:]+?) - (?P<test>[^:]+?):\s*(?P<detail>.*)$', re.S)
WINDOWS_ABSOLUTE_RE = re.compile(r'^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)')
# Test Result flags that mean the configuration is, or is not, fit for a cluster.
FAILED_FLAGS = ('ClusterNotApproved',)
WARNING_FLAGS = ('ClusterConditionallyApproved',)
CHECK_MODE_MESSAGE = ('Test-Cluster does not run in check mode: it writes a report and creates a temporary local '
                      'user (CliTest2) on every node; validation changes no configuration, run without --check to '
                      'validate.')


def utc_now():
    """The time the report is named after (a function, so that tests can fix it)."""
    return datetime.datetime.now(datetime.timezone.utc)


def short(name):
    return str(name).split('.', 1)[0].lower()


def parse_test_record(message):
    """{category, test, message} of a per-test record; category and test are None when the text has another form."""
    match = TEST_RECORD_RE.match(message)
    if not match:
        return {'category': None, 'test': None, 'message': message.strip()}
    return {'category': match.group('category').strip(), 'test': match.group('test').strip(),
            'message': message.strip()}


def parse_flags(record):
    """The comma-separated flags of a ``Test Result:`` record (on its first line, or the next)."""
    lines = [line.strip() for line in record.splitlines()]
    first = lines[0][len(RESULT_PREFIX):].strip() if lines else ''
    text = first or (lines[1] if len(lines) > 1 else '')
    return [flag.strip() for flag in text.split(',') if flag.strip()]


def parse_outcome(step):
    """outcome, flags, test warnings and failed tests of a Test-Cluster step that wrote its report."""
    flags = []
    test_warnings = []
    for warning in step.warnings:
        if warning.lstrip().startswith(RESULT_PREFIX):
            flags.extend(flag for flag in parse_flags(warning.lstrip()) if flag not in flags)
        else:
            test_warnings.append(parse_test_record(warning))
    failed_tests = [parse_test_record(error.message) for error in step.errors]
    if failed_tests or any(flag in FAILED_FLAGS for flag in flags):
        outcome = 'failed'
    elif test_warnings or any(flag in WARNING_FLAGS for flag in flags):
        outcome = 'passed_with_warnings'
    else:
        outcome = 'passed'
    return {'outcome': outcome, 'flags': flags, 'test_warnings': test_warnings, 'failed_tests': failed_tests}


def is_accepted(test, accept):
    wanted = {str(name).strip().lower() for name in accept}
    return any(name is not None and name.lower() in wanted for name in (test['category'], test['test']))


def _describe(test):
    return test['message'] if test['category'] is None else '%s - %s' % (test['category'], test['test'])


def _check_input(params):
    label = 'cluster validation'
    nodes = params['nodes']
    if not nodes or any(not str(node).strip() for node in nodes):
        raise InvalidInputError(label, 'nodes must list at least one computer name, none empty',
                                'Give the computer names of the nodes to validate together.')
    for option in ('include', 'ignore', 'accept'):
        if any(not str(name).strip() for name in params[option]):
            raise InvalidInputError(label, '%s has an empty name' % option,
                                    'Give test categories (Storage, Network...) or test names as Test-Cluster -List '
                                    'shows them.')
    both = sorted({name.lower() for name in params['include']} & {name.lower() for name in params['ignore']})
    if both:
        verb = 'is' if len(both) == 1 else 'are'
        raise InvalidInputError(label, '%s %s both included and ignored' % (', '.join(both), verb),
                                'Name each category or test in include or in ignore, not both.')
    if not WINDOWS_ABSOLUTE_RE.match(params['report_dir']):
        raise InvalidInputError(label, 'report_dir %r is not an absolute Windows path' % params['report_dir'],
                                'Give a folder on the node the task runs on, like %s.' % DEFAULT_REPORT_DIR)


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        nodes=dict(type='list', elements='str', required=True),
        include=dict(type='list', elements='str', default=[]),
        ignore=dict(type='list', elements='str', default=[]),
        accept=dict(type='list', elements='str', default=[]),
        cluster=dict(type='str'),
        report_dir=dict(type='str', default=DEFAULT_REPORT_DIR),
        dest=dict(type='path'),
    )

    def execute(self, params, host):
        _check_input(params)
        nodes = params['nodes']
        label = 'cluster validation of %s' % ', '.join(nodes)
        base = {'changed': False, 'nodes': list(nodes)}
        if params['cluster'] and self._already_built(params['cluster'], nodes, host, label):
            return dict(base, skipped=True, outcome=None,
                        msg='Cluster %s exists with every node (%s): validation skipped.'
                        % (params['cluster'], ', '.join(nodes)))
        if self.check_mode:
            return dict(base, skipped=True, outcome=None, msg=CHECK_MODE_MESSAGE)

        stamp = utc_now().strftime('%Y%m%d-%H%M%S')
        report_name = '%s\\%s%s' % (params['report_dir'].rstrip('\\'), REPORT_PREFIX, stamp)
        arguments = {'Node': list(nodes), 'ReportName': report_name}
        if params['include']:
            arguments['Include'] = list(params['include'])
        if params['ignore']:
            arguments['Ignore'] = list(params['ignore'])
        batch = Batch('write').call('validate', 'Test-Cluster', arguments, select=['FullName', 'Length'])
        step = host.write(batch)['validate']
        report = step.first()
        if not report or not report.get('FullName'):
            # A terminating error: Test-Cluster did not get to test anything, and wrote no report.
            _cluster.raise_step_error(label, step, 'Test-Cluster did not complete',
                                      'Check that every node is reachable from %s and runs the Failover Clustering '
                                      'feature, and the include/ignore names (Test-Cluster -List shows them).'
                                      % host.name, test_warnings=[parse_test_record(w) for w in step.warnings])
        result = dict(base, report_path=report['FullName'], local_report_path=None)
        result.update(parse_outcome(step))
        if params['dest']:
            result['local_report_path'] = self._fetch_report(host, report['FullName'], params['dest'], label)
        return self._verdict(result, params['accept'], label)

    @staticmethod
    def _already_built(name, nodes, host, label):
        read = Batch('read')
        read.call('named', 'Get-Cluster', {'Name': name}, select=_cluster.CLUSTER_SELECT)
        read.call('members', 'Get-ClusterNode', {'Cluster': name}, select=['Name', 'State'])
        found = host.read(read, missing_ok=('Get-Cluster', 'Get-ClusterNode'))
        named = found['named']
        if not (named.ok and named.output):
            if named.errors and not _cluster.is_not_clustered(named):
                _cluster.raise_step_error(label, named, 'reading cluster %s failed' % name)
            return False
        if not _cluster.same_name(named.first().get('Name'), name) or not found['members'].ok:
            return False
        members = {short(row['Name']) for row in found['members'].output}
        return all(short(node) in members for node in nodes)

    def _fetch_report(self, host, remote_path, dest, label):
        directory = dest if os.path.isabs(dest) else self._loader.path_dwim(dest)
        local = os.path.join(directory, host.name, remote_path.replace('/', '\\').rsplit('\\', 1)[-1])
        try:
            content = host.fetch(remote_path)
            os.makedirs(os.path.dirname(local), exist_ok=True)
            with open(local, 'wb') as handle:
                handle.write(content)
        except OSError as error:
            raise PreconditionError(label, 'the report %s could not be saved as %s (%s)' % (remote_path, local, error),
                                    'Give a dest folder the controller user can write to.',
                                    report_path=remote_path) from error
        except HypervClusterError as error:
            error.result.setdefault('report_path', remote_path)
            raise
        return local

    @staticmethod
    def _verdict(result, accept, label):
        failed = result['failed_tests']
        result['accepted_tests'] = [test for test in failed if is_accepted(test, accept)]
        where = result['local_report_path'] or result['report_path']
        if result['outcome'] == 'failed':
            refused = [test for test in failed if not is_accepted(test, accept)]
            if refused:
                raise PreconditionError(
                    label, 'Test-Cluster failed %d test(s): %s (report: %s)'
                    % (len(refused), '; '.join(test['message'] for test in refused), where),
                    'Correct what the failed tests name and run again, or, if the failure is known and acceptable, '
                    'name its category or test in accept (for example accept: [%s]). Nothing was changed.'
                    % (refused[0]['category'] or refused[0]['message']), **result)
            if not failed:
                # A flag says the configuration is not approved although no test reported an error.
                raise PreconditionError(label, 'Test-Cluster did not approve the configuration (%s; report: %s)'
                                        % (', '.join(result['flags']), where),
                                        'Read the report, correct the configuration and run again.', **result)
            result['warnings'] = ['Cluster validation failed tests that were accepted: %s (report: %s).'
                                  % (', '.join(_describe(test) for test in failed), where)]
        elif result['outcome'] == 'passed_with_warnings':
            result['warnings'] = ['Cluster validation passed with warnings: %s (report: %s).'
                                  % (', '.join(_describe(test) for test in result['test_warnings'])
                                     or ', '.join(result['flags']), where)]
        return result
