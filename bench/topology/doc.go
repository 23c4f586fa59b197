// Package topology holds the benchmarks of boundary validation (issue
// "Topology 1: no gaps, no overlaps"; figures in BENCHMARKS.md, "Topology"):
// geo/topology.Validate on the embedded demo district and on the 3,253
// districts of cn-all-districts (4.5 M vertices, 2,376 of them in polygons
// that are not OGC-valid), whole and in the first n districts of the files
// (province by province), and Repair alone.
//
//	go test -run '^$' -bench . -benchtime 3x ./bench/topology/
//
// The national benchmarks skip, with a message, when ../shared/data is
// missing (set WANGGE_SHARED_DATA).
package topology
