"""Benchmarks run by `make bench`; each compares against a floor or a peer in the same run."""
