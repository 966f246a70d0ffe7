"""``python -m fuzz [--minutes N] [--only NAME] [--no-atheris]``: every fuzz target for a share of N minutes.

Two thirds of the time go to the Hypothesis targets (``fuzz.targets``), in rounds of a few hundred
examples until each target's share is spent; failures are kept in ``.hypothesis/`` and replayed
first next time. One third goes to the atheris targets (``fuzz.atheris_targets``), each in a
libFuzzer process of its own, with its corpus in ``fuzz/.corpus/`` and any crash in
``fuzz/.crashes/``. The exit status is 1 when any target failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
ROUND_EXAMPLES = 200


def run_hypothesis(name: str, target, seconds: float) -> tuple[int, str | None]:
    """Runs ``target`` in rounds until ``seconds`` are spent: (examples tried, failure or None)."""
    configured = settings(max_examples=ROUND_EXAMPLES, deadline=None, derandomize=False,
                          suppress_health_check=list(HealthCheck),
                          database=DirectoryBasedExampleDatabase(str(ROOT / ".hypothesis" / "fuzz")),
                          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])(target)
    deadline, examples = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        try:
            configured()
        except Exception:  # the falsifying example, shrunk, is in the traceback
            return examples, traceback.format_exc()
        examples += ROUND_EXAMPLES
    return examples, None


def run_atheris(name: str, seconds: float) -> tuple[str, str | None]:
    corpus = ROOT / "fuzz" / ".corpus" / name
    crashes = ROOT / "fuzz" / ".crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "fuzz.atheris_targets", name, f"-max_total_time={int(seconds)}",
               "-rss_limit_mb=4096", "-timeout=60", f"-artifact_prefix={crashes}/{name}-", str(corpus)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    stats = [line for line in result.stderr.splitlines() if line.startswith("#") or "Done" in line]
    summary = stats[-1] if stats else "(no statistics)"
    return summary, None if result.returncode == 0 else result.stderr[-3000:]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--only", help="run only the targets whose name contains this")
    parser.add_argument("--no-atheris", action="store_true")
    options = parser.parse_args()

    from fuzz import targets

    hypothesis_targets = {n: t for n, t in targets.TARGETS.items() if not options.only or options.only in n}
    atheris_names = []
    if not options.no_atheris:
        try:
            import atheris  # noqa: F401

            from fuzz.atheris_targets import TARGETS as ATHERIS_TARGETS

            atheris_names = [n for n in ATHERIS_TARGETS if not options.only or options.only in n]
        except ImportError:
            print("atheris is not installed: Hypothesis targets only")
    total = options.minutes * 60
    share = total * (2 / 3 if atheris_names else 1)
    failed = False
    for name, target in hypothesis_targets.items():
        examples, failure = run_hypothesis(name, target, share / max(1, len(hypothesis_targets)))
        print(f"hypothesis {name}: {examples} examples, {'FAILED' if failure else 'ok'}", flush=True)
        if failure:
            print(failure, flush=True)
            failed = True
    for name in atheris_names:
        summary, failure = run_atheris(name, (total - share) / len(atheris_names))
        print(f"atheris {name}: {summary}, {'FAILED' if failure else 'ok'}", flush=True)
        if failure:
            print(failure, flush=True)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
