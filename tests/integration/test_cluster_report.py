"""playbooks/cluster_report.yml on simulated labs, its page rendered by headless Chromium and checked for what it
shows: every node and its state, CSV usage as the lab has it, VMs per node, the N+1 verdict, quorum, a hostile VM
name as text, a node put Down, a node drained; and that a re-run changes nothing.

What the page shows is read from Chromium itself: a harness page (test-only JavaScript; the report has none) loads
the report in an iframe and writes the ``innerText`` of its parts (text as laid out, CSS applied, hidden text left
out) as JSON into its own DOM, which ``--dump-dom`` prints. The screenshots are decoded and checked for the colors
of the status stripe under the page header.

Chromium is Debian's ``chromium`` (``make services`` installs it as root). Away from CI a machine without it skips
these tests; in CI (CI=true) a missing Chromium fails them.
"""

import html
import json
import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter

import pytest

from hvsim.state import LabState
from labkit import REPO_ROOT

PLAYBOOK = os.path.join(REPO_ROOT, 'playbooks', 'cluster_report.yml')
HOSTILE_VM = '<script>alert("owned")</script> & \'co\''
RENAMED_VM = 'instance-0000000d'     # not clustered, on hv1 (cluster hvc1)
LAB = {'nodes': 4, 'clusters': 2, 'vms': 20, 'clustered_vms': 12}
WIDTH, HEIGHT = 1280, 3000
# Colors of the template: the status stripe under the page header (--ok-bar, --critical-bar), the header (--head)
# and the page (--page).
OK_STRIPE, CRITICAL_STRIPE = (0x2e, 0xa3, 0x57), (0xd9, 0x2d, 0x43)
HEADER, PAGE_BACKGROUND = (0x17, 0x20, 0x2e), (0xf3, 0xf5, 0xf8)

# Reads the report in the iframe the way a person sees it and writes it as JSON into #page.
HARNESS = '''<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<iframe id="report" src="%(report)s" style="width: %(width)dpx; height: %(height)dpx; border: 0"></iframe>
<pre id="page"></pre>
<script>
const seen = (element) => element ? element.innerText.replace(/\\s+/g, ' ').trim() : null;
document.getElementById('report').addEventListener('load', (event) => {
  const doc = event.target.contentDocument;
  const table = (element) => ({
    heading: seen(doc.getElementById(element.getAttribute('aria-labelledby') || '')),
    head: Array.from(element.querySelectorAll('thead th'), seen),
    rows: Array.from(element.querySelectorAll('tbody tr'), (row) => Array.from(row.cells, seen)),
  });
  document.getElementById('page').textContent = JSON.stringify({
    title: doc.title,
    text: doc.body.innerText,
    scripts: doc.querySelectorAll('script').length,
    external: doc.querySelectorAll('link, img, iframe, object, embed, [src]').length,
    overall: seen(doc.querySelector('.overall')),
    totals: Array.from(doc.querySelectorAll('.totals > div'), seen),
    cards: Array.from(doc.querySelectorAll('section.card'), (card) => ({
      name: seen(card.querySelector('h2')),
      status: seen(card.querySelector('.card-head .badge')),
      problems: Array.from(card.querySelectorAll('.problems li'), seen),
      tiles: Array.from(card.querySelectorAll('.tile'), seen),
      headroom: seen(card.querySelector('.verdict .big')),
      headroom_text: seen(card.querySelector('.verdict')),
      quorum: seen(card.querySelector('dl.facts')),
      tables: Array.from(card.querySelectorAll('table'), table),
    })),
  });
});
</script>
</body></html>
'''


@pytest.fixture(scope='module')
def chromium():
    binary = shutil.which('chromium')
    if binary is None:
        if os.environ.get('CI'):
            pytest.fail('chromium is not installed (Debian package chromium); make services installs it')
        pytest.skip('chromium is not installed (apt-get install chromium)')
    return binary


def _chromium(binary, profile, *args):
    command = [binary, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync',
               '--hide-scrollbars', '--user-data-dir=%s' % profile] + list(args)
    process = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout


class Page:
    """One rendered report: what Chromium shows of it, its screenshot, and its HTML."""

    def __init__(self, binary, report, workdir):
        harness = os.path.join(workdir, 'harness.html')
        with open(harness, 'w', encoding='utf-8') as handle:
            handle.write(HARNESS % {'report': os.path.basename(report), 'width': WIDTH, 'height': HEIGHT})
        profile = os.path.join(workdir, 'chromium-profile')
        # The harness reads the iframe's document: both are file:// pages, which Chromium keeps apart unless told.
        dom = _chromium(binary, profile, '--allow-file-access-from-files', '--dump-dom', 'file://' + harness)
        start, end = dom.index('<pre id="page">') + len('<pre id="page">'), dom.rindex('</pre>')
        self.shown = json.loads(html.unescape(dom[start:end]))
        self.screenshot = os.path.join(workdir, 'report.png')
        _chromium(binary, profile, '--window-size=%d,%d' % (WIDTH, HEIGHT), '--screenshot=%s' % self.screenshot,
                  'file://' + report)
        with open(report, encoding='utf-8') as handle:
            self.source = handle.read()

    def card(self, name):
        matches = [card for card in self.shown['cards'] if card['name'].split(' ')[0] == name]
        assert len(matches) == 1, [card['name'] for card in self.shown['cards']]
        return matches[0]

    def table(self, cluster, heading):
        matches = [table for table in self.card(cluster)['tables'] if (table['heading'] or '').lower() == heading]
        assert len(matches) == 1, [table['heading'] for table in self.card(cluster)['tables']]
        return matches[0]

    def rows(self, cluster, heading):
        """{first cell: {column heading: cell}} of one table of a cluster's card."""
        table = self.table(cluster, heading)
        return {row[0]: dict(zip([name.lower() for name in table['head']], row)) for row in table['rows']}


def png_pixels(path, max_rows):
    """(width, height, the first max_rows rows of (r, g, b) tuples) of an 8-bit RGB or RGBA PNG, as Chromium
    writes them."""
    with open(path, 'rb') as handle:
        data = handle.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    offset, chunks, header = 8, [], None
    while offset < len(data):
        length, kind = struct.unpack('>I4s', data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            chunks.append(body)
        offset += 12 + length
    width, height, depth, color, _compression, _filter, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    channels = 3 if color == 2 else 4
    raw, stride, rows, previous = zlib.decompress(b''.join(chunks)), width * channels, [], bytearray(width * channels)
    for index in range(min(height, max_rows)):
        kind, line = raw[index * (stride + 1)], bytearray(raw[index * (stride + 1) + 1:(index + 1) * (stride + 1)])
        for position in range(stride):
            left = line[position - channels] if position >= channels else 0
            up, corner = previous[position], previous[position - channels] if position >= channels else 0
            if kind == 1:
                line[position] = (line[position] + left) & 0xFF
            elif kind == 2:
                line[position] = (line[position] + up) & 0xFF
            elif kind == 3:
                line[position] = (line[position] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                nearest = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up),
                              (abs(estimate - corner), 2, corner))[2]
                line[position] = (line[position] + nearest) & 0xFF
        rows.append([tuple(line[pixel:pixel + 3]) for pixel in range(0, stride, channels)])
        previous = line
    return width, height, rows


def stripe_color(path):
    """The color of the first full-width band in the top 400 rows that is neither the header's nor the page's: the
    status stripe under the page header (Chromium's rendering may be a unit off the CSS color)."""
    width, height, rows = png_pixels(path, 400)
    assert (width, height) == (WIDTH, HEIGHT)
    for row in rows:
        color = Counter(row).most_common(1)[0][0]
        if sum(1 for pixel in row if close(pixel, color)) >= 0.98 * width and not any(close(color, other) for other in (HEADER, PAGE_BACKGROUND)):
            return color
    raise AssertionError('no status stripe under the header of %s' % path)


def close(color, expected):
    return max(abs(channel - wanted) for channel, wanted in zip(color, expected)) <= 4


def run_report(lab, workdir, **extra_vars):
    report = os.path.join(str(workdir), 'cluster-report.html')
    run = lab.playbook(PLAYBOOK, extra_vars=dict({'cluster_report_path': report}, **extra_vars))
    assert run.rc == 0, run
    return run, report


def seed_hostile_vm_name(lab):
    """The lab has no VM rename; give an unclustered VM a name full of markup through the simulator's state."""
    with LabState.open(lab.dir) as state:
        for record in state.vms.values():
            if record['name'] == RENAMED_VM:
                record['name'] = HOSTILE_VM
    assert HOSTILE_VM in lab.show()['vms']


@pytest.fixture(scope='module')
def healthy(module_lab, tmp_path_factory, chromium):
    lab = module_lab('report', **LAB)
    seed_hostile_vm_name(lab)
    workdir = tmp_path_factory.mktemp('report-page')
    run, report = run_report(lab, workdir)
    return {'lab': lab, 'run': run, 'report': report, 'page': Page(chromium, report, str(workdir)),
            'workdir': workdir}


def test_every_node_is_shown_with_its_state_drain_and_vms(healthy):
    page, show = healthy['page'], healthy['lab'].show()
    assert page.shown['overall'] == '✓ Overall: Healthy'
    assert 'Nodes up 4 / 4' in page.shown['totals'] and 'VMs running 20 / 20' in page.shown['totals']
    for cluster_name, cluster in show['clusters'].items():
        card = page.card(cluster_name)
        assert card['name'] == '%s %s' % (cluster_name, show['domain'])
        assert card['status'] == '✓ Healthy' and card['problems'] == []
        rows = page.rows(cluster_name, 'nodes and their vms')
        assert sorted(rows) == sorted(cluster['nodes'])
        for node_name, node in cluster['nodes'].items():
            vms = [vm for vm in show['vms'].values() if vm['host'] == node_name]
            row = rows[node_name]
            assert row['state'] == '✓ %s' % node['state'] == '✓ Up'
            assert row['drain'] == 'none' and node['drain_status'] == 'NotInitiated'
            assert row['vms'] == str(len(vms)) == str(show['nodes'][node_name]['vm_count'])
            assert row['running'] == str(sum(1 for vm in vms if vm['state'] == 'Running'))
            assert row['clustered'] == str(sum(1 for vm in vms if vm['clustered']))
            assert row['not clustered'] == str(sum(1 for vm in vms if not vm['clustered']))
            assert row['vm memory'] == '%.1f GiB' % (sum(vm['memory_mb'] for vm in vms) / 1024.0)
            assert row['host memory used'].endswith('% of 384.0 GiB'), row


def test_csv_usage_is_the_labs(healthy):
    page, show = healthy['page'], healthy['lab'].show()
    for cluster_name, cluster in show['clusters'].items():
        rows = {row['volume'].split(' ')[0]: row for row in page.rows(cluster_name, 'cluster shared volumes').values()}
        assert sorted(rows) == sorted(csv['path'] for csv in cluster['csvs'].values())
        for csv_name, csv in cluster['csvs'].items():
            row = rows[csv['path']]
            used = csv['size_bytes'] - csv['free_bytes']
            assert row['usage'] == '%.1f%% used' % (100.0 * used / csv['size_bytes'])
            assert row['volume'] == '%s %s · owner %s' % (csv['path'], csv_name, csv['owner'])
            assert row['used'] == '%.1f GiB' % (used / 1024.0 ** 3)
            assert row['size'] == '%.1f TiB' % (csv['size_bytes'] / 1024.0 ** 4)
    # The bars are as wide as the percentage they print.
    used = [csv['size_bytes'] - csv['free_bytes'] for csv in show['clusters']['hvc1']['csvs'].values()]
    for size, part in zip([csv['size_bytes'] for csv in show['clusters']['hvc1']['csvs'].values()], used):
        assert 'style="width: %.1f%%"' % round(100.0 * part / size, 1) in page.source


def test_headroom_and_quorum(healthy):
    page, show = healthy['page'], healthy['lab'].show()
    for cluster_name, cluster in show['clusters'].items():
        card = page.card(cluster_name)
        assert card['headroom'] == '✓ OK'
        assert card['headroom_text'].startswith('✓ OK Survives losing any 1 node; the worst case'), card
        assert 'N+1 headroom ✓ OK' in card['tiles']
        assert cluster['quorum'] == {'type': 'Majority', 'witness': cluster['quorum']['witness'], 'lost': False}
        assert cluster['quorum']['witness']['kind'] == 'file_share'
        assert card['quorum'] == ('Type Majority (Node and file share majority) '
                                  'Witness File share witness: File Share Witness')


def test_a_hostile_vm_name_is_shown_as_text(healthy):
    page = healthy['page']
    assert page.shown['scripts'] == 0 and page.shown['external'] == 0
    vms = page.rows('hvc1', 'vms to look at')
    assert vms[HOSTILE_VM]['node'] == 'hv1'
    assert vms[HOSTILE_VM]['why'] == 'not clustered: stays down if its node fails'
    assert HOSTILE_VM in page.shown['text']
    assert '<script>' not in page.source and '&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; &#39;co&#39;' \
        in page.source
    # Every VM that is not clustered is listed, and only those.
    show = healthy['lab'].show()
    expected = sorted(name for name, vm in show['vms'].items() if not vm['clustered'] and vm['host'] in ('hv1', 'hv2'))
    assert sorted(vms) == expected


def test_the_page_looks_like_a_healthy_report(healthy):
    # A real picture, not an empty page: a few hundred KB of PNG with the green stripe of a healthy page.
    assert os.path.getsize(healthy['page'].screenshot) > 60000
    assert close(stripe_color(healthy['page'].screenshot), OK_STRIPE)


def test_one_remote_execution_per_module_task_and_a_rerun_changes_nothing(healthy):
    lab, first = healthy['lab'], healthy['run']
    assert first.result('Write the report on the controller', 'hv1')['changed'] is True
    with open(healthy['report'], 'rb') as handle:
        before = handle.read()
    counts_before = lab.execution_counts()
    again, report = run_report(lab, healthy['workdir'])
    assert report == healthy['report']
    assert sum(again.changed(host) for host in again.stats) == 0, again.stats
    with open(report, 'rb') as handle:
        assert handle.read() == before
    counts = lab.execution_counts()
    added = {node: counts[node]['total'] - counts_before.get(node, {}).get('total', 0) for node in counts}
    # Leaders hv1 and hv3: cluster_info, cluster_capacity, host_info; the others: host_info.
    assert added == {'hv1': 3, 'hv2': 1, 'hv3': 3, 'hv4': 1}
    assert all(execution['mode'] == 'read' for execution in lab.executions())


def test_a_timestamp_is_shown_when_asked_and_then_every_run_changes(healthy, tmp_path):
    run, report = run_report(healthy['lab'], tmp_path, cluster_report_timestamp=True)
    assert run.result('Write the report on the controller', 'hv1')['changed'] is True
    with open(report, encoding='utf-8') as handle:
        assert ' · generated 20' in handle.read()
    with open(healthy['report'], encoding='utf-8') as handle:
        assert 'generated' not in handle.read()


@pytest.mark.parametrize('reserve_mb, verdict', [(340000, '! Tight'), (380000, '✕ At risk')])
def test_headroom_turns_amber_then_red_as_the_host_reserve_grows(healthy, tmp_path, chromium, reserve_mb, verdict):
    # 393216 MB per node, 5 VMs of 2 GiB (10440 MB with Hyper-V's overhead) on each; losing hv1 moves its 3 roles.
    # 340000 MB kept per host leaves 36512 MB after the worst failure: 9.3 % of hv2's memory, under the 10 % line.
    _run, report = run_report(healthy['lab'], tmp_path, cluster_report_host_memory_reserve_mb=reserve_mb)
    card = Page(chromium, report, str(tmp_path)).card('hvc1')
    assert card['headroom'] == verdict
    if verdict == '! Tight':
        assert '(9.3% of the remaining nodes\' memory)' in card['headroom_text']
        assert card['status'] == '! Needs attention'
    else:
        # 380000 MB kept: 2776 MB left on hv2 hold one of hv1's three roles (2088 MB each with the overhead).
        assert ('Does not survive losing any 1 node: without hv1, 2 VMs would not restart (4.1 GiB short).'
                in card['headroom_text']), card
        assert card['status'] == '✕ Critical'
    assert any(problem.startswith('N+1 headroom: ') for problem in card['problems'])


@pytest.fixture(scope='module')
def degraded(module_lab, tmp_path_factory, chromium):
    """hv2 (hvc1) lost power; hv4 (hvc2) paused and drained."""
    lab = module_lab('report-degraded', **LAB)
    lab.fault('node-down', 'hv2')
    drain = lab.playbook(os.path.join(REPO_ROOT, 'playbooks', 'node_drain.yml'), extra_vars={'hyperv_node': 'hv4'})
    assert drain.rc == 0, drain
    workdir = tmp_path_factory.mktemp('report-degraded-page')
    _run, report = run_report(lab, workdir)
    return {'lab': lab, 'page': Page(chromium, report, str(workdir))}


def test_a_node_down_and_a_drained_node_are_shown(degraded):
    page, show = degraded['page'], degraded['lab'].show()
    assert show['clusters']['hvc1']['nodes']['hv2']['state'] == 'Down'
    assert show['clusters']['hvc2']['nodes']['hv4'] == {'state': 'Paused', 'drain_status': 'Completed'}
    assert page.shown['overall'] == '✕ Overall: Critical'
    assert 'Nodes up 2 / 4' in page.shown['totals']

    hvc1 = page.rows('hvc1', 'nodes and their vms')
    assert hvc1['hv2']['state'] == '✕ Down'
    assert hvc1['hv2']['vms'] == 'VMs not reachable'
    # hv2's roles failed over to hv1, which now runs every role of the cluster.
    roles_on_hv1 = [group for group in show['clusters']['hvc1']['groups'].values()
                    if group['type'] == 'VirtualMachine' and group['owner'] == 'hv1']
    assert hvc1['hv1']['clustered'] == str(len(roles_on_hv1)) == '6'
    assert page.card('hvc1')['problems'][0] == 'Node hv2 is Down.'
    assert page.card('hvc1')['status'] == '✕ Critical'

    hvc2 = page.rows('hvc2', 'nodes and their vms')
    assert hvc2['hv4']['state'] == '! Paused' and hvc2['hv4']['drain'] == 'completed'
    assert hvc2['hv4']['clustered'] == '0'     # the drain moved its roles to hv3
    assert 'Node hv4 is Paused.' in page.card('hvc2')['problems']
    # With hv4 paused, losing hv3 leaves the witness alone: no quorum.
    assert page.card('hvc2')['headroom'] == '✕ At risk'
    assert 'without hv3 the cluster loses quorum and stops its VMs' in page.card('hvc2')['headroom_text']
    assert close(stripe_color(page.screenshot), CRITICAL_STRIPE)
