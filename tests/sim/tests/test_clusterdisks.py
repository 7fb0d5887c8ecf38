"""Get-Disk, Get-ClusterAvailableDisk, Add-ClusterDisk, Add-ClusterSharedVolume against CLUSTERING.md ("Disks")."""

import pytest

DISK = ['Number', 'Size', 'PartitionStyle', 'IsClustered']
INFO = ['Name', 'Number', 'Size']


@pytest.fixture
def cluster(make_lab, sim):
    lab = make_lab(nodes=3, preset='prepared')
    step = sim.one(lab, 'hv1', 'New-Cluster', {'Name': 'hvc1', 'Node': ['hv1', 'hv2', 'hv3'], 'NoStorage': True},
                   ['Name'], mode='write')
    assert step['status'] == 'ok', step
    return lab


def test_every_node_sees_its_system_disk_and_the_san(cluster, sim):
    disks = sim.one(cluster, 'hv2', 'Get-Disk', select=DISK)['output']
    assert [disk['Number'] for disk in disks] == [0, 1, 2, 3, 4, 5]
    assert disks[4]['PartitionStyle'] == 'MBR' and not any(disk['IsClustered'] for disk in disks)
    missing = sim.one(cluster, 'hv2', 'Get-Disk', {'Number': [9]}, DISK)
    assert missing['errors'][0]['message'].startswith("No MSFT_Disk objects found with property 'Number' equal to '9'")


def test_available_disks_then_add_rename_and_make_a_csv(cluster, sim):
    available = sim.one(cluster, 'hv1', 'Get-ClusterAvailableDisk', select=INFO)['output']
    assert [(disk['Name'], disk['Number']) for disk in available] == [
        ('Cluster Disk 1', 1), ('Cluster Disk 2', 2), ('Cluster Disk 3', 3), ('Cluster Disk 4', 4),
        ('Cluster Disk 5', 5)]
    run = sim.run(cluster, 'hv1', 'write', [
        sim.call('disk', 'Get-Disk', {'Number': [2]}),
        sim.call('add', 'Add-ClusterDisk', {'InputObject': {'__ref__': 'disk'}}, ['Name', 'State']),
        sim.assign('rename', 'add', {'Name': 'CSV-A'}),
        sim.call('csv', 'Add-ClusterSharedVolume', {'Name': ['CSV-A']},
                 ['Name', 'SharedVolumeInfo.FriendlyVolumeName'])])
    steps = sim.steps(run)
    assert steps['add']['output'] == [{'Name': 'Cluster Disk 1', 'State': 'Online'}]
    # SharedVolumeInfo is a collection, so its property reads as a list.
    assert steps['csv']['output'] == [{'Name': 'CSV-A', 'SharedVolumeInfo.FriendlyVolumeName':
                                       ['C:\\ClusterStorage\\Volume1']}]
    show = cluster.show()
    assert show['clusters']['hvc1']['csvs']['CSV-A']['path'] == 'C:\\ClusterStorage\\Volume1'
    assert show['shared_disks']['2']['cluster'] == 'hvc1'
    assert [disk['Number'] for disk in sim.one(cluster, 'hv3', 'Get-ClusterAvailableDisk', select=INFO)['output']] \
        == [1, 3, 4, 5]
    assert sim.one(cluster, 'hv3', 'Get-Disk', {'Number': [2]}, DISK)['output'][0]['IsClustered'] is True


def test_a_disk_in_available_storage_is_a_resource_and_can_be_the_witness(cluster, sim):
    run = sim.run(cluster, 'hv1', 'write', [
        sim.call('disk', 'Get-Disk', {'Number': [1]}),
        sim.call('add', 'Add-ClusterDisk', {'InputObject': {'__ref__': 'disk'}}, ['Name'])])
    assert sim.steps(run)['add']['output'] == [{'Name': 'Cluster Disk 1'}]
    resources = sim.one(cluster, 'hv1', 'Get-ClusterResource', select=['Name', 'ResourceType.Name'])['output']
    assert {'Name': 'Cluster Disk 1', 'ResourceType.Name': 'Physical Disk'} in resources
    assert cluster.show()['clusters']['hvc1']['disks']['Cluster Disk 1']['number'] == 1
    step = sim.one(cluster, 'hv1', 'Set-ClusterQuorum', {'DiskWitness': 'Cluster Disk 1'},
                   ['QuorumResource.Name', 'QuorumResource.ResourceType.DisplayName'], mode='write')
    assert step['output'] == [{'QuorumResource.Name': 'Cluster Disk 1',
                               'QuorumResource.ResourceType.DisplayName': 'Physical Disk'}]
    csv = sim.one(cluster, 'hv1', 'Add-ClusterSharedVolume', {'Name': ['Cluster Disk 1']}, ['Name'], mode='write')
    assert 'is the quorum witness' in csv['errors'][0]['message']


def test_refusals(cluster, sim):
    run = sim.run(cluster, 'hv1', 'write', [
        sim.call('disk', 'Get-Disk', {'Number': [3]}),
        sim.call('add', 'Add-ClusterDisk', {'InputObject': {'__ref__': 'disk'}}, ['Name']),
        sim.call('again', 'Add-ClusterDisk', {'InputObject': {'__ref__': 'disk'}}, ['Name'])])
    assert 'is not available to the cluster' in sim.steps(run)['again']['errors'][0]['message']
    missing = sim.one(cluster, 'hv1', 'Add-ClusterSharedVolume', {'Name': ['Cluster Disk 7']}, ['Name'], mode='write')
    assert 'The cluster resource could not be found' in missing['errors'][0]['message']
    sim.one(cluster, 'hv1', 'Add-ClusterSharedVolume', {'Name': ['Cluster Disk 1']}, ['Name'], mode='write')
    twice = sim.one(cluster, 'hv1', 'Add-ClusterSharedVolume', {'Name': ['Cluster Disk 1']}, ['Name'], mode='write')
    assert 'is already a Cluster Shared Volume' in twice['errors'][0]['message']


def test_a_disk_not_every_node_sees_is_not_available(cluster, sim):
    with sim.edit(cluster) as state:
        state.data['shared_disks'][2]['nodes'] = ['hv1', 'hv2']        # disk 3 is not zoned to hv3
    numbers = [disk['Number'] for disk in sim.one(cluster, 'hv1', 'Get-ClusterAvailableDisk', select=INFO)['output']]
    assert numbers == [1, 2, 4, 5]


def test_get_volume_shows_the_system_volume_and_the_clusters_csvs(make_lab, sim):
    lab = make_lab(nodes=2)
    select = ['DriveLetter', 'FileSystem', 'Size', 'SizeRemaining', 'FileSystemLabel']
    volumes = sim.one(lab, 'hv1', 'Get-Volume', select=select)['output']
    assert volumes[0] == {'DriveLetter': 'C', 'FileSystem': 'NTFS', 'Size': 480 * 1024 ** 3,
                          'SizeRemaining': 400 * 1024 ** 3, 'FileSystemLabel': ''}
    assert [(volume['DriveLetter'], volume['FileSystem'], volume['FileSystemLabel']) for volume in volumes[1:]] == [
        (None, 'CSVFS', 'Cluster Disk 1'), (None, 'CSVFS', 'Cluster Disk 2')]
    assert all(0 < volume['SizeRemaining'] < volume['Size'] for volume in volumes[1:])
    missing = sim.one(lab, 'hv1', 'Get-Volume', {'DriveLetter': ['E']}, ['DriveLetter'])
    assert missing['output'] == []
    assert missing['errors'][0]['message'].startswith("No MSFT_Volume objects found with property 'DriveLetter' "
                                                      "equal to 'E'")
    assert missing['errors'][0]['category'] == 'ObjectNotFound'
