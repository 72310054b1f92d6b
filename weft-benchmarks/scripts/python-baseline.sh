#!/usr/bin/env bash
# Runs scripts/python/mp_baseline.py (Python multiprocessing baselines, issue 11) in a venv that has
# numpy, creating the venv first if it is missing; idempotent. Arguments go to the script:
#
#   weft-benchmarks/scripts/python-baseline.sh                    # everything, full sizes
#   weft-benchmarks/scripts/python-baseline.sh --quick            # smoke test
#   weft-benchmarks/scripts/python-baseline.sh --only array --array-mib 256
#
# VENV (default /work/venv-bench, outside the repository) and PYTHON (default python3, a 3.11+)
# override the defaults. If numpy cannot be installed the script still runs and skips the array
# workload, saying so.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-/work/venv-bench}"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "# python-baseline: creating venv $VENV with $($PYTHON --version 2>&1)" >&2
  "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import numpy' 2>/dev/null; then
  echo "# python-baseline: installing numpy into $VENV" >&2
  if ! "$VENV/bin/pip" install -q numpy >&2; then
    echo "# python-baseline: pip could not install numpy into $VENV;" \
      "the array workload will be skipped (install numpy there by hand to measure it)" >&2
  fi
fi
exec "$VENV/bin/python" "$here/python/mp_baseline.py" "$@"
