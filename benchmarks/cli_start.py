"""How long `digest --help`, `digest status` and `digest check` take to start, as whole processes.

Each command runs as a fresh `python -m digest` process, --runs times after one warm-up (so the
files are in the page cache; the modules are byte-compiled first, as an installed package's are),
with a config of the shipped sources whose database is a temporary one holding the seeds. The
median wall time of each is printed, with the modules that took longest to import in one
`-X importtime` run of it.

Usage: python benchmarks/cli_start.py [--runs 15] [--base REV | --base-path DIR]

With --base REV (checked out in a temporary git worktree, removed afterwards) or --base-path DIR,
that code is timed too, the two runs alternating, and each median is printed beside this tree's
with their ratio (new / old).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from worktree import base_code, byte_compiled

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"--help": ["--help"], "status": ["status"], "check": ["check"]}


def config_for(workdir: Path) -> Path:
    """The shipped config, its database moved into workdir and its seed folder made absolute."""
    workdir.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in (ROOT / "config.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("database:"):
            line = f"database: {workdir / 'digest.db'}"
        elif line.strip() == "path: seeds":
            line = line.replace("seeds", str(ROOT / "seeds"))
        lines.append(line)
    path = workdir / "config.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def command(code: Path, config: Path, args: list[str], *flags: str) -> tuple[list[str], dict[str, str]]:
    """The command line running `digest` from the code in `code`, and its environment (run it in
    `code`: `python -m` puts the working directory first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    return [sys.executable, *flags, "-m", "digest", "--config", str(config), *args], env


def wall_time(code: Path, config: Path, args: list[str]) -> float:
    argv, env = command(code, config, args)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=code, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def slowest_imports(code: Path, config: Path, args: list[str], top: int = 6) -> list[tuple[str, float]]:
    """The imports made at the top level (by the interpreter's start, the command's module or a
    command's own function) that took longest, with their cumulative milliseconds."""
    argv, env = command(code, config, args, "-X", "importtime")
    done = subprocess.run(argv, env=env, cwd=code, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = []
    for line in done.stderr.splitlines():
        fields = line.split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue
        name = fields[2]
        if name.startswith(" ") and not name.startswith("  "):  # nested imports are indented further
            found.append((name.strip(), int(fields[1]) / 1000))
    return sorted(found, key=lambda pair: -pair[1])[:top]


def measure(codes: dict[str, Path], configs: dict[str, Path], runs: int) -> dict[str, dict[str, list[float]]]:
    """label -> command -> wall times; the codes take turns, in alternating order."""
    times: dict[str, dict[str, list[float]]] = {label: {name: [] for name in COMMANDS} for label in codes}
    for name, args in COMMANDS.items():
        for label, code in codes.items():
            wall_time(code, configs[label], args)  # warm-up
        for run in range(runs):
            order = list(codes) if run % 2 == 0 else list(reversed(codes))
            for label in order:
                times[label][name].append(wall_time(codes[label], configs[label], args))
    return times


def report(times: dict[str, dict[str, list[float]]], codes: dict[str, Path], configs: dict[str, Path]) -> None:
    labels = list(times)
    print(f"{'command':10}" + "".join(f"{label + ' median':>14}{'range':>16}" for label in labels)
          + ("    new/old" if len(labels) == 2 else ""))
    for name in COMMANDS:
        row = f"{'digest ' + name if name.startswith('-') else name:10}"
        medians = {}
        for label in labels:
            values = times[label][name]
            medians[label] = statistics.median(values)
            row += f"{medians[label]:13.3f}s{min(values):8.3f}-{max(values):.3f}s"
        if len(labels) == 2:
            row += f"    {medians['new'] / medians['old']:.2f}x"
        print(row)
    for label, code in codes.items():
        for name, args in COMMANDS.items():
            imports = ", ".join(f"{module} {ms:.0f} ms" for module, ms in slowest_imports(code, configs[label], args))
            print(f"{label} {name}: slowest imports: {imports}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    old = parser.add_mutually_exclusive_group()
    old.add_argument("--base", metavar="REV", help="also time this git revision's code, side by side")
    old.add_argument("--base-path", metavar="DIR", type=Path, help="also time the code checked out in DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, base_code(args.base, args.base_path, Path(tmp)) as base:
        codes = {"old": base, "new": ROOT} if args.base or args.base_path else {"new": ROOT}
        # Each code its own store, made by its own ingest: an older digest refuses a database a newer one migrated.
        configs = {label: config_for(Path(tmp) / label) for label in codes}
        for label, code in codes.items():
            byte_compiled(code)
            argv, env = command(code, configs[label], ["ingest", "--source", "seeds"])
            subprocess.run(argv, env=env, cwd=code, check=True, stdout=subprocess.DEVNULL)
        print(f"{args.runs} runs of each command; " + ", ".join(f"{label}: {code}" for label, code in codes.items()))
        report(measure(codes, configs, args.runs), codes, configs)


if __name__ == "__main__":
    main()
