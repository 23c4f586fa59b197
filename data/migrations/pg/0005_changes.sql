-- Counters of changes the servers sharing the database follow besides the
-- boundary versions: SaveSites bumps "sites" (and notifies on
-- wangge_versions), so that every replica reloads the sites another one
-- (or the CLI) wrote.
CREATE TABLE change_counters (
    name text PRIMARY KEY,
    n    bigint NOT NULL
);
INSERT INTO change_counters VALUES ('sites', 0);
