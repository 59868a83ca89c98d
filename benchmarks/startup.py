"""Start-up times of the command line and the library (issue: a fast start).

    python benchmarks/startup.py        # median of 7 fresh processes each; writes benchmarks/startup.md

Targets: `maxcert --help` and `--version` within 0.3 s, `maxcert derive --d 9 --R 0,1,8` within 1 s,
`import maxcert` within 0.5 s. Each is a fresh Python process, so the numbers include the interpreter's
own start (measured alone on the first line as a baseline, same machine, same run).
"""

import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [("python -c pass (baseline)", [sys.executable, "-c", "pass"], None),
         ("import maxcert", [sys.executable, "-c", "import maxcert"], 0.5),
         ("maxcert --version", [sys.executable, "-m", "maxcert", "--version"], 0.3),
         ("maxcert --help", [sys.executable, "-m", "maxcert", "--help"], 0.3),
         ("maxcert derive --d 9 --R 0,1,8", [sys.executable, "-m", "maxcert", "derive", "--d", "9", "--R", "0,1,8"], 1.0)]


def median_time(cmd, runs=7):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    rows = [(name, median_time(cmd), target) for name, cmd, target in CASES]
    lines = ["# Start-up times", "", f"`python benchmarks/startup.py`: median of 7 fresh processes, "
             f"{os.cpu_count()} cores, Python {sys.version.split()[0]}.", "",
             "| command | median s | target s | met |", "| --- | --- | --- | --- |"]
    for name, t, target in rows:
        lines.append(f"| `{name}` | {t:.3f} | {'' if target is None else target} | "
                     f"{'' if target is None else ('yes' if t <= target else 'NO')} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(HERE, "startup.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    return 0 if all(t <= target for _, t, target in rows if target) else 1


if __name__ == "__main__":
    sys.exit(main())
