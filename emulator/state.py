"""SQLite-backed state store: resources, long-running operations, logs, settings, principals, roles."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT NOT NULL,
    name TEXT NOT NULL, body TEXT NOT NULL, meta TEXT NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_parent ON resources(parent, kind);
CREATE TABLE IF NOT EXISTS operations (
    op_id TEXT PRIMARY KEY, kind TEXT NOT NULL, action TEXT NOT NULL, resource_id TEXT NOT NULL,
    group_key TEXT NOT NULL, start REAL NOT NULL, duration REAL NOT NULL, end REAL,
    status TEXT NOT NULL, error TEXT, params TEXT NOT NULL, seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rejections (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, status INTEGER NOT NULL,
    code TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS principals (
    name TEXT PRIMARY KEY, client_id TEXT NOT NULL, client_secret TEXT NOT NULL, object_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
    object_id TEXT NOT NULL, scope TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (object_id, scope)
);
"""


class Store:
    """All persistent state. Callers serialize access through ``lock``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._seq = self._max_seq()

    def _max_seq(self) -> int:
        row = self.db.execute(
            "SELECT MAX(m) FROM (SELECT MAX(seq) m FROM resources UNION ALL SELECT MAX(seq) FROM operations)"
        ).fetchone()
        return int(row[0] or 0)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # ---- resources -------------------------------------------------------------------------
    def get(self, rid: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT body FROM resources WHERE key=?", (rid.lower(),)).fetchone()
        return json.loads(row[0]) if row else None

    def get_meta(self, rid: str) -> dict[str, Any]:
        row = self.db.execute("SELECT meta FROM resources WHERE key=?", (rid.lower(),)).fetchone()
        return json.loads(row[0]) if row else {}

    def put(
        self, rid: str, kind: str, parent: str, body: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> None:
        key = rid.lower()
        row = self.db.execute("SELECT seq, meta FROM resources WHERE key=?", (key,)).fetchone()
        seq = row[0] if row else self.next_seq()
        if meta is None:
            meta = json.loads(row[1]) if row else {}
        self.db.execute(
            "INSERT OR REPLACE INTO resources(key, id, kind, parent, name, body, meta, seq)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                key,
                rid,
                kind,
                parent.lower(),
                body.get("name", rid.rsplit("/", 1)[-1]),
                json.dumps(body),
                json.dumps(meta),
                seq,
            ),
        )

    def replace_body(self, rid: str, body: dict[str, Any]) -> None:
        self.db.execute("UPDATE resources SET body=? WHERE key=?", (json.dumps(body), rid.lower()))

    def set_meta(self, rid: str, meta: dict[str, Any]) -> None:
        self.db.execute("UPDATE resources SET meta=? WHERE key=?", (json.dumps(meta), rid.lower()))

    def delete(self, rid: str) -> None:
        key = rid.lower()
        self.db.execute(
            "DELETE FROM resources WHERE key=? OR key LIKE ? ESCAPE '!'", (key, _like_prefix(key))
        )

    def children(self, parent: str, kind: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT body FROM resources WHERE parent=? AND kind=? ORDER BY seq", (parent.lower(), kind)
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT body FROM resources WHERE kind=? ORDER BY seq", (kind,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    # ---- operations ------------------------------------------------------------------------
    def add_op(self, op: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO operations(op_id, kind, action, resource_id, group_key, start, duration, end,"
            " status,"
            " error, params, seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                op["op_id"],
                op["kind"],
                op["action"],
                op["resource_id"],
                op["group_key"],
                op["start"],
                op["duration"],
                op.get("end"),
                op["status"],
                json.dumps(op.get("error")),
                json.dumps(op.get("params", {})),
                self.next_seq(),
            ),
        )

    def update_op(self, op_id: str, status: str, end: float, error: dict[str, Any] | None) -> None:
        self.db.execute(
            "UPDATE operations SET status=?, end=?, error=? WHERE op_id=?",
            (status, end, json.dumps(error), op_id),
        )

    def _op_rows(self, where: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT op_id, kind, action, resource_id, group_key, start, duration, end, status, error, params"
            f" FROM operations WHERE {where} ORDER BY seq",
            args,
        ).fetchall()
        keys = [
            "op_id",
            "kind",
            "action",
            "resource_id",
            "group_key",
            "start",
            "duration",
            "end",
            "status",
            "error",
            "params",
        ]
        out = []
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["error"] = json.loads(d["error"]) if d["error"] else None
            d["params"] = json.loads(d["params"])
            out.append(d)
        return out

    def get_op(self, op_id: str) -> dict[str, Any] | None:
        rows = self._op_rows("lower(op_id)=?", (op_id.lower(),))
        return rows[0] if rows else None

    def ops_in_progress(self) -> list[dict[str, Any]]:
        return self._op_rows("status='InProgress'", ())

    def ops_in_progress_for_group(self, group_key: str) -> list[dict[str, Any]]:
        return self._op_rows("status='InProgress' AND group_key=?", (group_key.lower(),))

    def all_ops(self) -> list[dict[str, Any]]:
        return self._op_rows("1=1", ())

    # ---- rejections ------------------------------------------------------------------------
    def log_rejection(self, status: int, code: str, method: str, path: str, message: str) -> None:
        self.db.execute(
            "INSERT INTO rejections(time, status, code, method, path, message) VALUES (?,?,?,?,?,?)",
            (time.time(), status, code, method, path, message),
        )

    def rejections(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT time, status, code, method, path, message FROM rejections ORDER BY seq"
        ).fetchall()
        return [
            dict(zip(["time", "status", "code", "method", "path", "message"], r, strict=True)) for r in rows
        ]

    # ---- settings --------------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?,?)", (key, json.dumps(value)))

    # ---- principals and roles --------------------------------------------------------------
    def principals(self) -> dict[str, dict[str, str]]:
        rows = self.db.execute("SELECT name, client_id, client_secret, object_id FROM principals").fetchall()
        return {r[0]: {"client_id": r[1], "client_secret": r[2], "object_id": r[3]} for r in rows}

    def add_principal(self, name: str, client_id: str, client_secret: str, object_id: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO principals VALUES (?,?,?,?)", (name, client_id, client_secret, object_id)
        )

    def roles_for(self, object_id: str) -> list[tuple[str, str]]:
        rows = self.db.execute("SELECT scope, role FROM roles WHERE object_id=?", (object_id,)).fetchall()
        return [(r[0], r[1]) for r in rows]

    def set_role(self, object_id: str, scope: str, role: str | None) -> None:
        if role is None:
            self.db.execute("DELETE FROM roles WHERE object_id=? AND scope=?", (object_id, scope.lower()))
        else:
            self.db.execute("INSERT OR REPLACE INTO roles VALUES (?,?,?)", (object_id, scope.lower(), role))

    def clear_roles(self) -> None:
        self.db.execute("DELETE FROM roles")

    def reset(self) -> None:
        for table in ("resources", "operations", "rejections"):
            self.db.execute(f"DELETE FROM {table}")


def _like_prefix(key: str) -> str:
    escaped = key.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return escaped + "/%"
