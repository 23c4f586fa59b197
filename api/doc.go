// Package api is wangge's HTTP face: gin routes and handlers under /v1, the
// health, readiness, metrics and OpenAPI endpoints, and the one table that maps
// errors to HTTP status codes.
//
// Coordinates in requests and responses are lon/lat degrees in the crs the
// request names (wgs84 by default; gcj02 and bd09 for Chinese base maps);
// distances are metres. Every error body has the shape
// {"error":{"code":"invalid_point","message":"lat must be within [-90,90]","field":"lat"}}.
//
// The server reads the boundary index through a geo.Holder snapshot per
// request, so a reload (PUT /v1/grids) never shows a request half a set.
// api never imports package data: it declares the small interfaces it needs
// (GridReplacer) and cmd/wangge wires the store in.
package api
