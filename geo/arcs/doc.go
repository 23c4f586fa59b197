// Package arcs builds the shared-arc topology of a boundary set and
// simplifies it so that neighbouring grids keep sharing their edges, as
// TopoJSON and mapshaper do.
//
// Every ring of every grid is cut at its junctions: the vertices where the
// ring's neighbourhood changes (three or more rings meet, or one neighbour
// gives way to another; a vertex is a junction when two of the rings through
// it do not arrive from and leave towards the same pair of points). The
// pieces between junctions are arcs; an arc used by several rings (two
// neighbours, a parent and its child along their common outline, in either
// direction) is stored once. A ring without any junction is one closed arc.
// Rings are then lists of references to arcs (Ref), and simplifying each arc
// once, in its stored direction, with its ends fixed, and reassembling the
// rings gives simplified grids whose shared boundaries are still identical
// vertex for vertex: no slivers, no gaps, at any tolerance.
//
// Edges are shared when their vertices are bit-identical, as in wangge's
// noded data (the demo, and any set whose neighbours were welded): two
// boundaries that merely run close to each other are not joined.
//
// Coordinates are orb.Point{lon, lat}, WGS-84 degrees, as in package geo. A
// Topology is built once and never changed, so any number of goroutines may
// read it; the simplified arcs a Simplifier memoises are its own, not shared.
// The set's geometry is read, never modified.
package arcs
