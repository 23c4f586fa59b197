-- Boundary sets: named layers, each with numbered versions; every import
-- writes a whole new version and makes it current.
CREATE TABLE layers (
    name            TEXT PRIMARY KEY,
    current_version INTEGER
);

CREATE TABLE boundary_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    layer      TEXT    NOT NULL REFERENCES layers(name),
    levels     TEXT    NOT NULL,          -- JSON array, coarsest first
    grid_count INTEGER NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL           -- RFC 3339, UTC
);
CREATE INDEX boundary_versions_layer ON boundary_versions(layer, id);

CREATE TABLE grids (
    version_id INTEGER NOT NULL REFERENCES boundary_versions(id),
    seq        INTEGER NOT NULL,          -- position in the set
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    level      TEXT    NOT NULL,
    parent     TEXT    NOT NULL,
    attrs      TEXT    NOT NULL,          -- JSON object
    geom       BLOB    NOT NULL,          -- 2D WKB MultiPolygon, WGS-84
    PRIMARY KEY (version_id, code)
);
CREATE UNIQUE INDEX grids_version_seq ON grids(version_id, seq);
