"""Benchmarks and the tooling they share with the tests (the provider simulator, the
reliability campaigns). Not part of the installed `insider` package: import it from the
repository root (pytest puts the root on `sys.path`; the scripts here add it themselves).
"""
