-- The address layer (gazetteer) that /v1/geocode and /v1/reverse answer
-- from, and how reports sent with an address were matched.
CREATE TABLE addresses (
    id        INTEGER PRIMARY KEY,      -- input order, from 1
    address   TEXT NOT NULL,
    lon       REAL NOT NULL,            -- WGS-84
    lat       REAL NOT NULL,
    -- components: given columns, else parsed from the text; '' unknown
    province  TEXT NOT NULL DEFAULT '',
    city      TEXT NOT NULL DEFAULT '',
    district  TEXT NOT NULL DEFAULT '',
    street    TEXT NOT NULL DEFAULT '',
    community TEXT NOT NULL DEFAULT '',
    road      TEXT NOT NULL DEFAULT '',
    number    TEXT NOT NULL DEFAULT '',
    building  TEXT NOT NULL DEFAULT '',
    unit      TEXT NOT NULL DEFAULT '',
    poi       TEXT NOT NULL DEFAULT '',
    -- the finest grid owning the point under the boundaries current at
    -- import ('' outside every grid); answers compute the owner afresh
    grid      TEXT NOT NULL DEFAULT ''
);

-- A report sent with "address" instead of lon/lat: the text, what it
-- matched, and (when the score was too low to assign it) the candidates.
CREATE TABLE report_geocodes (
    report_id  INTEGER PRIMARY KEY REFERENCES reports(id),
    query      TEXT NOT NULL,
    address    TEXT NOT NULL,   -- '' when nothing matched
    precision  TEXT NOT NULL,
    score      REAL NOT NULL,
    candidates TEXT NOT NULL    -- JSON [{"address","lon","lat","score","precision","grid"}]
);
