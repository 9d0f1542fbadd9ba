#!/usr/bin/env python3
"""bench/serve-store.py MIRROR N|touch: a status store with N repositories beside
MIRROR/manifest.js.gz, as grok-pull and grok-push write it (the schema of
Sources/GrokKit/Status/StatusStore.swift), plus an fsck statusfile of N
records. States: 1% broken, 2% failing, 3% behind, the rest ok; two push
destinations each; 5 history events per repository. It also writes
MIRROR/../serve.conf for grok-serve on a free port of 127.0.0.1, and prints
that port. `touch` writes one row, as a running grok-pull does."""
import json
import os
import socket
import sqlite3
import sys
import time

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS repositories (
    gitdir TEXT PRIMARY KEY, last_attempt REAL, last_success REAL, last_failure REAL, last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0, failing_since REAL, behind_since REAL, fetch_seconds REAL);
CREATE TABLE IF NOT EXISTS pushes (
    gitdir TEXT NOT NULL, destination TEXT NOT NULL, last_attempt REAL, last_success REAL, last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (gitdir, destination));
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, gitdir TEXT NOT NULL, at REAL NOT NULL, tool TEXT NOT NULL,
    kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_repository ON events (gitdir, id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT, at REAL);
"""


def touch(mirror):
    """One write, as grok-pull makes for each job it starts."""
    db = sqlite3.connect(f"{mirror}/.manifest.js.gz.status.sqlite")
    db.execute("UPDATE repositories SET last_attempt = ? WHERE rowid = 1", (time.time(),))
    db.commit()
    db.close()


def main():
    mirror = sys.argv[1]
    if sys.argv[2] == "touch":
        return touch(mirror)
    count = int(sys.argv[2])
    now = time.time()
    db = sqlite3.connect(f"{mirror}/.manifest.js.gz.status.sqlite")
    db.executescript(SCHEMA)
    repos, pushes, events, fsck = [], [], [], {}
    for i in range(count):
        gitdir = f"/pub/group{i // 100:03d}/project{i:05d}.git"
        state = i % 100
        failures, failing, behind, error = 0, None, None, None
        if state == 0:
            failures, failing, error = 30, now - 3 * 86400, "fatal: unable to access origin: HTTP 500"
        elif state < 3:
            failures, failing, error = 2, now - 600, "fatal: <script>alert(1)</script> early EOF"
        elif state < 6:
            behind = now - 120 * state
        repos.append((gitdir, now - 60, now - 300, failing, error, failures, failing, behind, 0.25))
        for destination in ("github", "backup"):
            pushes.append((gitdir, destination, now - 50, now - 50 if i % 50 else None, None if i % 50 else "push refused", 0 if i % 50 else 1))
        for k in range(4, -1, -1):
            events.append((gitdir, now - 3600 * k, "pull", "fetched", "0.25 s"))
        fsck[f"{mirror}{gitdir}"] = {"lastcheck": "2026-11-20", "nextcheck": "2026-12-20", "fingerprint": "0" * 40}
    db.executemany("INSERT OR REPLACE INTO repositories VALUES (?,?,?,?,?,?,?,?,?)", repos)
    db.executemany("INSERT OR REPLACE INTO pushes VALUES (?,?,?,?,?,?)", pushes)
    db.executemany("INSERT INTO events (gitdir, at, tool, kind, detail) VALUES (?,?,?,?,?)", events)
    for key in ("manifest.check", "manifest.success", "heartbeat.pull"):
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, NULL, ?)", (key, now))
    db.commit()
    db.close()
    with open(f"{mirror}/../fsck.status.js", "w") as handle:
        json.dump(fsck, handle, indent=2)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    work = os.path.dirname(os.path.abspath(mirror))
    with open(f"{work}/serve.conf", "w") as handle:
        handle.write(f"[core]\ntoplevel = {os.path.abspath(mirror)}\n[fsck]\nstatusfile = {work}/fsck.status.js\n"
                     f"[serve]\nlisten = 127.0.0.1:{port}\n")
    print(port)


main()
