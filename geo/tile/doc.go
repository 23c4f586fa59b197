// Package tile makes Mapbox Vector Tiles (MVT 2.1) of a boundary index and
// of point layers (sites, reports), in the Web Mercator tile pyramid
// (z/x/y, y from the north, as OSM, Mapbox, AMap and Tencent use).
//
// Coordinates in are orb.Point{lon, lat} in WGS-84 degrees, as in package
// geo. A tile is cut in the coordinate system the caller names: for GCJ-02
// (AMap, Tencent) and BD-09 (Baidu) base maps every vertex is shifted with
// geo/crs before it is projected, so the overlay lines up with the base map.
// Tile coordinates are integers in [0, 4096) (the layer extent) with a
// buffer of Options.BufferPx around the tile; y grows downwards. Polygon
// rings are written as the MVT spec wants them (exterior rings positive by
// its surveyor's formula, i.e. clockwise on screen).
//
// Simplification keeps shared edges shared: grids are drawn from the shared
// arcs of package arcs, simplified once per arc and zoom (Douglas–Peucker in
// Web Mercator, Options.TolerancePx pixels of a 256-pixel tile, arc ends
// fixed), so neighbouring grids never show slivers or gaps at any zoom. The
// topology is built from the levels visible at the zoom (a level appears from
// its MinZoom), so at low zooms the coarse outlines are not pinned by the
// junctions of finer levels. Clipping to the buffered tile and rounding to
// integers are pure functions of the points, so shared vertices stay shared.
//
// Concurrency. A Grids is built for one *geo.Index and never changes; any
// number of goroutines may render tiles from it at once (the per-zoom
// simplified arcs are computed on first use and published atomically). The
// index's geometry is never modified: projection, clipping and
// simplification work on copies.
package tile
