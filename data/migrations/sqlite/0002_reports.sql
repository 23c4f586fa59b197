-- Reports (诉求/事件), their events, idempotency keys, access tokens and the
-- audit log of reads of personal data. Times are unix milliseconds, UTC.
-- Where reports are placed: a grid's path (with the names it had) and the
-- team responsible. Reports of one grid share one row; rows never change.
CREATE TABLE report_placements (
    id    INTEGER PRIMARY KEY,  -- a hash of gpath and data (data.placementID)
    -- gpath: one "level<RS>code<US>" per grid of the path, root first, so
    -- that a subtree is a prefix range.
    gpath TEXT NOT NULL,
    data  TEXT NOT NULL         -- JSON {"path":[{"code","name","level"}],"assignee":{...}|null}
);
CREATE INDEX report_placements_gpath ON report_placements(gpath);

CREATE TABLE reports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
    status           TEXT    NOT NULL,
    category         TEXT    NOT NULL,
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    lon              REAL    NOT NULL,                  -- WGS-84
    lat              REAL    NOT NULL,
    source           TEXT    NOT NULL,
    reporter_name    TEXT    NOT NULL DEFAULT '',
    reporter_phone   TEXT    NOT NULL DEFAULT '',
    created_by       TEXT    NOT NULL DEFAULT '',       -- token id; '' for imports
    placement_id     INTEGER,                           -- report_placements; NULL while unassigned
    boundary_version INTEGER,                           -- NULL while unassigned
    occurred_at      INTEGER,
    created_at       INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    resolved_at      INTEGER,
    done_at          INTEGER                            -- NULL while open
);
-- Newest first, everywhere; the rowid (id) ends every index.
CREATE INDEX reports_created ON reports(created_at);
CREATE INDEX reports_placement ON reports(placement_id, created_at) WHERE placement_id IS NOT NULL;
CREATE INDEX reports_creator ON reports(created_by, created_at) WHERE created_by <> '';
CREATE INDEX reports_resolved ON reports(resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX reports_open ON reports(due_at) WHERE done_at IS NULL;

-- Every change of a report, kept forever: the triggers refuse updates and
-- deletes.
CREATE TABLE report_events (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    seq         INTEGER NOT NULL,  -- 0, 1, ... per report
    at          INTEGER NOT NULL,
    by          TEXT    NOT NULL,
    from_status TEXT    NOT NULL,  -- '' for the first event
    to_status   TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    grid        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER report_events_no_update BEFORE UPDATE ON report_events
BEGIN SELECT RAISE(ABORT, 'report events are kept forever'); END;
CREATE TRIGGER report_events_no_delete BEFORE DELETE ON report_events
BEGIN SELECT RAISE(ABORT, 'report events are kept forever'); END;

-- A replayed Idempotency-Key gets the first answer back. Keys are scoped to
-- the token that sent them. (A rowid table: the answers are large and come
-- in time order; only the small unique index is in key order.)
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY,
    scope        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,  -- SHA-256 of the request
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    body         BLOB    NOT NULL,  -- the 201 answer
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_scope_key ON idempotency_keys(scope, key);

-- Bearer tokens: only a SHA-256 hash of each is kept.
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    hash       BLOB    NOT NULL UNIQUE,
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'dispatcher', 'worker', 'reporter')),
    grid       TEXT    NOT NULL DEFAULT '',
    name       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER,             -- NULL: never
    revoked_at INTEGER
);

-- Every read of unmasked personal data.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    token_id   TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    report_ids TEXT    NOT NULL,    -- comma-separated
    request_id TEXT    NOT NULL,
    remote     TEXT    NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
