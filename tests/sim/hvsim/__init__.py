"""hvsim: the simulated Windows platform hyperv.cluster is tested against (see tests/sim/README.md)."""
