// Package geo is wangge's domain: grids, boundary sets, validation, the
// polygon index and the "which grid owns this point" rule.
//
// Coordinates are orb.Point{lon, lat} in degrees, WGS-84 unless a function
// says otherwise (geo/crs converts GCJ-02 and BD-09). Distances are metres on
// the WGS-84 ellipsoid where a name ends in M (NearestM, DistanceM).
//
// Boundary rule. A ring contains a point when the ring's winding number around
// it is not zero (the non-zero rule, as PostGIS uses); a point lies on a ring
// when it lies exactly on one of its segments, decided with exact arithmetic
// (no epsilon). A polygon covers a point on or inside its shell and not
// strictly inside any hole; a multipolygon covers it when any part does. This
// is PostGIS ST_Covers.
//
// Ownership rule. Of all grids covering a point, the owner is the one at the
// finest level; among several at that level, one that has the point strictly
// inside beats one that has it on its boundary; among those, the lowest code
// (byte order) wins. The others are reported. So a point on an edge shared by
// two grids belongs to exactly one of them, and the owner is always one of the
// grids ST_Covers returns.
//
// Concurrency. A Set is plain data. An Index is built once from a Set and never
// changed afterwards, so any number of goroutines may call Locate at once;
// Holder swaps a new Index in atomically on reload.
//
// geo imports only geometry libraries and the standard library: never
// net/http, gin or database/sql.
package geo
