package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/wangge/wangge/geo/crs"
)

// convert: wangge convert --from X --to Y < id,lon,lat > id,lon,lat
func (m *Main) convert(_ context.Context, args []string) error {
	fs := m.newFlags("convert")
	from := fs.String("from", "", "coordinate system of the input: wgs84, gcj02 or bd09")
	to := fs.String("to", "", "coordinate system of the output: wgs84, gcj02 or bd09")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q (input is CSV on stdin)", errUsage, pos[0])
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("%w: --from and --to are required", errUsage)
	}
	src, err := crs.Parse(*from)
	if err != nil {
		return fmt.Errorf("%w: --from: %v", errUsage, err)
	}
	dst, err := crs.Parse(*to)
	if err != nil {
		return fmt.Errorf("%w: --to: %v", errUsage, err)
	}
	in := csv.NewReader(bufio.NewReaderSize(m.Stdin, 1<<16))
	in.ReuseRecord = true
	in.FieldsPerRecord = -1
	cols, err := readHeader(in, "id", "lon", "lat")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(m.Stdout, 1<<16)
	defer w.Flush()
	w.WriteString("id,lon,lat\n")
	bad := 0
	var row []byte
	for {
		rec, err := in.Read()
		if err == io.EOF {
			break
		}
		line, _ := in.FieldPos(0)
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			return fmt.Errorf("line %d: %v", line, err)
		}
		id, _, _, p, perr := pointOf(rec, cols)
		if perr == nil {
			perr = checkLonLat(p[0], p[1])
		}
		if perr != nil {
			bad++
			fmt.Fprintf(m.Stderr, "line %d: %v\n", line, perr)
			w.Write(appendCSV(row[:0], id, "", "")) // keep rows aligned with the input
			continue
		}
		q := crs.Convert(p, src, dst)
		row = appendCSV(row[:0], id, strconv.FormatFloat(q[0], 'f', -1, 64), strconv.FormatFloat(q[1], 'f', -1, 64))
		w.Write(row)
	}
	if bad > 0 {
		return fmt.Errorf("%d bad rows (reported above)", bad)
	}
	return nil
}

func checkLonLat(lon, lat float64) error {
	switch {
	case lon != lon || lon < -180 || lon > 180:
		return fmt.Errorf("lon must be within [-180,180]")
	case lat != lat || lat < -90 || lat > 90:
		return fmt.Errorf("lat must be within [-90,90]")
	}
	return nil
}
