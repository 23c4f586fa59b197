// Package topology checks that a boundary set tiles the ground as grid
// governance needs (横向到边、纵向到底): siblings do not overlap, children
// cover their parent and stay inside it, every geometry is valid, and the
// hierarchy has no holes. Validate reads a geo.Index and returns a Report of
// Problems; Repair makes one dirty geometry valid. RepairSet makes a whole
// set pass Validate (snapping, overlaps to one grid by a Rule, gaps to a
// neighbour); Compare makes the crosswalk of two layers of the same ground
// and Merge one layer from two (多网合一). Every overlay result RepairSet
// and Merge keep is checked (checked.go).
//
// Coordinates are orb.Point{lon, lat} in WGS-84 degrees, as in package geo.
// Areas are square metres on the WGS-84 ellipsoid (AreaM2: an equal-area
// projection through the authalic sphere, exact for the projection; edges
// longer than about 500 m are followed along their great circle, as PostGIS's
// geography does), and agree with PostGIS ST_Area(geography) to far better
// than 0.1%.
//
// # The problems
//
//   - overlap: two siblings (children of one parent, or roots of one level)
//     share area; the problem names both and carries the shared area.
//   - gap: ground a parent covers that none of its children does; or, among
//     roots of one level, ground they enclose that none of them covers: a
//     bounded connected region covered by no root. Regions meeting at a
//     single point are not connected, so a pocket that opens onto the outside
//     through one point only is a gap. (PostGIS's equivalent: the parts of
//     ST_Difference(envelope, ST_Union(roots)) that do not touch the
//     envelope's edge.) Roots are not grouped by an attribute: a set of the
//     districts of several cities is checked as one tiling.
//   - outside_parent: part of a child outside its parent.
//   - invalid: a geometry that is not OGC-valid, with the location of each
//     defect (Defect): self-intersections, self-touches, rings running along
//     themselves, spikes, duplicate points, zero-area rings, rings of one
//     polygon crossing, holes outside their shell or inside another hole,
//     parts overlapping. Such geometry is repaired (Repair) before every other
//     check.
//   - sliver: parts of a grid smaller than the area threshold.
//   - orphan: a root below the coarsest level the set uses (import refuses an
//     unknown parent, so a missing parent shows as a root at a fine level);
//     the detail names the coarser grid it lies in, when there is one.
//   - level_skip: a parent more than one level above its child.
//   - duplicate_name: siblings under one parent with the same name (roots,
//     which have no common parent, are not compared).
//
// Overlaps, gaps and parts outside smaller than Options.MinAreaM2 are not
// reported.
//
// # Boundary rule and repair
//
// A dirty ring covers what wangge's boundary rule says it covers (package
// geo: non-zero winding; a polygon is its shell less its holes; a
// multipolygon the union of its parts), and Repair returns exactly that
// region as valid polygons, so that validation judges the same ground
// geo.Locate assigns (and PostGIS's ST_Covers finds on the raw geometry).
// PostGIS's ST_MakeValid decides by parity over the de-duplicated linework
// instead, and differs where a ring runs twice along a stretch (the ground
// it fences off becomes inside), where parts of a multipolygon overlap (the
// overlap becomes outside) or where a ring winds twice around some ground:
// on 494 of the 3,253 national polygons, by 426 km² in all (390 km² of it
// one county, 653222, whose parts overlap). data/validation_pg_test.go
// compares with ST_MakeValid wherever the two agree and with the repaired
// geometry everywhere.
//
// # Overlay
//
// Intersection, Difference and Union work from the winding numbers of the
// rings' edges (see overlay.go): edges two neighbours share cancel, so the
// cost is that of the edges that do not, and everything but the rounding of
// crossing points is exact (FuzzRepair checks the repair and the overlay on
// small integer rings full of touches, spikes and collinear edges). Gaps come from the same counting over the free
// boundary of a group (gaps.go). A pair of grids is overlaid only when an
// exact test (pair.go) finds that their interiors may meet.
//
// # Concurrency
//
// Validate reads the index and never modifies it or the geometry it holds;
// it spreads its work over GOMAXPROCS goroutines and may be called
// concurrently. Repair and the overlay functions are pure. RepairSet,
// Compare and Merge do not modify their inputs and may be called
// concurrently.
//
// topology imports only geometry libraries (orb, rtree) and the standard
// library.
package topology
