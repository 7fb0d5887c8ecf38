"""Cmdlet implementations, one module per PowerShell module, registered by name.

An implementation is ``fn(ctx, **bound_parameters) -> list of output objects``; it raises ``CmdletError`` for a
terminating error and calls ``ctx.write_error`` for a non-terminating one, ``ctx.write_warning(message)`` for a
warning record (what ``Write-Warning`` gives; the runner returns the messages in the step's ``warnings``).
"""

IMPLEMENTATIONS = {}

# The Windows feature whose installation makes a PowerShell module's cmdlets exist on a node.
MODULE_FEATURES = {
    'FailoverClusters': 'RSAT-Clustering-PowerShell',
    'Hyper-V': 'Hyper-V-PowerShell',
    'MPIO': 'Multipath-IO',
}


def cmdlet(name):
    def register(function):
        if name in IMPLEMENTATIONS:
            raise ValueError('cmdlet %s registered twice' % name)
        IMPLEMENTATIONS[name] = function
        return function
    return register


def load_all():
    # Imported for their registrations.
    from hvsim.cmdlets import (  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
        clusterdisks, failoverclusters, hyperv, membership, mpio, netadapter, quorum, validation, vmhost, vswitch)
    return IMPLEMENTATIONS
