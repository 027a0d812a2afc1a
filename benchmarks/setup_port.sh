#!/bin/sh
# The benchmark environment for benchmarks/cost.py: inspect-evals (the agentic_misalignment
# port) beside the same inspect-ai as insider, in its own venv so it never enters insider's.
# inspect-evals 0.28.0 needs inspect-evals-utils, which is not on PyPI (checked 2026);
# 0.26.0 is the newest that installs with inspect-ai 0.3.285.
set -e
VENV="${BENCH_VENV:-/work/bench-venv}"
PY="${PYTHON:-python3.11}"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q "inspect-ai==0.3.285" "inspect-evals==0.26.0" "anthropic==2.14.0"
echo "port environment ready: $VENV"
