"""The example inventories in docs/inventories parse, and every role variable they set is one the roles document."""

import glob
import json
import os
import subprocess
import sys

import pytest
import yaml

from collection_path import REPO_ROOT

INVENTORIES = sorted(glob.glob(os.path.join(REPO_ROOT, 'docs', 'inventories', '*.yml')))
ROLE_PREFIXES = {'cluster_prereqs_': 'cluster_prereqs', 'failover_cluster_': 'failover_cluster', 'csv_': 'csv',
                 'openstack_compute_': 'openstack_compute'}


def documented(role):
    with open(os.path.join(REPO_ROOT, 'roles', role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        return set(yaml.safe_load(handle)['argument_specs']['main']['options'])


@pytest.mark.parametrize('path', INVENTORIES, ids=[os.path.basename(path) for path in INVENTORIES])
def test_example_inventory_parses_and_sets_only_documented_role_variables(path):
    process = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', path,
                              '--list'], capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr
    inventory = json.loads(process.stdout)
    assert inventory['hyperv'].get('hosts') or inventory['hyperv'].get('children'), 'no hyperv group'
    variables = set()
    for host_vars in inventory['_meta']['hostvars'].values():
        variables.update(host_vars)
    for name in sorted(variables):
        for prefix, role in ROLE_PREFIXES.items():
            if name.startswith(prefix):
                assert name in documented(role), '%s sets %s, which role %s does not document' % (
                    os.path.basename(path), name, role)
    assert all('hyperv_cluster_name' in host_vars for host_vars in inventory['_meta']['hostvars'].values())


def test_there_are_examples_for_two_four_nodes_and_two_clusters():
    assert [os.path.basename(path) for path in INVENTORIES] == ['four-node.yml', 'two-clusters.yml', 'two-node.yml']
