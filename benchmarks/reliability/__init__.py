"""Reliability campaigns: kill and resume, provider faults, hostile input.

Used by `benchmarks/reliability.py` for the figures and by the tests in short versions.
"""
