#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's deterministic figures, recomputed from this build.

    scripts/readme_figures.py BUILD_DIR [--update]

Evaluation counts, rounds, intervals, statuses and test counts do not
depend on the machine's speed (nor, for these integrals, on the ISA or the
math backend), so they can be checked exactly: each entry below finds a
figure in README.md and computes it again with the command or the Python
package of BUILD_DIR. Without --update, every figure that disagrees is
listed and the exit status is 1 (ctest runs this); with --update the
README is rewritten with today's figures. Timings come from the
benchmarks (scripts/bench.sh, bench/python_bench.py) and are not checked.
"""

import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    build = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv[2:]
    sys.path.insert(0, os.path.join(build, "python"))
    import numpy as np
    import simdquad

    cli = os.path.join(build, "simdquad")

    def run(*args):
        p = subprocess.run([cli, *args], capture_output=True, text=True)
        return p.stdout

    def jrun(*args):
        return json.loads(run(*args, "--json"))

    def evals(f, a, b, **kw):
        kw.setdefault("epsrel", 0)
        return int(np.sum(simdquad.quad(f, a, b, **kw).nfev))

    table = 0.005 * np.arange(1, 1201)

    def group(n):
        return "{:,}".format(n)

    def ctest_count():
        p = subprocess.run(["ctest", "-N"], cwd=build, capture_output=True, text=True)
        m = re.search(r"Total Tests: (\d+)", p.stdout)
        return m.group(1) if m else "?"

    def console(expr, *args):
        """The text lines `simdquad integrate` prints, timings kept as in
        the README (they are not figures of this check)."""
        return run("integrate", expr, *args).splitlines()

    # (what, pattern with one group, the figure now)
    checks = [
        ("cos on [0, 3000] at 1e-12 stops after",
         r"stops after ([\d,]+)\nevaluations",
         lambda: group(evals("cos", 0, 3000, epsabs=1e-12))),
        ("GK21 on the 1200 exp(-x^2) integrals at 1e-14 (prose)",
         r"at tight tolerances \(([\d,]+) evaluations against",
         lambda: group(evals("gauss", 0, table, epsabs=1e-14))),
        ("engine table: Simpson cos on [0, 3000]",
         r"\| Simpson \| `cos` on \[0, 3000\], epsabs 1e-12 \| ([\d,]+) \|",
         lambda: group(evals("cos", 0, 3000, epsabs=1e-12, rule="simpson",
                               max_intervals=1000000))),
        ("engine table: Simpson exp(-x^2) table, a loop",
         r"\| Simpson \| `exp\(-x\*x\)` over \[0, 0.005k\], k = 1..1200, epsabs 1e-14, a loop \| ([\d,]+) \|",
         lambda: group(evals("gauss", 0, table, epsabs=1e-14, rule="simpson"))),
        ("engine table: Simpson exp(-x^2) table, one batch",
         r"\| Simpson \| the same 1200 integrals as one batch \| ([\d,]+) \|",
         lambda: group(evals("gauss", 0, table, epsabs=1e-14, rule="simpson"))),
        ("engine table: GK15 cos on [0, 1e5]",
         r"\| GK15 \| `cos` on \[0, 1e5\], epsabs 1e-9 \| ([\d,]+) \|",
         lambda: group(evals("cos", 0, 1e5, epsabs=1e-9, rule="gk15"))),
        ("engine table: GK21 cos on [0, 1e5]",
         r"\| GK21 \| `cos` on \[0, 1e5\], epsabs 1e-9 \| ([\d,]+) \|",
         lambda: group(evals("cos", 0, 1e5, epsabs=1e-9))),
        ("engine table: GK21 cos on [0, 1e6]",
         r"\| GK21 \| `cos` on \[0, 1e6\], epsabs 1e-8 \| ([\d,]+) \|",
         lambda: group(evals("cos", 0, 1e6, epsabs=1e-8, max_intervals=1000000))),
        ("engine table: GK21 exp(-x^2) table, a loop",
         r"\| GK21 \| `exp\(-x\*x\)` table, a loop \| ([\d,]+) \|",
         lambda: group(evals("gauss", 0, table, epsabs=1e-14))),
        ("engine table: GK21 exp(-x^2) table, one batch",
         r"\| GK21 \| the same 1200 integrals as one batch \| ([\d,]+) \|",
         lambda: group(evals("gauss", 0, table, epsabs=1e-14))),
        ("console: exp(-x*x)*cos(3*x) counts",
         r"\n  (\d+ evaluations, \d+ rounds, \d+ intervals), gk21 global",
         lambda: re.search(r"(\d+ evaluations, \d+ rounds, \d+ intervals)",
                           console("exp(-x*x)*cos(3*x)", "-inf", "inf")[1]).group(1)),
        ("console: exp(-x*x)*cos(3*x) value",
         r"\$ simdquad integrate 'exp\(-x\*x\)\*cos\(3\*x\)' -inf inf\nok: ([-0-9.e]+) \+-",
         lambda: console("exp(-x*x)*cos(3*x)", "-inf", "inf")[0].split()[1]),
        ("console: log(x)/sqrt(x) evaluations",
         r"integrate 'log\(x\)/sqrt\(x\)' 0 1 --json\n\{.*?\"evals\": (\d+),",
         lambda: str(jrun("integrate", "log(x)/sqrt(x)", "0", "1")["evals"])),
        ("console: log(x)/sqrt(x) rounds and intervals",
         r"integrate 'log\(x\)/sqrt\(x\)' 0 1 --json\n\{.*?(\"rounds\": \d+, \"intervals\": \d+)",
         lambda: '"rounds": {rounds}, "intervals": {intervals}'.format(
             **jrun("integrate", "log(x)/sqrt(x)", "0", "1"))),
        ("console: log(x)/sqrt(x) value",
         r"integrate 'log\(x\)/sqrt\(x\)' 0 1 --json\n\{\"value\": ([-0-9.e]+),",
         lambda: repr(jrun("integrate", "log(x)/sqrt(x)", "0", "1")["value"])),
        ("console: three outputs on one subdivision, counts",
         r"x\^2\*exp\(-x\*x\)' 0 inf\n(?:[^\n]*\n){4}  (\d+ evaluations, \d+ rounds, \d+ intervals), gk21",
         lambda: re.search(r"(\d+ evaluations, \d+ rounds, \d+ intervals)",
                           console("exp(-x*x); x*exp(-x*x); x^2*exp(-x*x)", "0",
                                   "inf")[4]).group(1)),
        ("the expensive mode: GK21 evaluations in the classic experiment",
         r"reaches the same accuracy with (\d+) evaluations",
         lambda: str(jrun("integrate", "sin(x)", "0", "pi", "--epsabs", "1e-10",
                          "--epsrel", "0")["evals"])),
        ("CI table: tests in scripts/test.sh",
         r"\| every suite, `-Wall -Wextra -Werror` \| (\d+) tests pass \|",
         ctest_count),
    ]
    path = os.path.join(ROOT, "README.md")
    text = open(path, encoding="utf-8").read()
    stale = 0
    for what, pattern, now in checks:
        m = re.search(pattern, text, re.S)
        if m is None:
            print("not found in README.md: {} ({})".format(what, pattern))
            stale += 1
            continue
        value = now()
        if m.group(1) != value:
            stale += 1
            print("{}: README says {}, this build gives {}".format(what, m.group(1), value))
            if update:
                text = text[:m.start(1)] + value + text[m.end(1):]
    if update:
        # The console examples are rewritten whole: value, error, counts
        # and what this machine printed besides (ISA, backend, seconds).
        for cmd, args in (("integrate 'exp(-x*x)*cos(3*x)' -inf inf",
                           ("exp(-x*x)*cos(3*x)", "-inf", "inf")),
                          ("integrate 'log(x)/sqrt(x)' 0 1 --json",
                           ("log(x)/sqrt(x)", "0", "1", "--json"))):
            out = run("integrate", *args).rstrip("\n")
            head = "$ simdquad " + cmd + "\n"
            i = text.find(head)
            if i >= 0:
                j = i + len(head)
                k = j
                for _ in out.split("\n"):
                    k = text.index("\n", k) + 1
                text = text[:j] + out + "\n" + text[k:]
        open(path, "w", encoding="utf-8").write(text)
        print("README.md updated ({} figures)".format(stale))
        return 0
    if stale == 0:
        print("all {} figures agree".format(len(checks)))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
