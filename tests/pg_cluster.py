"""Throwaway PostgreSQL clusters on loopback: a primary and its streaming replica.

The primary is made with ``initdb``, the replica with ``pg_basebackup -R`` from it (which
writes ``standby.signal`` and ``primary_conninfo``), each on a free port and run with
``pg_ctl`` as the ``postgres`` OS user when the tests run as root (PostgreSQL refuses
root). The server binaries come from Debian's ``/usr/lib/postgresql/<version>/bin``.
"""

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.production_chain import free_port

# Nothing here needs to survive a crash, and fsync is most of initdb's time.
SERVER_OPTIONS = "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"


def server_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    return found[-1].parent if found and (found[-1].parent / "initdb").exists() else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    bin: Path
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(_as_postgres([str(self.bin / tool), *args]), check=True, capture_output=True)

    def start(self) -> None:
        self.run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.datadir / "server.log"),
            "-o", f"-p {self.port} -k {self.datadir} {SERVER_OPTIONS}", "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")


def _workdir() -> Path:
    """A directory the postgres user owns (pytest's are private to the test's user)."""
    path = Path(tempfile.mkdtemp(prefix="ecom-pg-"))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


def start_primary_and_replica(bin_dir: Path) -> tuple[Cluster, Cluster]:
    """A fresh primary and a hot-standby replica streaming from it, both running."""
    workdir = _workdir()
    primary = Cluster(bin_dir, workdir / "primary", free_port())
    primary.run("initdb", "-D", str(primary.datadir), "-U", "postgres", "--auth=trust", "-N")
    primary.start()
    replica = Cluster(bin_dir, workdir / "replica", free_port())
    primary.run(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    replica.start()
    return primary, replica


def remove(*clusters: Cluster) -> None:
    for cluster in clusters:
        cluster.stop()
    shutil.rmtree(clusters[0].datadir.parent, ignore_errors=True)


def wait_for_replay(primary_conn, replica_conn, timeout: float = 10) -> None:  # noqa: ANN001
    """Wait until the replica has replayed everything the primary has written so far."""
    target = primary_conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        caught_up = replica_conn.exec_driver_sql(
            "SELECT pg_last_wal_replay_lsn() >= %(target)s::pg_lsn", {"target": target}
        ).scalar()
        if caught_up:
            return
        time.sleep(0.05)
    raise AssertionError("The replica did not catch up with the primary.")
