// Package tiles holds the map data benchmarks (issue "Map data"; figures in
// BENCHMARKS.md, "Map data"): vector tiles and OGC API - Features items of
// the embedded demo district, served by the real gin engine from a SQLite
// file seeded with data.SeedDemo.
//
//	go test -run '^$' -bench . -benchmem ./bench/tiles/
package tiles
