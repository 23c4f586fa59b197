-- Sites (points of interest), keyed by (kind, id): the PostgreSQL twin of
-- migrations/sqlite/0003_sites.sql, plus a PostGIS point computed from
-- lon, lat. The owning grid is not stored (see geo.Site).
CREATE TABLE sites (
    kind     text COLLATE "C" NOT NULL,
    id       text COLLATE "C" NOT NULL,
    seq      bigint NOT NULL,          -- input order within the kind
    name     text   NOT NULL,
    lon      double precision NOT NULL, -- WGS-84
    lat      double precision NOT NULL,
    weight   double precision NOT NULL,
    capacity double precision,          -- NULL when not given
    attrs    text   NOT NULL,           -- JSON object
    geom     geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    PRIMARY KEY (kind, id)
);
CREATE INDEX sites_kind_seq ON sites(kind, seq);
CREATE INDEX sites_geom ON sites USING gist (geom);
