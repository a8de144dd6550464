#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's install of the Python package, in a fresh virtual
# environment that uses the system's numpy: pip builds it from this
# checkout (no network: --no-index), and it integrates.
#   python/tests/install.sh PYTHON SOURCE_DIR
set -eu
py=$1
src=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$py" -m venv --system-site-packages "$dir/venv"
"$dir/venv/bin/pip" install -q --no-index --no-build-isolation "$src/python"
cd "$dir"
"$dir/venv/bin/python" - <<'PY'
import math
import numpy as np
import simdquad
assert simdquad.__file__.startswith(__import__("sys").prefix), simdquad.__file__
r = simdquad.quad(np.sin, 0, math.pi)
assert r.status == "ok" and abs(r.integral - 2) <= r.error, r
k = np.arange(1.0, 11.0)
r = simdquad.quad("exp(-p0*x*x)", -np.inf, np.inf, args=(k,))
assert r.success.all() and np.all(np.abs(r.integral - np.sqrt(np.pi / k)) <= r.error)
print("installed:", simdquad.__version__, simdquad.__file__)
PY
