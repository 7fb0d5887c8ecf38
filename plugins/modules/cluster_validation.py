# -*- coding: utf-8 -*-
# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This is the documentation of an action plugin (plugins/action/cluster_validation.py); the module has no code.

DOCUMENTATION = r'''
---
module: cluster_validation
short_description: Validate nodes for a failover cluster with Test-Cluster and bring its report back
version_added: 1.0.0
description:
  - Runs C(Test-Cluster) on O(nodes) from the node the task runs on, with the test categories or tests of
    O(include) only, or all but those of O(ignore). If a node already belongs to a cluster, Windows tests every
    node of that cluster.
  - >-
    Windows returns no result object, only the report file and records (warnings and errors); the module reads
    them. A test with issues writes a warning C(<Category> - <Test>: The test reported some warnings..); a final
    warning starts with C(Test Result:) and lists flags such as C(HadUnselectedTests) or
    C(ClusterConditionallyApproved); a failed test writes an error record. The outcome is V(failed) when a test
    failed (or a flag says C(ClusterNotApproved)), V(passed_with_warnings) when a test warned, else V(passed).
  - A V(failed) outcome fails the task unless every failed test is named, by category or by test, in O(accept).
    V(passed_with_warnings) never fails the task; it adds a warning.
  - The report (C(.htm), which Windows appends to the name) is written to O(report_dir) on the node as
    C(hyperv-cluster-validation-<UTC yyyymmdd-HHMMSS>.htm); with O(dest) it is read back (as
    C(ansible.builtin.fetch) does with become, through C(ansible.windows.slurp), so that it is read as the become
    user) to C(<dest>/<host>/<file name>) on the controller.
  - With O(cluster), a cluster of that name that already has every node of O(nodes) as a member skips validation
    (V(skipped)); rerunning a play on a built cluster costs one read and tests nothing. A cluster that lacks a node
    is validated with it.
  - C(changed) is always false; validation changes no configuration. It is not read-only, though - C(Test-Cluster)
    writes the report and creates, then removes, a local user C(CliTest2) on every node - so it runs as one write
    batch, and B(not in check mode), where the module returns V(skipped) with a message and runs nothing, as users
    expect of check mode.
  - One remote execution for Test-Cluster, one more to bring the report back, one more first with O(cluster).
options:
  nodes:
    description:
      - The computer names of the nodes to validate together (C(Test-Cluster -Node)).
    type: list
    elements: str
    required: true
  include:
    description:
      - Run only these test categories or tests (C(Test-Cluster -Include)), as C(Test-Cluster -List) names them -
        categories V(Cluster Configuration), V(Hyper-V Configuration), V(Inventory), V(Network), V(Storage),
        V(System Configuration), or a test such as V(Validate Network Communication). Names are case-insensitive.
      - Empty for every test. A name Windows does not know fails the task.
    type: list
    elements: str
    default: []
  ignore:
    description:
      - Run every test but these categories or tests (C(Test-Cluster -Ignore)); names as for O(include).
      - Leaving tests out makes the flag C(HadUnselectedTests) appear; Microsoft supports a cluster only if every
        test ran and passed (with or without warnings).
    type: list
    elements: str
    default: []
  accept:
    description:
      - Test categories or tests whose failure is accepted - the task goes on with a warning when every failed test
        is named here (by its category or its name, case-insensitive). Use it for failures that are known and
        harmless for the cluster to build, never to silence a validation you have not read.
    type: list
    elements: str
    default: []
  cluster:
    description:
      - The cluster the nodes are to form. When it exists and every node of O(nodes) is a member, validation is
        skipped.
    type: str
  report_dir:
    description:
      - The folder on the node the task runs on where Windows writes the report; it must exist.
        C(C:\Windows\Cluster\Reports) comes with the Failover Clustering feature, and is where Failover Cluster
        Manager keeps its reports.
    type: str
    default: C:\Windows\Cluster\Reports
  dest:
    description:
      - A folder on the controller to bring the report to, as C(<dest>/<host>/<file name>); a relative path is
        relative to the playbook. Created when missing. Without it, the report stays on the node only.
    type: path
attributes:
  check_mode:
    support: none
    description: Test-Cluster writes a report and a temporary user, so nothing runs in check mode (V(skipped)).
  diff_mode:
    support: none
    description: Validation changes no configuration.
  platform:
    support: full
    platforms: windows
    description: Nodes run Windows Server 2016 or later with the Failover Clustering feature.
notes:
  - Run the task on one of the nodes with C(become=true), C(become_method=runas) and a domain account that is an
    administrator of every node; Test-Cluster reaches the other nodes, a second hop a plain WinRM logon cannot make.
  - Storage tests leave out disks that are online in a clustered role; on a built cluster they test only what is
    not in use.
seealso:
  - module: hyperv.cluster.cluster
  - name: Test-Cluster
    description: Microsoft's reference of the cmdlet.
    link: https://learn.microsoft.com/powershell/module/failoverclusters/test-cluster
author:
  - hyperv.cluster contributors (@hyperv-cluster)
'''

EXAMPLES = r'''
- name: Validate the nodes, and bring the report to the controller
  hyperv.cluster.cluster_validation:
    nodes: [hv1, hv2, hv3]
    cluster: hvc1
    dest: "{{ playbook_dir }}/reports"
  register: validation

- name: Storage tests only
  hyperv.cluster.cluster_validation:
    nodes: [hv1, hv2]
    include: [Storage]

- name: Go on although the nodes' software update levels differ (known, fixed later)
  hyperv.cluster.cluster_validation:
    nodes: [hv1, hv2]
    ignore: [Inventory]
    accept: [Validate Software Update Levels]
'''

RETURN = r'''
outcome:
  description: V(passed), V(passed_with_warnings) or V(failed); null when validation was skipped.
  returned: always
  type: str
  sample: passed_with_warnings
flags:
  description: The flags of the C(Test Result) record, in order.
  returned: when validation ran
  type: list
  elements: str
  sample: [HadUnselectedTests, ClusterConditionallyApproved]
test_warnings:
  description: The tests that reported warnings.
  returned: when validation ran
  type: list
  elements: dict
  contains:
    category:
      description: The test's category; null when the record had another form.
      type: str
      sample: Storage
    test:
      description: The test's name; null when the record had another form.
      type: str
      sample: List Potential Cluster Disks
    message:
      description: The record's text.
      type: str
failed_tests:
  description: The tests that failed (the error records), with the same keys as RV(test_warnings).
  returned: when validation ran
  type: list
  elements: dict
accepted_tests:
  description: The failed tests that O(accept) names.
  returned: when validation ran
  type: list
  elements: dict
report_path:
  description: The report on the node, as Test-Cluster returned it.
  returned: when validation ran
  type: str
  sample: C:\Windows\Cluster\Reports\hyperv-cluster-validation-20260101-120000.htm
local_report_path:
  description: The report on the controller; null without O(dest).
  returned: when validation ran
  type: str
  sample: /home/me/reports/hv1/hyperv-cluster-validation-20260101-120000.htm
nodes:
  description: The nodes given.
  returned: always
  type: list
  elements: str
skipped:
  description: True in check mode, and when O(cluster) exists with every node.
  returned: when validation was skipped
  type: bool
'''
