-- Sites (points of interest): stations, schools, residential points, candidate
-- places, ... keyed by (kind, id). The owning grid is not stored: it is
-- computed against the boundary index in use, so it follows every boundary
-- change (see geo.Site).
CREATE TABLE sites (
    kind     TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    seq      INTEGER NOT NULL,          -- input order within the kind
    name     TEXT    NOT NULL,
    lon      REAL    NOT NULL,          -- WGS-84
    lat      REAL    NOT NULL,
    weight   REAL    NOT NULL,
    capacity REAL,                      -- NULL when not given
    attrs    TEXT    NOT NULL,          -- JSON object
    PRIMARY KEY (kind, id)
);
CREATE INDEX sites_kind_seq ON sites(kind, seq);
