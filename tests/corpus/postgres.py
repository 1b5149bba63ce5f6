"""A throw-away PostgreSQL cluster for the tests that need a real server (marked ``postgres``).

Debian's ``postgresql`` package (installed by ``make test`` when missing) gives ``initdb`` and ``pg_ctl``; the cluster
lives in a new temporary folder, listens on 127.0.0.1 on a free port (and a Unix socket in that folder only), and is
stopped and deleted at the end of the session. PostgreSQL refuses to run as root, so when the tests are root the
cluster runs as ``nobody``, which then owns the folder. Connections over TCP need a password (scram-sha-256), the
way a warehouse reaches a real server; each test gets a database of its own (:meth:`Cluster.new_database`).
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "cadre_admin"
UNPRIVILEGED_USER = "nobody"


def server_programs() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: Debian's newest /usr/lib/postgresql/<version>/bin, else PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    password: str
    programs: Path
    user: str | None
    """The account the server runs as when the tests are root; None: the tests' own."""

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql://{quote(user)}:{quote(secret)}@127.0.0.1:{self.port}/{quote(database)}"

    def libpq_env(self, database: str, user: str = SUPERUSER, password: str | None = None) -> dict[str, str]:
        """The libpq environment that names ``database`` (what a warehouse on ``CADRE_ENGINE=postgres`` reads)."""
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGDATABASE": database, "PGUSER": user,
                "PGPASSWORD": self.password if password is None else password}

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run ``sql`` as the superuser through the Unix socket; its output, unaligned and without headers."""
        done = subprocess.run(
            ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", str(self.folder / "socket"),
             "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-c", sql],
            capture_output=True, text=True, check=False, user=self.user)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def new_database(self) -> str:
        name = f"test_{secrets.token_hex(4)}"
        self.psql(f"CREATE DATABASE {name}")
        return name

    def stop(self) -> None:
        subprocess.run([str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                        "stop"], capture_output=True, check=False, user=self.user)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + pg_ctl start in a new temporary folder. Raises RuntimeError with the server's words if it cannot."""
    programs = server_programs()
    if programs is None:
        raise RuntimeError("PostgreSQL's initdb was not found: `make test` installs Debian's postgresql package")
    user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="cadre-postgres-"))
    password = secrets.token_urlsafe(16)
    (folder / "socket").mkdir()
    (folder / "password").write_text(password, encoding="utf-8")
    if user:
        account = pwd.getpwnam(user)
        for path in (folder, folder / "socket", folder / "password"):
            os.chown(path, account.pw_uid, account.pw_gid)
    cluster = Cluster(folder, _free_port(), password, programs, user)
    steps = [
        [str(programs / "initdb"), "-D", str(folder / "data"), "-U", SUPERUSER, "--pwfile", str(folder / "password"),
         "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        [str(programs / "pg_ctl"), "-D", str(folder / "data"), "-w", "-t", "60", "-l", str(folder / "server.log"),
         "-o", f"-c listen_addresses=127.0.0.1 -c port={cluster.port} -c unix_socket_directories={folder / 'socket'}"
               " -c fsync=off -c max_connections=60", "start"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False, user=user, cwd=folder)
        if done.returncode:
            log = (folder / "server.log").read_text(errors="replace") if (folder / "server.log").exists() else ""
            cluster.stop()
            raise RuntimeError(f"{Path(step[0]).name} failed: {done.stderr.strip()} {log[-2000:]}")
    return cluster
