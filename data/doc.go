// Package data is wangge's persistence and ingest: the embedded SQLite store,
// GeoJSON readers and the embedded demo data. It knows nothing of HTTP.
//
// Geometry is stored in WGS-84 lon/lat as 2D WKB. Readers convert GCJ-02 and
// BD-09 input with the transform they are given. Imports are all or nothing:
// a store write happens in one transaction, after the whole input validated.
//
// A Store is safe for concurrent use by several goroutines.
package data
