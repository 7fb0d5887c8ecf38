"""Test-Cluster (FailoverClusters): cluster validation with outcomes seeded from the lab state, and its report.

The contract is tests/sim/CLUSTERING.md ("Validation"). What Windows documents or users have seen (windows.md 3.3):
the report is written to ``-ReportName`` + ``.htm`` and returned as a ``System.IO.FileInfo``; each test with issues
writes a warning record ``<Category> - <Test>: The test reported some warnings..``; a final warning record starts
with ``Test Result:`` on its own line, then comma-separated flags, a sentence and ``Test report file path: <path>``;
``-List`` returns ``ClusterTestInfo`` objects; if a node is in a cluster, the tests include every node of it. A test
that fails writes a non-terminating error record ``<Category> - <Test>: The test failed.`` **(sim wording; flag
``ClusterNotApproved`` on failure is a sim choice too)**.

Failures come from the state: nodes that cannot be reached (powered off, unknown), not domain-joined, without
Failover Clustering, with different OS versions or builds, with Hyper-V on some nodes only or different processor
manufacturers; storage warnings when no shared disk is visible to every node; and the armed ``validation-fail``
fault (``lab fault DIR validation-fail NODE``), consumed by the next Test-Cluster that runs the Network tests on NODE.
"""

import datetime
import html

from hvsim import errors, software
from hvsim.cmdlets import cmdlet
from hvsim.cmdlets.clusterdisks import clustered_ids, shared_disks
from hvsim.psobject import PSObject

VALIDATION_FAIL = 'validation-fail'
CLUSTER_FEATURE = 'Failover-Clustering'
HYPERV_FEATURE = 'Hyper-V'
REPORTS_DIRECTORY = 'C:\\Windows\\Cluster\\Reports'
REPORT_EXTENSION = '.htm'
FAILED_ID = 'ClusterValidationTestFailed'

# (category, display name, description): the tests the simulated validation knows, in Test-Cluster -List order.
# Names are Windows'; descriptions are sim wording.
TESTS = (
    ('Cluster Configuration', 'List Cluster Core Groups', 'List the core groups of the cluster.'),
    ('Cluster Configuration', 'Validate Quorum Configuration', 'Validate the quorum configuration of the cluster.'),
    ('Cluster Configuration', 'Validate Resource Status', 'Validate that the cluster resources are online.'),
    ('Hyper-V Configuration', 'Validate Hyper-V Role Installed', 'Validate that every node has the Hyper-V role.'),
    ('Hyper-V Configuration', 'Validate Matching Processor Manufacturers',
     'Validate that every node has processors of the same manufacturer.'),
    ('Inventory', 'List Operating System Information', 'List the operating system of each node.'),
    ('Inventory', 'List System Information', 'List system information (computer name, manufacturer, model).'),
    ('Network', 'Validate IP Configuration', 'Validate that the IP addresses are unique and the subnets match.'),
    ('Network', 'Validate Network Communication', 'Validate that the nodes can communicate on every network.'),
    ('Storage', 'List Potential Cluster Disks', 'List the disks that will be validated for cluster use.'),
    ('Storage', 'Validate Disk Failover', 'Validate that a disk can fail over between the nodes.'),
    ('System Configuration', 'Validate Active Directory Configuration',
     'Validate that every node is in the same Active Directory domain.'),
    ('System Configuration', 'Validate Cluster Service and Driver Settings',
     'Validate that the Failover Clustering feature is installed on every node.'),
    ('System Configuration', 'Validate Operating System Version',
     'Validate that every node runs the same operating system version and build.'),
)


def test_info(category, name, description):
    return PSObject('Microsoft.FailoverClusters.PowerShell.ClusterTestInfo',
                    {'Category': category, 'DisplayName': name, 'Description': description}, text=name)


def _selected(include, ignore):
    """The tests -Include / -Ignore select (category or test names, any case); unknown names fail as Windows'."""
    known = {name.lower() for test in TESTS for name in test[:2]}
    for name in list(include or []) + list(ignore or []):
        if str(name).lower() not in known:
            raise errors.cluster_error('Test-Cluster', "The test or category '%s' was not found. Run Test-Cluster "
                                       "-List to see the tests and their categories." % name, 'InvalidArgument', name)
    wanted = {str(name).lower() for name in include or []}
    unwanted = {str(name).lower() for name in ignore or []}
    return [test for test in TESTS
            if (not wanted or test[0].lower() in wanted or test[1].lower() in wanted)
            and test[0].lower() not in unwanted and test[1].lower() not in unwanted]


def _nodes(ctx, names):
    """The computers to validate: the given names plus every node of a cluster one of them is in, in order.
    A name no node answers to stays as given (and fails the tests)."""
    found = []
    for name in list(names or []) or [ctx.node_name]:
        node = ctx.state.computer(name)
        members = [node['name']] if node is not None else [str(name)]
        cluster = ctx.state.cluster_of(node['name']) if node is not None else None
        if cluster is not None:
            members = list(cluster['nodes'])
        for member in members:
            if member.lower() not in [item.lower() for item in found]:
                found.append(member)
    return found


class _Run:
    """The outcome of each selected test: per-test findings, issues and failures."""

    def __init__(self, ctx, node_names, tests):
        self.ctx = ctx
        self.names = node_names
        self.nodes = {name: ctx.state.node(name) for name in node_names}
        self.reachable = {name: node for name, node in self.nodes.items()
                          if node is not None and node.get('power') == 'on'}
        self.tests = tests
        self.results = []            # (category, test, 'passed'|'warning'|'failed', detail)

    def run(self):
        for category, name, _description in self.tests:
            if category == 'Cluster Configuration' and not any(
                    node.get('cluster') for node in self.reachable.values()):
                self.results.append((category, name, 'skipped', 'The nodes are not in a cluster.'))
                continue
            status, detail = self._check(category, name)
            self.results.append((category, name, status, detail))
        return self

    def _check(self, category, name):
        checker = {
            'Validate Network Communication': self._network,
            'List Potential Cluster Disks': self._disks,
            'Validate Disk Failover': self._disks,
            'Validate Active Directory Configuration': self._domain,
            'Validate Cluster Service and Driver Settings': self._feature,
            'Validate Operating System Version': self._os_version,
            'Validate Hyper-V Role Installed': self._hyperv,
            'Validate Matching Processor Manufacturers': self._processors,
        }.get(name)
        if checker is None:
            if len(self.reachable) < len(self.names) and category == 'Inventory':
                return 'warning', 'Some nodes could not be inventoried: %s.' % ', '.join(self._unreachable())
            return 'passed', 'The test passed.'
        return checker()

    def _unreachable(self):
        return [name for name in self.names if name not in self.reachable]

    def _network(self):
        unreachable = self._unreachable()
        if unreachable:
            return 'failed', ('The node(s) %s could not be reached over the network: the RPC server is unavailable.'
                              % ', '.join(unreachable))
        for name in self.names:
            fault = _take_fault(self.ctx.state, name)
            if fault:
                return 'failed', ('Node %s is not reachable from the other nodes on network interface Cluster '
                                  '(10.10.1.0/24): packets were lost.' % name)
        return 'passed', 'Every node can reach every other node on every network.'

    def _disks(self):
        taken = clustered_ids(self.ctx.state)
        candidates = [disk for disk in shared_disks(self.ctx.state) if disk['id'] not in taken]
        everywhere = [disk for disk in candidates
                      if all(any(seen.lower() == name.lower() for seen in disk.get('nodes') or [])
                             for name in self.names)]
        if not everywhere:
            return 'warning', ('No disks were found that every node sees: a cluster on these nodes has no shared '
                               'storage (%d disk(s) are seen by some nodes only).' % len(candidates))
        return 'passed', 'Disks seen by every node: %s.' % ', '.join(str(disk['number']) for disk in everywhere)

    def _domain(self):
        domains = {name: node.get('domain') for name, node in self.reachable.items()}
        missing = [name for name, domain in domains.items() if not domain]
        if missing:
            return 'failed', 'The node(s) %s are not joined to an Active Directory domain.' % ', '.join(missing)
        if len({str(domain).lower() for domain in domains.values()}) > 1:
            return 'failed', 'The nodes are in different domains: %s.' % ', '.join(
                '%s in %s' % item for item in sorted(domains.items()))
        return 'passed', 'Every node is in domain %s.' % (next(iter(domains.values()), None) or '?')

    def _feature(self):
        missing = [name for name, node in self.reachable.items()
                   if not (node.get('features') or {}).get(CLUSTER_FEATURE, {}).get('installed')]
        if missing:
            return 'failed', 'The Failover Clustering feature is not installed on node(s) %s.' % ', '.join(missing)
        return 'passed', 'The Cluster service is installed on every node.'

    def _os_version(self):
        versions = {name: '%s (build %s)' % (node['os'].get('version'), node['os'].get('build'))
                    for name, node in self.reachable.items()}
        if len(set(versions.values())) > 1:
            return 'failed', 'The nodes run different operating system versions: %s.' % ', '.join(
                '%s %s' % item for item in sorted(versions.items()))
        return 'passed', 'Every node runs %s.' % (next(iter(versions.values()), None) or '?')

    def _hyperv(self):
        with_role = [name for name, node in self.reachable.items()
                     if (node.get('features') or {}).get(HYPERV_FEATURE, {}).get('installed')]
        without = [name for name in self.reachable if name not in with_role]
        if with_role and without:
            return 'failed', 'Hyper-V is not installed on %s (it is on %s).' % (', '.join(without), ', '.join(with_role))
        return 'passed', 'Hyper-V is installed on %s node(s).' % len(with_role)

    def _processors(self):
        vendors = {name: (node.get('hardware') or {}).get('cpu_vendor') for name, node in self.reachable.items()}
        if len(set(vendors.values())) > 1:
            return 'failed', 'The nodes have processors of different manufacturers: %s.' % ', '.join(
                '%s %s' % item for item in sorted(vendors.items()))
        return 'passed', 'Every node has %s processors.' % (next(iter(vendors.values()), None) or '?')


def _take_fault(state, node_name):
    """Consume an armed validation-fail fault on the node."""
    return state.take_fault(VALIDATION_FAIL, node_name)


def arm_validation_fail(state, node_name):
    return state.arm_fault(VALIDATION_FAIL, node_name)


def _report_path(ctx, report_name, now):
    if not report_name:
        # Without -ReportName Windows writes to the user's temp folder; the sim's user is SYSTEM (sim choice).
        return 'C:\\Windows\\Temp\\Validation Report %s%s' % (now.strftime('%Y.%m.%d At %H.%M.%S'), REPORT_EXTENSION)
    path = str(report_name).replace('/', '\\')
    if '\\' not in path:
        path = 'C:\\Windows\\Temp\\' + path
    return path if path.lower().endswith(REPORT_EXTENSION) else path + REPORT_EXTENSION


def _report(node_names, run, flags, path, now):
    rows = '\n'.join('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>'
                     % tuple(html.escape(str(item)) for item in result) for result in run.results)
    return ('<html><head><title>Failover Cluster Validation Report</title></head><body>\n'
            '<h1>Failover Cluster Validation Report</h1>\n'
            '<p>Date: %s</p>\n<p>Nodes: %s</p>\n<p>Test Result: %s</p>\n'
            '<table><tr><th>Category</th><th>Test</th><th>Result</th><th>Detail</th></tr>\n%s\n</table>\n'
            '<p>Report: %s</p>\n</body></html>\n'
            % (now.strftime('%Y-%m-%d %H:%M:%S UTC'), html.escape(', '.join(node_names)), html.escape(', '.join(flags)),
               rows, html.escape(path)))


def _write_report(ctx, path, content):
    directory = path.rsplit('\\', 1)[0]
    if software.normalize(directory) == software.normalize(REPORTS_DIRECTORY):
        # %SystemRoot%\Cluster\Reports comes with the Failover Clustering feature.
        software.make_directories(ctx.state, ctx.node_name, directory)
    try:
        software.write_file(ctx.state, ctx.node_name, path, content)
    except software.SoftwareError as error:
        raise errors.CmdletError("Could not find a part of the path '%s'." % path, 'DirectoryNotFound',
                                 'ObjectNotFound', path, 'System.IO.DirectoryNotFoundException') from error
    return software.get_entry(ctx.state, ctx.node_name, path)


@cmdlet('Test-Cluster')
def test_cluster(ctx, Node=None, Disk=None, Pool=None, ReportName=None, List=False, Include=None, Ignore=None,
                 Force=False, InputObject=None, Cluster=None):
    tests = _selected(Include, Ignore)
    if List:
        return [test_info(*test) for test in tests]
    if ctx.whatif:
        return []
    node_names = _nodes(ctx, Node)
    now = datetime.datetime.now(datetime.timezone.utc)
    path = _report_path(ctx, ReportName, now)
    run = _Run(ctx, node_names, tests).run()
    failed = [result for result in run.results if result[2] == 'failed']
    warned = [result for result in run.results if result[2] == 'warning']
    flags = ['HadUnselectedTests'] if len(tests) < len(TESTS) else []
    if failed:
        flags.append('ClusterNotApproved')
        sentence = ('Testing has completed: one or more tests failed. These nodes are not suitable for a cluster '
                    'until the failures are corrected; see the report.')
    elif warned:
        flags.append('ClusterConditionallyApproved')
        sentence = ('Testing has completed for the selected tests. Review the warnings in the report: a cluster is '
                    'supported only when every validation test passes, with or without warnings.')
    else:
        sentence = 'Testing has completed successfully. The configuration is suitable for clustering.'
    entry = _write_report(ctx, path, _report(node_names, run, flags or ['ClusterApproved'], path, now))
    for category, name, _status, detail in warned:
        ctx.write_warning('%s - %s: The test reported some warnings..' % (category, name))
    for category, name, _status, detail in failed:
        ctx.write_error(errors.CmdletError('%s - %s: The test failed. %s' % (category, name, detail), FAILED_ID,
                                           'InvalidResult', name, errors.CLUSTER_EXCEPTION))
    if flags:
        ctx.write_warning('Test Result:\n%s\n%s\nTest report file path: %s' % (', '.join(flags), sentence, path))
    return [PSObject('System.IO.FileInfo', {
        'FullName': path, 'Name': path.rsplit('\\', 1)[-1], 'DirectoryName': path.rsplit('\\', 1)[0],
        'Extension': REPORT_EXTENSION, 'Length': entry['size'], 'LastWriteTimeUtc': now.isoformat()}, text=path)]
