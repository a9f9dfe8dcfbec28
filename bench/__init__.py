"""Benchmarks: ``bench/run.py`` (pages under load) and ``bench/provisioning.py`` (new portals)."""
