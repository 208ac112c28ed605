"""A throwaway PostgreSQL server for the tests, started with pytest-postgresql's executor.

``pg_server`` (session) initialises a cluster in a fresh temporary folder and starts it from the
machine's binaries (``$DEFWATCH_PG_CTL``, ``pg_ctl`` on PATH, or the newest
``/usr/lib/postgresql/*/bin/pg_ctl``); ``pg_url`` (per test) is a fresh empty database on it.

PostgreSQL refuses to run as root, and CI runs as root: then every ``pg_ctl`` call (initdb,
start, status, stop) goes through ``runuser -u postgres`` and the folder belongs to that user
(created as a system user when missing, as the Debian package does).

A test that needs the server never passes without it: when it cannot start the test fails with
the reason. Only outside CI (``CI`` unset) and only when no PostgreSQL binaries are installed is it
skipped, with that reason (``.ci/run`` installs them).
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

PG_USER = "postgres"
_db_numbers = itertools.count(1)


def find_pg_ctl() -> str | None:
    """Return the pg_ctl to use, or None when PostgreSQL is not installed."""
    if env := os.environ.get("DEFWATCH_PG_CTL"):
        return env if os.access(env, os.X_OK) else None
    if found := shutil.which("pg_ctl"):
        return found
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return versions[-1] if versions else None


def _unavailable(reason: str, *, may_skip: bool = False) -> None:
    if may_skip and not os.environ.get("CI"):
        pytest.skip(f"PostgreSQL tests skipped: {reason} (CI runs them; .ci/run installs PostgreSQL)")
    pytest.fail(f"PostgreSQL test server unavailable: {reason}", pytrace=False)


def _server_user() -> pwd.struct_passwd:
    """The unprivileged account the server runs as when we are root (created if missing)."""
    try:
        return pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        PG_USER], check=True, capture_output=True)
        return pwd.getpwnam(PG_USER)


class ServerUnavailable(Exception):
    """The throwaway server cannot run here (``missing``: no PostgreSQL binaries at all)."""

    def __init__(self, reason: str, *, missing: bool = False):
        super().__init__(reason)
        self.missing = missing


@contextmanager
def throwaway_server() -> Iterator[Any]:
    """Start a PostgreSQL server in a temporary folder (pytest-postgresql's ``PostgreSQLExecutor``)."""
    pg_ctl = find_pg_ctl()
    if not pg_ctl:
        raise ServerUnavailable("no pg_ctl found (set DEFWATCH_PG_CTL, or install postgresql)", missing=True)
    from port_for import select_random
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix="defwatch-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:
        try:
            user = _server_user()
        except (OSError, subprocess.CalledProcessError) as exc:
            shutil.rmtree(base, ignore_errors=True)
            raise ServerUnavailable(f"running as root and cannot create the {PG_USER!r} user: {exc}") from None
        os.chown(base, user.pw_uid, user.pw_gid)
        # One executable path for pytest-postgresql, which calls it for initdb, start, status and stop.
        executable = str(base / "pg_ctl-as-postgres")
        Path(executable).write_text(f'#!/bin/sh\ncd / && exec runuser -u {PG_USER} -- "{pg_ctl}" "$@"\n')
        os.chmod(executable, 0o755)
    executor = PostgreSQLExecutor(
        executable=executable, host="127.0.0.1", port=select_random(), datadir=str(base / "data"),
        unixsocketdir=str(base), logfile=str(base / "server.log"), startparams="-w", dbname="defwatch",
        user=PG_USER, postgres_options="-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
    try:
        executor.start()
    except Exception as exc:  # noqa: BLE001 - any failure is reported with the server's log
        log = (base / "server.log").read_text(errors="replace")[-2000:] if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise ServerUnavailable(f"{type(exc).__name__}: {exc}\n{log}") from None
    try:
        yield executor
    finally:
        try:
            executor.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


def create_database(server: Any, name: str) -> str:
    """Create database ``name`` on ``server``; return its ``postgresql://`` URL."""
    from pytest_postgresql.janitor import DatabaseJanitor

    DatabaseJanitor(user=PG_USER, host=server.host, port=server.port, dbname=name).init()
    return f"postgresql://{PG_USER}@{server.host}:{server.port}/{name}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A running PostgreSQL server, stopped at the end of the session."""
    try:
        with throwaway_server() as server:
            yield server
    except ServerUnavailable as exc:
        _unavailable(str(exc), may_skip=exc.missing)


@pytest.fixture
def pg_url(pg_server: Any) -> Iterator[str]:
    """``postgresql://`` URL of a fresh, empty database, dropped after the test."""
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"test_{os.getpid()}_{next(_db_numbers)}"
    url = create_database(pg_server, name)
    try:
        yield url
    finally:
        DatabaseJanitor(user=PG_USER, host=pg_server.host, port=pg_server.port, dbname=name).drop()
