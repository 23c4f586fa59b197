// Package address matches Chinese addresses to points: a normaliser, a
// rule-based parser into components, and an in-memory gazetteer index that
// geocodes free text (with one wrong character in a long name, missing
// prefixes and spelled-out or omitted administrative suffixes) and answers
// the nearest address to a point.
//
// Coordinates are orb.Point{lon, lat} in WGS-84 degrees; distances are metres
// on a sphere. Text is compared after Normalize: full-width letters and
// digits folded to ASCII, letters upper-cased, spaces and punctuation
// dropped, Chinese numerals before a house marker (号, 栋, 单元, ...) written
// as digits, and the building words 栋/幢/号楼/座 spelled 栋.
//
// Honesty rule: a match says the finest precision it reached (building,
// number, road, poi, grid, community, street, district) and never claims a
// finer one; a building the gazetteer lacks falls back to its number, an
// unknown number to the road, and so on, with a lower score.
//
// An Index is built once (NewIndex) and never changed afterwards: it is safe
// for concurrent use by any number of goroutines. A new gazetteer means a new
// Index.
package address
