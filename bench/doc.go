// Package bench holds wangge's benchmarks at national scale (issue "Core 2"):
// Go benchmarks of Locate on the real national district polygons and on a
// synthetic million-vertex polygon with a hundred thousand holes, next to
// "the plain approach" (tidwall/rtree over bounding boxes + orb's
// planar.PolygonContains). The programs under bench/ compare with PostGIS
// and measure memory and load time; bench/run.sh runs everything.
//
// The national data lives in ../shared/data (WANGGE_SHARED_DATA overrides);
// benchmarks that need it skip when it is missing.
package bench
