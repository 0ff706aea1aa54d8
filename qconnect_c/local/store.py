"""SQLite persistence for the emulator: schema, a small connection pool, transactions.

Every table lives in one database file (WAL journal, so readers never wait
for the writer); uploaded files and failed-record reports live in a sibling
directory `<db>.files/` and are referred to by relative name.
"""

import contextlib
import os
import sqlite3
import threading

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS knowledge_bases (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kb_type TEXT NOT NULL,
    status TEXT NOT NULL,
    extra TEXT NOT NULL,
    created REAL NOT NULL,
    content_modified REAL
);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY,
    kb_id TEXT NOT NULL,
    content_type TEXT NOT NULL,
    token TEXT NOT NULL,
    expiry REAL NOT NULL,
    created REAL NOT NULL,
    uploaded REAL,
    size INTEGER,
    file TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS import_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kb_id TEXT NOT NULL,
    upload_id TEXT NOT NULL,
    job_type TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    modified REAL NOT NULL,
    metadata TEXT,
    external TEXT,
    report TEXT,
    report_token TEXT NOT NULL,
    imported INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS import_jobs_kb ON import_jobs (kb_id, status);
CREATE TABLE IF NOT EXISTS quick_responses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kb_id TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content TEXT NOT NULL,
    description TEXT,
    shortcut_key TEXT,
    is_active INTEGER NOT NULL,
    channels TEXT,
    language TEXT,
    grouping TEXT,
    tags TEXT,
    created REAL NOT NULL,
    modified REAL NOT NULL,
    modified_by TEXT NOT NULL,
    UNIQUE (kb_id, name)
);
CREATE UNIQUE INDEX IF NOT EXISTS quick_responses_shortcut
    ON quick_responses (kb_id, shortcut_key) WHERE shortcut_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS idempotency (
    operation TEXT NOT NULL,
    token TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    PRIMARY KEY (operation, token)
);
"""


class Store:
    """The database file plus the directory of stored files; safe to use from many threads."""

    def __init__(self, db_path):
        self.db_path = os.path.abspath(db_path)
        self.files_dir = self.db_path + ".files"
        os.makedirs(os.path.join(self.files_dir, "uploads"), exist_ok=True)
        os.makedirs(os.path.join(self.files_dir, "reports"), exist_ok=True)
        self._lock = threading.Lock()
        self._idle = []
        self._all = []
        self._closed = False
        with self.connection() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise RuntimeError(
                    "%s has schema version %s; this emulator uses %d" % (self.db_path, row[0], SCHEMA_VERSION)
                )

    def _open(self):
        """Return a new connection in autocommit mode (transactions are explicit)."""
        conn = sqlite3.connect(self.db_path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextlib.contextmanager
    def connection(self):
        """Lend a pooled connection for the duration of the with-block."""
        with self._lock:
            if self._closed:
                raise RuntimeError("store is closed")
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._open()
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.rollback()
            with self._lock:
                if self._closed:
                    conn.close()
                else:
                    self._idle.append(conn)

    @contextlib.contextmanager
    def write(self):
        """Run the with-block in one write transaction (BEGIN IMMEDIATE); yields the connection."""
        with self.connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def query(self, sql, params=()):
        """Return all rows of a read-only query."""
        with self.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def query_one(self, sql, params=()):
        """Return the first row of a read-only query, or None."""
        with self.connection() as conn:
            return conn.execute(sql, params).fetchone()

    def path(self, relative):
        """Return the absolute path of a stored file given its relative name."""
        return os.path.join(self.files_dir, relative)

    def close(self):
        """Close every idle connection; connections on loan close when returned."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            try:
                conn.close()
            except sqlite3.Error:
                pass
