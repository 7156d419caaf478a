"""What the benchmarks in bench/ share: paths, the release build, and the demo databases under bench/out/.

`bench/api`, `bench/lifecycle` and `bench/crowds` import it (they put bench/ on sys.path first). Standard library
only.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
SCRATCH = ROOT / ".build-release"


class RunFailed(Exception):
    """The benchmark could not run properly (as opposed to a missed performance target)."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def install_interrupt_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP all raise KeyboardInterrupt (even where SIGINT was inherited as ignored), so the
    `finally` blocks that stop servers and clusters run."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def sqlite_environment() -> dict[str, str]:
    """The environment for a `rapport` command on a SQLite file: without DATABASE_URL, which would override
    --database and send it to PostgreSQL."""
    return {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}


# ---------------------------------------------------------------------------------------------------------------------
# Build


def build(no_build: bool) -> Path:
    binary = SCRATCH / "release" / "rapport"
    if no_build:
        if not binary.exists():
            raise RunFailed(f"--no-build, but {binary} does not exist; run without --no-build once")
        log(f"using {binary} (--no-build)")
        return binary
    command = ["nice", "-n", "10", "swift", "build", "-c", "release",
               "--scratch-path", str(SCRATCH), "--product", "rapport"]
    log("building: " + " ".join(command) + "  (a first release build takes ~13 min)")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, stdout=sys.stderr)  # stdout is kept for the tables
    if result.returncode != 0:
        raise RunFailed(f"release build failed (exit {result.returncode})")
    log(f"build finished in {time.monotonic() - started:.0f}s")
    if not binary.exists():
        raise RunFailed(f"build succeeded but {binary} is missing")
    return binary


# ---------------------------------------------------------------------------------------------------------------------
# Running rapport


def run_rapport(binary: Path, arguments: list[str], env: dict[str, str], what: str) -> tuple[str, float]:
    """Runs `rapport ARGUMENTS`: its stderr (progress bar, logs) goes to our stderr, its stdout is returned (and
    echoed to our stderr) with the wall-clock seconds. Raises RunFailed on a non-zero exit."""
    output, seconds, _ = run_rapport_measured(binary, arguments, env, what)
    return output, seconds


def run_rapport_measured(binary: Path, arguments: list[str], env: dict[str, str],
                         what: str) -> tuple[str, float, int]:
    """As run_rapport, and also the command's peak RSS in bytes: `ru_maxrss` from wait4 (KiB on Linux), the
    child's own, so it is not mixed up with ours or another child's."""
    started = time.monotonic()
    process = subprocess.Popen([str(binary), *arguments], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        stdout = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    seconds = time.monotonic() - started
    process.returncode = returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
    output = stdout.strip()
    if output:
        print(output, file=sys.stderr, flush=True)
    if returncode != 0:
        raise RunFailed(f"{what} failed (exit {returncode})" + (f": {output[-500:]}" if output else ""))
    return output, seconds, usage.ru_maxrss * 1024


DEMO_LINE = re.compile(r"Demo business written: (\d+) customers, (\d+) transactions, (\d+) interactions, "
                       r"(\d+) events\.")


def parse_demo(output: str) -> dict[str, int]:
    """The counts from `rapport demo`'s last line (found anywhere in OUTPUT, so the `Values: …` line before it, or
    none, does not matter)."""
    match = DEMO_LINE.search(output)
    if not match:
        raise RunFailed(f"cannot parse rapport demo's output: {output[-300:]!r}")
    return dict(zip(("customers", "transactions", "interactions", "events"), map(int, match.groups())))


# ---------------------------------------------------------------------------------------------------------------------
# SQLite databases


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the source's write-ahead log included, the source untouched)."""
    remove_database(target)
    log(f"copying {relative(source)} to {relative(target)}")
    started = time.monotonic()
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except BaseException:
        remove_database(target)
        raise
    log(f"copied in {time.monotonic() - started:.1f}s")


def fmt_bytes(value: int) -> str:
    if value >= 1_000_000_000:
        return f"{value / 1e9:.2f} GB"
    if value >= 1_000_000:
        return f"{value / 1e6:.1f} MB"
    return f"{value / 1e3:.0f} kB"


def customer_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM customers").fetchone()[0]
    except sqlite3.Error as error:
        log(f"cannot count customers in {path}: {error}")
        return None


def database_bytes(path: Path) -> tuple[int, int]:
    """The sizes of a SQLite database's file and of its write-ahead log (0 when there is none)."""
    wal = Path(str(path) + "-wal")
    return path.stat().st_size, (wal.stat().st_size if wal.exists() else 0)


def demo_path(size: int) -> Path:
    return OUT / f"demo-{label(size)}.sqlite"


def demo_record(path: Path) -> Path:
    """Beside each demo database: how it was generated (the `rapport demo` line, its whole stdout, seconds, when;
    records written before "output" was added lack it)."""
    return path.with_suffix(".json")


def demo_generated_at(path: Path) -> datetime | None:
    """When the demo database was generated, from its record (None if the record is missing or unreadable)."""
    try:
        return datetime.fromisoformat(json.loads(demo_record(path).read_text())["generated_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def prepare_demo_database(binary: Path, size: int, fresh: bool) -> tuple[Path, float | None, str]:
    """Returns `bench/out/demo-<size>.sqlite` with `size` demo customers, the seconds `rapport demo` took (None when
    an existing database with that many customers was reused) and `rapport demo`'s stdout line (from the record
    beside the database when reused; empty if there is none)."""
    path = demo_path(size)
    record = demo_record(path)
    count = None if fresh else customer_count(path)
    if count == size:
        try:
            line = json.loads(record.read_text()).get("line", "")
        except (OSError, ValueError, AttributeError):
            line = ""
        log(f"reusing {relative(path)} ({size:,} customers; --fresh to generate it again)")
        return path, None, line
    if count is not None:
        log(f"{relative(path)} has {count:,} customers, not {size:,}: generating it again")
    remove_database(path)
    record.unlink(missing_ok=True)
    log(f"generating {size:,} demo customers into {relative(path)}")
    try:
        line, seconds = run_rapport(binary, ["demo", "--customers", str(size), "--database", str(path),
                                             "--log-level", "warning"], sqlite_environment(), "rapport demo")
        counts = parse_demo(line)
        if counts["customers"] != size:
            raise RunFailed(f"rapport demo wrote {counts['customers']:,} customers, not {size:,}")
        count = customer_count(path)
        if count != size:
            raise RunFailed(f"generated {size:,} customers but the database holds {count}")
    except BaseException:
        remove_database(path)  # a partial database must not be mistaken for a complete one
        raise
    output, line = line, line.splitlines()[-1]
    record.write_text(json.dumps({"customers": size, "seconds": round(seconds, 3), "line": line, "output": output,
                                  "generated_at": datetime.now(timezone.utc).isoformat()}) + "\n")
    log(f"generated {size:,} customers in {seconds:.1f}s ({size / seconds:,.0f} customers/s)")
    return path, seconds, line
