"""Fixtures of the integration tests: labs shared by the tests of one module, built once.

The tests of a module often assert on different aspects of ONE playbook run (an ansible-playbook start costs
seconds); such a run lives in a module-scoped fixture built on ``module_lab`` and never changes afterwards.
"""

import pytest

from labkit import Lab


@pytest.fixture(scope='module')
def module_lab(tmp_path_factory):
    """module_lab(label, nodes=3, clusters=1, preset='clustered', vms=0, clustered_vms=0, local_vms=0) -> Lab."""

    def factory(label, **options):
        options.setdefault('nodes', 3)
        return Lab.create(str(tmp_path_factory.mktemp(label)), **options)

    return factory
