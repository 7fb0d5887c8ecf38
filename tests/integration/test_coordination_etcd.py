"""The coordination backend the openstack_compute role renders works against a real etcd: two processes (two nodes'
nova-compute) take the tooz lock compute-hyperv's cluster driver takes when it handles a failover, and only one
holds it at a time.

etcd is Debian's etcd-server, started here on loopback ports and stopped after the module; .ci/run installs it. Away
from CI a machine without etcd skips these tests; in CI (CI=true) a missing etcd fails them.
"""

import configparser
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
import yaml

from labkit import REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'openstack_compute.yml')
NOVA_CONF = 'C:\\Program Files\\Cloudbase Solutions\\OpenStack\\Nova\\etc\\nova.conf'
# compute_hyperv/nova/cluster/clusterops.py: the lock its failover handler takes, per instance.
LOCK_NAME = 'compute-hyperv-failover-instance-00000001'
HOLD_SECONDS = 1.5

# One node's nova-compute: take the lock, say so in a file, hold it, release it; print when it held it.
WORKER = textwrap.dedent('''
    import json, os, sys, time
    from tooz import coordination
    url, member, lock_name, held_flag, wait_for, hold = sys.argv[1:7]
    if wait_for != '-':
        deadline = time.monotonic() + 30
        while not os.path.exists(wait_for):
            if time.monotonic() > deadline:
                sys.exit('the other worker never took the lock')
            time.sleep(0.05)
    coordinator = coordination.get_coordinator(url, member.encode())
    coordinator.start(start_heart=True)
    lock = coordinator.get_lock(lock_name.encode())
    asked = time.time()
    with lock:
        acquired = time.time()
        open(held_flag, 'w').close()
        time.sleep(float(hold))
        released = time.time()
    coordinator.stop()
    print(json.dumps({'member': member, 'asked': asked, 'acquired': acquired, 'released': released}))
''')


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture(scope='module')
def etcd(tmp_path_factory):
    binary = shutil.which('etcd')
    if binary is None:
        if os.environ.get('CI'):
            pytest.fail('etcd is not installed (Debian package etcd-server); .ci/run installs it')
        pytest.skip('etcd is not installed (apt-get install etcd-server)')
    client, peer = _free_port(), _free_port()
    data = tmp_path_factory.mktemp('etcd')
    log = open(data / 'etcd.log', 'w', encoding='utf-8')  # pylint: disable=consider-using-with
    process = subprocess.Popen([  # pylint: disable=consider-using-with
        binary, '--name', 'hyperv-test', '--data-dir', str(data / 'data'),
        '--listen-client-urls', 'http://127.0.0.1:%d' % client,
        '--advertise-client-urls', 'http://127.0.0.1:%d' % client,
        '--listen-peer-urls', 'http://127.0.0.1:%d' % peer,
        '--initial-advertise-peer-urls', 'http://127.0.0.1:%d' % peer,
        '--initial-cluster', 'hyperv-test=http://127.0.0.1:%d' % peer],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen('http://127.0.0.1:%d/health' % client, timeout=2) as answer:
                    if json.loads(answer.read().decode()).get('health') in ('true', True):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail('etcd did not start: %s' % (data / 'etcd.log').read_text(encoding='utf-8')[-2000:])
            time.sleep(0.2)
        yield 'etcd3+http://127.0.0.1:%d?api_version=v3' % client
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope='module')
def rendered_backend_url(module_lab, etcd):
    """The [coordination] backend_url of nova.conf as the role wrote it on hv1 and hv2, given the etcd's URL."""
    with open(os.path.join(REPO_ROOT, 'playbooks', 'vars', 'lab_openstack_compute.yml'), encoding='utf-8') as handle:
        lab_vars = yaml.safe_load(handle)
    lab = module_lab('compute-etcd', nodes=2)
    run = lab.playbook(PLAYBOOK, extra_vars=dict(lab_vars, openstack_compute_coordination_backend_url=etcd))
    assert run.rc == 0, run
    urls = set()
    for node in ('hv1', 'hv2'):
        text = lab.lab_cli('file', lab.dir, node, NOVA_CONF).stdout
        parser = configparser.RawConfigParser()
        parser.read_string(text)
        urls.add(parser.get('coordination', 'backend_url'))
    assert len(urls) == 1, urls
    return urls.pop()


def test_the_rendered_url_is_the_etcd(rendered_backend_url, etcd):
    assert rendered_backend_url == etcd


def test_two_nodes_never_hold_the_failover_lock_at_once(rendered_backend_url, tmp_path):
    first_held, second_held = tmp_path / 'hv1.held', tmp_path / 'hv2.held'
    workers = []
    for member, flag, wait_for in (('hv1', first_held, '-'), ('hv2', second_held, str(first_held))):
        workers.append(subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-c', WORKER, rendered_backend_url, member, LOCK_NAME, str(flag), wait_for,
             str(HOLD_SECONDS)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=60)
        assert worker.returncode == 0, stderr
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    first, second = results
    # hv2 asked while hv1 held the lock, and got it only once hv1 had released it.
    assert first['acquired'] <= second['asked'] < first['released'], results
    assert second['acquired'] >= first['released'], results
    assert second['acquired'] - second['asked'] > 0.2, results


def test_another_instance_has_its_own_lock(rendered_backend_url, tmp_path):
    """The lock is per instance: a failover of another instance does not wait."""
    held = tmp_path / 'a.held'
    holder = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, '-c', WORKER, rendered_backend_url, 'hv1', LOCK_NAME, str(held), '-', str(HOLD_SECONDS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    other = subprocess.run(
        [sys.executable, '-c', WORKER, rendered_backend_url, 'hv2', 'compute-hyperv-failover-instance-00000002',
         str(tmp_path / 'b.held'), str(held), '0'], capture_output=True, text=True, timeout=60, check=False)
    stdout, stderr = holder.communicate(timeout=60)
    assert holder.returncode == 0 and other.returncode == 0, stderr + other.stderr
    first, second = json.loads(stdout.strip().splitlines()[-1]), json.loads(other.stdout.strip().splitlines()[-1])
    assert second['acquired'] < first['released'], (first, second)
