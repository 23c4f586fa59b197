package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
)

// maskMagic starts the decompressed mask; the trailing digit is the format
// version. geo/crs/mainland.go reads this format.
const maskMagic = "WGMASK1\n"

// encode writes the mask in the format of geo/crs/mainland.go: a gzip
// stream (no name, no time, so the output is reproducible) of
//
//	maskMagic
//	uvarint res, varint lon0, varint lat0, uvarint ncols, uvarint nrows
//	for each row, south to north:
//	    uvarint number of runs
//	    for each run [s, e): uvarint s-prevEnd, uvarint e-s-1 (prevEnd is 0 at the start of a row)
//	uvarint total number of runs (a check)
func encode(g grid, m *mask) ([]byte, error) {
	var body []byte
	body = append(body, maskMagic...)
	body = binary.AppendUvarint(body, uint64(g.res))
	body = binary.AppendVarint(body, int64(g.lon0))
	body = binary.AppendVarint(body, int64(g.lat0))
	body = binary.AppendUvarint(body, uint64(g.ncols))
	body = binary.AppendUvarint(body, uint64(g.nrows))
	total := 0
	for _, row := range m.rows {
		body = binary.AppendUvarint(body, uint64(len(row)))
		prev := int32(0)
		for _, s := range row {
			if s.s < prev || s.e <= s.s || int(s.e) > g.ncols {
				return nil, fmt.Errorf("encode: bad run [%d, %d) after %d", s.s, s.e, prev)
			}
			body = binary.AppendUvarint(body, uint64(s.s-prev))
			body = binary.AppendUvarint(body, uint64(s.e-s.s-1))
			prev = s.e
		}
		total += len(row)
	}
	body = binary.AppendUvarint(body, uint64(total))

	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}
