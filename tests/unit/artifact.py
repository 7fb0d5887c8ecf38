"""This collection's artifact, built with ansible-galaxy as a release and the execution environment build it."""

import os
import subprocess
import sys

import yaml

from collection_path import REPO_ROOT


def tool(name):
    """A command of the toolchain that runs the tests (.venv/bin/ansible-galaxy, .venv/bin/ansible-builder)."""
    return os.path.join(os.path.dirname(sys.executable), name)


def galaxy_metadata(source_dir=REPO_ROOT):
    with open(os.path.join(source_dir, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def artifact_name(source_dir=REPO_ROOT):
    meta = galaxy_metadata(source_dir)
    return '%s-%s-%s.tar.gz' % (meta['namespace'], meta['name'], meta['version'])


def build_collection(output_dir, source_dir=REPO_ROOT):
    """Run `ansible-galaxy collection build` on source_dir into output_dir; return the artifact's path."""
    process = subprocess.run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', str(output_dir),
                              str(source_dir)], capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    path = os.path.join(str(output_dir), artifact_name(source_dir))
    assert os.path.isfile(path), 'ansible-galaxy did not write %s: %s' % (path, process.stdout)
    return path
