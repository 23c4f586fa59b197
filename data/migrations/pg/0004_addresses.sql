-- The address layer (gazetteer) and how reports sent with an address were
-- matched: the PostgreSQL twin of migrations/sqlite/0004_addresses.sql, plus
-- a PostGIS point per address computed from lon, lat, with a GiST index.
CREATE TABLE addresses (
    id        bigint PRIMARY KEY,       -- input order, from 1
    address   text NOT NULL,
    lon       double precision NOT NULL, -- WGS-84
    lat       double precision NOT NULL,
    province  text NOT NULL DEFAULT '',
    city      text NOT NULL DEFAULT '',
    district  text NOT NULL DEFAULT '',
    street    text NOT NULL DEFAULT '',
    community text NOT NULL DEFAULT '',
    road      text NOT NULL DEFAULT '',
    number    text NOT NULL DEFAULT '',
    building  text NOT NULL DEFAULT '',
    unit      text NOT NULL DEFAULT '',
    poi       text NOT NULL DEFAULT '',
    grid      text NOT NULL DEFAULT '',
    geom      geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
);
CREATE INDEX addresses_geom ON addresses USING gist (geom);

CREATE TABLE report_geocodes (
    report_id  bigint PRIMARY KEY REFERENCES reports(id),
    query      text NOT NULL,
    address    text NOT NULL,   -- '' when nothing matched
    precision  text NOT NULL,
    score      double precision NOT NULL,
    candidates text NOT NULL    -- JSON [{"address","lon","lat","score","precision","grid"}]
);
