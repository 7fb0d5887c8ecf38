# Copyright (c) 2026 hyperv.cluster contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""hyperv.cluster.cluster_disk: one shared disk into the cluster, named, and by default made a Cluster Shared Volume.

Every decision is in ``execute``: one read (the cluster's disk resources and CSVs, the disks the cluster could take,
the node's disks), the disk chosen and checked in Python, at most one write (add, name, make a CSV).
"""

from __future__ import annotations

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._action import ClusterAction
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, ref
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import (
    InvalidInputError,
    ObjectNotFoundError,
    PreconditionError,
)

GIB = 1024 ** 3
DEFAULT_MIN_GB = {True: 10, False: 1}     # a CSV holds VMs; a witness disk needs little
RESOURCE_SELECT = ['Name', 'ResourceType.Name', 'OwnerGroup.Name', 'State']
CSV_SELECT = ['Name', 'State', 'SharedVolumeInfo.FriendlyVolumeName']
DISK_SELECT = ['Number', 'Size', 'PartitionStyle', 'IsClustered', 'UniqueId', 'FriendlyName']


def _first(value):
    return value[0] if isinstance(value, list) and value else (None if isinstance(value, list) else value)


def _gb(size):
    return round(int(size or 0) / GIB)


def _named(rows, name):
    return next((row for row in rows if str(row.get('Name', '')).lower() == name.lower()), None)


class ActionModule(ClusterAction):
    ARGUMENT_SPEC = dict(
        name=dict(type='str', required=True),
        number=dict(type='int'),
        size_gb=dict(type='int'),
        label=dict(type='str'),
        csv=dict(type='bool', default=True),
        min_size_gb=dict(type='int'),
    )
    MUTUALLY_EXCLUSIVE = [('number', 'size_gb', 'label')]

    def execute(self, params, host):
        name = params['name']
        label = 'cluster disk %s' % name
        read = Batch('read')
        _cluster.add_cluster_read(read)
        read.call('resources', 'Get-ClusterResource', select=RESOURCE_SELECT)
        read.call('csvs', 'Get-ClusterSharedVolume', select=CSV_SELECT)
        read.call('available', 'Get-ClusterAvailableDisk', select=['Name', 'Number', 'Size', 'Id'])
        read.call('disks', 'Get-Disk', select=DISK_SELECT)
        found = host.read(read)
        cluster = _cluster.require_cluster(found, host.name, 'add a disk to a cluster', subject=label)
        for step_id in ('resources', 'csvs', 'available', 'disks'):
            if not found[step_id].ok:
                _cluster.raise_step_error('cluster %s' % cluster['name'], found[step_id],
                                          'reading %s failed' % step_id)
        csv = _named(found['csvs'].output, name)
        resource = _named([row for row in found['resources'].output
                           if row.get('ResourceType.Name') == 'Physical Disk'], name)
        if csv is not None:
            if not params['csv']:
                raise PreconditionError(label, 'it is a Cluster Shared Volume of cluster %s, and csv is false'
                                        % cluster['name'], 'This module does not turn CSVs back into disks: set csv: '
                                        'true, or remove the CSV yourself (Remove-ClusterSharedVolume) if you mean '
                                        'to.')
            return self._outcome(False, self._csv_view(csv), self._csv_view(csv))
        if resource is not None:
            before = self._disk_view(resource)
            if not params['csv']:
                return self._outcome(False, before, before)
            if resource.get('OwnerGroup.Name') != 'Available Storage':
                raise PreconditionError(label, 'the disk is in group %s (the quorum witness is in Cluster Group), '
                                        'so it cannot be a Cluster Shared Volume' % resource.get('OwnerGroup.Name'),
                                        'Give another disk, or move the witness off this one first '
                                        '(hyperv.cluster.cluster_quorum).')
            after = dict(before, csv=True, path=None)
            if self.check_mode:
                return self._outcome(True, before, after)
            write = Batch('write')
            write.call('csv', 'Add-ClusterSharedVolume', {'Name': [name]}, select=CSV_SELECT)
            return self._finish(host, write, label, before)

        disk = self._choose(params, found, label, cluster['name'])
        before = {'name': name, 'exists': False, 'number': None, 'size_bytes': None, 'csv': False, 'path': None}
        after = {'name': name, 'exists': True, 'number': disk['Number'], 'size_bytes': disk['Size'],
                 'csv': params['csv'], 'path': None}
        if self.check_mode:
            return self._outcome(True, before, after)
        write = Batch('write')
        write.call('disk', 'Get-Disk', {'Number': [disk['Number']]})
        write.call('add', 'Add-ClusterDisk', {'InputObject': ref('disk')}, select=['Name'])
        write.set('rename', 'add', {'Name': name})
        if params['csv']:
            write.call('csv', 'Add-ClusterSharedVolume', {'Name': [name]}, select=CSV_SELECT)
        return self._finish(host, write, label, before, number=disk['Number'], size=disk['Size'])

    def _choose(self, params, found, label, cluster_name):
        """The disk to add: by number, label or size, available to the cluster, GPT and big enough."""
        disks, available = found['disks'].output, found['available'].output
        offered = ', '.join('%s (%d GB)' % (row.get('Number'), _gb(row.get('Size'))) for row in available) or 'none'
        if params['number'] is None and params['size_gb'] is None and params['label'] is None:
            raise InvalidInputError(label, 'no disk resource of that name exists in cluster %s, and neither number, '
                                    'label nor size_gb says which disk to add' % cluster_name,
                                    'Give number (or label, or size_gb). Disks the cluster can take: %s.' % offered)
        if params['number'] is not None:
            disk = next((row for row in disks if row.get('Number') == params['number']), None)
            if disk is None:
                raise ObjectNotFoundError(label, 'the node sees no disk %d' % params['number'],
                                          'Disks the cluster can take: %s.' % offered)
        elif params['label'] is not None:
            disk = self._labelled(params['label'], disks, label)
        else:
            matches = [row for row in available if _gb(row.get('Size')) == params['size_gb']]
            if len(matches) != 1:
                error = ObjectNotFoundError if not matches else InvalidInputError
                raise error(label, '%s available disks of %d GB' % (len(matches) or 'no', params['size_gb']),
                            'Give number instead. Disks the cluster can take: %s.' % offered)
            disk = next(row for row in disks if row.get('Number') == matches[0].get('Number'))
        number = disk['Number']
        if disk.get('IsClustered'):
            names = ', '.join(row['Name'] for row in found['resources'].output
                              if row.get('ResourceType.Name') == 'Physical Disk') or 'none outside CSVs'
            raise PreconditionError(label, 'disk %d is already clustered, under another name' % number,
                                    'Use its resource name (disk resources: %s; CSVs: %s) or another disk.' % (
                                        names, ', '.join(row['Name'] for row in found['csvs'].output) or 'none'))
        if not any(row.get('Number') == number for row in available):
            raise PreconditionError(label, 'disk %d is not available to cluster %s: not every node sees it, or it is '
                                    'the system disk' % (number, cluster_name),
                                    'Present the LUN to every node (and claim it with MPIO). Disks the cluster can '
                                    'take: %s.' % offered)
        if disk.get('PartitionStyle') != 'GPT':
            raise PreconditionError(label, 'disk %d is %s, not GPT' % (number, disk.get('PartitionStyle')),
                                    'Cluster disks here must be GPT (MBR stops at 2 TB and cannot grow past it): '
                                    'convert it (it must be empty) with Initialize-Disk -PartitionStyle GPT, or give '
                                    'another disk.')
        minimum = params['min_size_gb'] if params['min_size_gb'] is not None else DEFAULT_MIN_GB[params['csv']]
        if int(disk['Size']) < minimum * GIB:
            raise PreconditionError(label, 'disk %d has %.1f GB, less than the %d GB asked for a %s'
                                    % (number, int(disk['Size']) / GIB, minimum,
                                       'Cluster Shared Volume' if params['csv'] else 'cluster disk'),
                                    'Give a bigger disk, or lower min_size_gb.')
        return disk

    @staticmethod
    def _labelled(wanted, disks, subject):
        """The one disk whose whole FriendlyName is ``wanted`` (case aside).

        Exact on purpose: a FriendlyName is the vendor's model string plus the LUN's name ('MSFT Virtual HD CSV-A'),
        so a part of it could match a disk nobody meant; a label that is only the end of one gets a hint instead.
        """
        matches = [row for row in disks if str(row.get('FriendlyName') or '').lower() == wanted.lower()]
        if len(matches) == 1:
            return matches[0]
        seen = '; '.join('%s %r (%d GB)' % (row.get('Number'), row.get('FriendlyName'), _gb(row.get('Size')))
                         for row in disks) or 'none'
        if matches:
            numbers = ', '.join(str(row.get('Number')) for row in matches)
            raise InvalidInputError(subject, 'disks %s all have the FriendlyName %r' % (numbers, wanted),
                                    'Give number instead (or give the LUNs distinct names on the SAN). Disks the '
                                    'node sees: %s.' % seen)
        ends_with = [row.get('FriendlyName') for row in disks
                     if str(row.get('FriendlyName') or '').lower().endswith(' ' + wanted.lower())]
        hint = 'The label is matched whole: did you mean %s? ' % ' or '.join(repr(name) for name in ends_with) \
            if ends_with else ''
        raise ObjectNotFoundError(subject, 'the node sees no disk with the FriendlyName %r' % wanted,
                                  '%sGive the whole FriendlyName as Get-Disk shows it, or number. Disks the node '
                                  'sees: %s.' % (hint, seen))

    def _finish(self, host, write, label, before, number=None, size=None):
        name = before['name']
        # All resources, not -Name: whether Get-ClusterResource lists CSV disks is not something to depend on.
        write.call('final_resource', 'Get-ClusterResource', select=RESOURCE_SELECT)
        write.call('final_csv', 'Get-ClusterSharedVolume', select=CSV_SELECT)
        done = host.write(write)
        if done.failed_steps:
            step = done.failed_steps[0]
            _cluster.raise_step_error(label, step, '%s failed' % ('naming the disk' if step.op == 'set'
                                                                  else 'adding the disk'),
                                      'Fix the cause and rerun: the module picks up from what exists (a disk that '
                                      'was added keeps its resource).', disk=before)
        csv = _named(done['final_csv'].output, name)
        if csv is not None:
            after = self._csv_view(csv)
        else:
            after = self._disk_view(_named(done['final_resource'].output, name) or {'Name': name})
        after.update({key: value for key, value in (('number', number), ('size_bytes', size)) if value is not None})
        return self._outcome(True, before, after)

    @staticmethod
    def _csv_view(row):
        return {'name': row.get('Name'), 'exists': True, 'csv': True, 'state': row.get('State'),
                'path': _first(row.get('SharedVolumeInfo.FriendlyVolumeName'))}

    @staticmethod
    def _disk_view(row):
        return {'name': row.get('Name'), 'exists': True, 'csv': False, 'state': row.get('State'), 'path': None}

    @staticmethod
    def _outcome(changed, before, after):
        return {'changed': changed, 'disk': after, 'diff': {'before': before, 'after': after}}
