"""Analysis at scale: one attempt's analysis on synthetic repositories of 2k to 300k lines.

Each size runs in a fresh subprocess (with an empty on-disk analysis cache), which measures:

- cold: `analyze(RepoTree.from_dir(root), patch, gold)` with nothing cached;
- next snapshot: the same repository with one other module changed (as the next mined commit),
  analysed in the same process: only what that file changes should be recomputed;
- warm: the next snapshot analysed again;
- peak memory: the child's `ru_maxrss` after its imports (a one-file analysis loads them),
  with the tree read, after the cold analysis, and at the end.

Baselines measured in the same child: reading the tree (`RepoTree.from_dir`) and `ast.parse` of
the patched module before and after. The repositories are deterministic: packages of modules
with docstrings, constants, functions, classes and methods, importing one another.

    .venv/bin/python benchmarks/analysis_scale.py [--sizes 2000,20000,100000,300000]

Before per-file caching (one run; seconds, MiB):

      lines files   read  parse    cold    next   warm   MiB start  tree  cold  peak
       2120    10   0.00   6.3m    0.68    0.19  0.017          43    43    54    54
      21705    85   0.00  14.8m    5.36    0.86  0.032          43    44   120   125
     107963   421   0.02  10.0m   23.71    5.88  0.038          43    46   415   429
     326481  1261   0.13  31.5m   61.61   15.50  0.082          43    53  1166  1200

After (per-file summaries keyed by text, bounded caches, trees not kept; 2 busy CPUs, noisy):

       2120    10   0.00   4.7m    0.60    0.19  0.031          43    43    49    49
      21705    85   0.00   3.6m    2.46    0.14  0.019          43    44    53    55
     107963   421   0.01   5.5m    9.90    0.35  0.033          43    46    74    78
     326481  1261   0.05   3.2m   34.66    0.28  0.034          43    54   129   134
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MODULE_LINES = 250  # about this many lines per generated module
PATCHED = "pkg0/mod0.py"
NEXT = "pkg0/mod1.py"


def _function(rng: random.Random, name: str, others: list[str], indent: str = "") -> str:
    params = rng.sample(["items", "limit", "key", "default", "path", "count", "value"], 3)
    attr = rng.choice(["append", "extend", "update", "setdefault", "get", "pop"])
    const = rng.randint(0, 1000)
    call = rng.choice(others) if others else "len"
    kind = rng.randrange(3)
    body = [
        f"def {name}({params[0]}: list[int], {params[1]}: int = {const}, {params[2]}=None) -> int:",
        f'    """Compute {name.replace("_", " ")} over `{params[0]}`.',
        "",
        f"    Returns the total once `{params[1]}` is reached.",
        '    """',
        "    total = 0",
        "    seen: dict[int, int] = {}",
        f"    for index, item in enumerate({params[0]}):",
    ]
    if kind == 0:
        body += [
            f"        if item > {params[1]}:",
            "            break",
            f"        seen.{attr}(index, item) if hasattr(seen, '{attr}') else None",
            f"        total += item * {const % 7 + 1}",
        ]
    elif kind == 1:
        body += [
            f"        while item % {const % 5 + 2} and total < {params[1]}:",
            "            item -= 1",
            f"            total += {call}([item]) if callable({call}) else item",
            f'        message = f"{{index}}: {{item}} of {name}"',
        ]
    else:
        body += [
            "        try:",
            f"            total += int(str(item)[{const % 3}:]) or {const}",
            "        except ValueError as error:",
            "            raise RuntimeError('bad item %s' % item) from error",
            f"        seen[index] = total // {const % 11 + 1}",
        ]
    body += [
        f"    if {params[2]} is not None:",
        f"        total += len(seen) + {const % 13}",
        "    return total",
    ]
    return textwrap.indent("\n".join(body), indent) + "\n"


def _module(rng: random.Random, package: int, index: int, packages: int) -> str:
    imports = sorted({(rng.randrange(packages), rng.randrange(8)) for _ in range(3)})
    lines = [
        f'"""Module {index} of package {package}: synthetic code for scale measurements."""',
        "",
        "from __future__ import annotations",
        "",
        "import os",
        "import re",
        *(
            f"from pkg{p}.mod{m} import helper_{p}_{m}_0"
            for p, m in imports
            if (p, m) != (package, index)
        ),
        "",
        f"LIMIT_{index} = {rng.randint(10, 99)}",
        f"PATTERN = re.compile(r'[a-z]+{index}')",
        "",
    ]
    text = "\n".join(lines) + "\n\n"
    others = [f"helper_{p}_{m}_0" for p, m in imports if (p, m) != (package, index)]
    count = 0
    while text.count("\n") < MODULE_LINES:
        name = f"helper_{package}_{index}_{count}"
        if count % 4 == 3:
            methods = "".join(
                "\n" + _function(rng, f"method_{count}_{k}", others, "    ") for k in range(2)
            )
            text += f'\n\nclass Widget{count}:\n    """A widget of module {index}."""\n'
            text += (
                f"\n    def __init__(self, size: int) -> None:\n        self.size = size\n{methods}"
            )
        else:
            text += "\n\n" + _function(rng, name, others)
        count += 1
    return text


def generate(root: Path, lines: int) -> dict[str, str]:
    """A deterministic repository of about `lines` lines, written under `root`."""
    rng = random.Random(lines)
    modules = max(2, lines // MODULE_LINES)
    packages = max(1, modules // 20)
    files: dict[str, str] = {}
    for number in range(modules):
        package, index = number % packages, number // packages
        files[f"pkg{package}/mod{index}.py"] = _module(rng, package, index, packages)
    for package in range(packages):
        files[f"pkg{package}/__init__.py"] = f'"""Package {package}."""\n'
    files["tests/test_pkg0.py"] = (
        "from pkg0.mod0 import helper_0_0_0\n\n\n"
        "def test_it():\n    assert helper_0_0_0([1]) >= 0\n"
    )
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return files


def _diff(path: str, old: str, new: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return f"diff --git a/{path} b/{path}\n" + "".join(lines)


def _patched(text: str, tag: str) -> str:
    """`text` with its first function's return changed and a small function added."""
    new = text.replace("    return total\n", f"    return total + 1  # {tag}\n", 1)
    return new + f"\n\ndef added_{tag}(value: int) -> int:\n    return value * 2\n"


def child(root: Path) -> dict[str, float]:
    """Measure one size (this process has analysed nothing yet)."""
    import ast

    from codebench.analysis import RepoTree, analyze

    toy = "def f(x):\n    return x\n"
    analyze(RepoTree({"toy.py": toy}), _diff("toy.py", toy, toy.replace("x\n", "x + 1\n")))
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # imports loaded
    start = time.perf_counter()
    repo = RepoTree.from_dir(root)
    read = time.perf_counter() - start
    old = repo.files[PATCHED]
    new = _patched(old, "model")
    patch = _diff(PATCHED, old, new)
    gold = _diff(PATCHED, old, _patched(old, "gold"))
    parse = float("inf")
    for _ in range(5):  # the least of a few: one parse is too short to time once
        start = time.perf_counter()
        ast.parse(old)
        ast.parse(new)
        parse = min(parse, time.perf_counter() - start)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    start = time.perf_counter()
    analyze(repo, patch, gold)
    cold = time.perf_counter() - start
    rss_cold = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    changed = dict(repo.files)
    changed[NEXT] = changed[NEXT].replace("    total = 0\n", "    total = 1\n", 1) + "\nEXTRA = 1\n"
    following = RepoTree(changed)
    start = time.perf_counter()
    analyze(following, patch, gold)
    next_snapshot = time.perf_counter() - start
    start = time.perf_counter()
    analyze(following, patch, gold)
    warm = time.perf_counter() - start
    return {
        "lines": sum(t.count("\n") for t in repo.files.values()),
        "files": len(repo.files),
        "read": read,
        "parse": parse,
        "cold": cold,
        "next": next_snapshot,
        "warm": warm,
        "rss_start": rss_start,
        "rss_before": rss_before,
        "rss_cold": rss_cold,
        "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Generate each size, measure it in a fresh subprocess, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000,300000")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child)))
        return
    print(
        f"{'lines':>7} {'files':>5} {'read':>6} {'parse':>6} {'cold':>7} {'next':>7} "
        f"{'warm':>6}  {'cold/read':>9} {'next/parse':>10} {'warm/parse':>10}  "
        f"{'MiB start':>9} {'tree':>5} {'cold':>5} {'peak':>5}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch, "repo")
            generate(root, size)
            env = {**os.environ, "CODEBENCH_CACHE_DIR": str(Path(scratch, "cache"))}
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(root)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
        m = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{m['lines']:>7} {m['files']:>5} {m['read']:6.2f} {m['parse'] * 1000:5.1f}m "
            f"{m['cold']:7.2f} {m['next']:7.2f} {m['warm']:6.3f}  "
            f"{m['cold'] / m['read']:9.1f} {m['next'] / m['parse']:10.1f} "
            f"{m['warm'] / m['parse']:10.1f}  {m['rss_start']:9.0f} {m['rss_before']:5.0f} "
            f"{m['rss_cold']:5.0f} {m['rss_peak']:5.0f}",
            flush=True,
        )
    print("seconds (parse in ms: ast.parse of the patched module before and after); MiB: ru_maxrss")


if __name__ == "__main__":
    main()
