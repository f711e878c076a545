"""The k-HRNN experiments: the HSMT task, classical baselines and the seed's three sweeps.

Needs the ``experiments`` extra (JAX, Equinox, Optax, Dask, matplotlib); nothing here is
imported by ``import hrnnc``.
"""
