"""What every benchmark shares: the machine line, figures with their targets, and a throwaway PostgreSQL."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    """One measured figure; `holds` is None when the figure has no target (reported for information)."""

    name: str
    value: float
    unit: str
    target: str = ""
    holds: bool | None = None

    def line(self) -> str:
        if abs(self.value) >= 100 or float(self.value).is_integer():
            shown = f"{self.value:,.0f}"
        else:
            shown = f"{self.value:,.2f}"
        verdict = "" if self.holds is None else ("  holds" if self.holds else "  MISSED")
        target = f"  (target {self.target})" if self.target else ""
        unit = f" {self.unit}" if self.unit else ""
        return f"  {self.name}: {shown}{unit}{target}{verdict}"


def report(title: str, figures: list[Figure]) -> list[Figure]:
    """Print figures under title, one a line, and return them."""
    print(f"\n{title}")
    for figure in figures:
        print(figure.line(), flush=True)
    return figures


def machine() -> str:
    """Return a one-line description of this machine: cores, memory, CPU, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines()
                          if l.startswith("MemTotal")).split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "? GiB"
    return f"{os.cpu_count()} cores, {memory}, {cpu}, Python {platform.python_version()}"


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of values, by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def rss_mb(pid: int) -> float:
    """Return the resident memory of process pid in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """Yield the URL of a PostgreSQL started for this run on 127.0.0.1 (stopped after), or None.

    Uses BENCH_POSTGRES_URL or TEST_POSTGRES_URL when set; otherwise starts one from
    /usr/lib/postgresql/*/bin as .ci/run does (as the postgres user when run as root).
    Yields None when neither is possible.
    """
    given = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        yield None
        return
    pg_bin = bins[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="roadmap-bench-pg."))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = folder / "data"

    def run(*args: str) -> None:
        subprocess.run([*as_postgres, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    try:
        run(str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8")
        # fsync stays on (unlike CI's), so the figures are those of a real server.
        run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-o",
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
            "-c max_connections=200", "start")
        run(str(pg_bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc",
            "CREATE DATABASE roadmap_bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/roadmap_bench"
    finally:
        subprocess.run([*as_postgres, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


class Stopwatch:
    """Times a block: `with Stopwatch() as sw: ...; sw.seconds`."""

    def __enter__(self) -> "Stopwatch":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


def fresh_postgres_schema(base: str) -> tuple[str, callable]:
    """Return the URL of a new, empty schema in the database at base, and how to drop it."""
    from sqlalchemy import create_engine

    from roadmap.store import normalise_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = normalise_url(base).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()

    return url.render_as_string(hide_password=False), drop
