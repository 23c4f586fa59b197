package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/wangge/wangge/geo"
)

// batchScanner is a small streaming JSON reader for the batch-locate body:
// an object with string members crs, level, fields, a number nearest_m and an
// array points of {"id": string|number, "lon": number, "lat": number}. It
// reads from a bufio.Reader one value at a time, so memory holds the compact
// point list, not the body. Anything else is a 400 naming the member.
type batchScanner struct {
	r   *bufio.Reader
	buf []byte
}

var errSyntax = errors.New("body is not valid JSON")

func (s *batchScanner) next() (byte, error) {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, nil
	}
}

func (s *batchScanner) expect(want byte) error {
	c, err := s.next()
	if err != nil {
		return err
	}
	if c != want {
		return errSyntax
	}
	return nil
}

// str reads a JSON string whose opening quote has been consumed, returning
// its raw bytes (quotes included) and its decoded value.
func (s *batchScanner) str() (raw []byte, val string, err error) {
	s.buf = append(s.buf[:0], '"')
	escaped := false
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return nil, "", io.ErrUnexpectedEOF
		}
		s.buf = append(s.buf, c)
		switch {
		case c == '\\':
			escaped = true
			c2, err := s.r.ReadByte()
			if err != nil {
				return nil, "", io.ErrUnexpectedEOF
			}
			s.buf = append(s.buf, c2)
		case c == '"':
			if !escaped {
				return s.buf, string(s.buf[1 : len(s.buf)-1]), nil
			}
			var v string
			if err := json.Unmarshal(s.buf, &v); err != nil {
				return nil, "", errSyntax
			}
			return s.buf, v, nil
		case c < 0x20:
			return nil, "", errSyntax
		}
	}
}

// num reads a JSON number whose first byte is c.
func (s *batchScanner) num(c byte) ([]byte, float64, error) {
	s.buf = append(s.buf[:0], c)
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			break
		}
		if (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E' {
			s.buf = append(s.buf, b)
			continue
		}
		s.r.UnreadByte()
		break
	}
	if !validNumber(s.buf) {
		return nil, 0, errSyntax
	}
	v, err := strconv.ParseFloat(string(s.buf), 64)
	if err != nil { // out of float64 range
		return nil, 0, errSyntax
	}
	return s.buf, v, nil
}

// stringMember reads a string value for member key.
func (s *batchScanner) stringMember(key string) (string, error) {
	c, err := s.next()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", badRequest("invalid_body", key, "%s must be a string", key)
	}
	_, v, err := s.str()
	return v, err
}

// decodeBatch reads the whole request.
func (s *Server) decodeBatch(r io.Reader) (*batchRequest, error) {
	sc := &batchScanner{r: bufio.NewReaderSize(r, 64<<10)}
	req, err := s.scanBatch(sc)
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return req, nil
	case errors.As(err, &mbe):
		return nil, err
	case errors.Is(err, errSyntax), errors.Is(err, io.ErrUnexpectedEOF):
		return nil, badRequest("invalid_body", "", "body is not valid JSON")
	}
	return nil, err
}

func (s *Server) scanBatch(sc *batchScanner) (*batchRequest, error) {
	req := &batchRequest{nearestM: geo.DefaultNearestM}
	c, err := sc.next()
	if err != nil {
		return nil, err
	}
	if c != '{' {
		return nil, badRequest("invalid_body", "", "body must be a JSON object")
	}
	seenPoints := false
	for first := true; ; first = false {
		c, err := sc.next()
		if err != nil {
			return nil, err
		}
		if c == '}' && first {
			break
		}
		if !first {
			if c == '}' {
				break
			}
			if c != ',' {
				return nil, errSyntax
			}
			if c, err = sc.next(); err != nil {
				return nil, err
			}
		}
		if c != '"' {
			return nil, errSyntax
		}
		_, key, err := sc.str()
		if err != nil {
			return nil, err
		}
		if err := sc.expect(':'); err != nil {
			return nil, err
		}
		switch key {
		case "crs":
			req.crs, err = sc.stringMember(key)
		case "level":
			req.level, err = sc.stringMember(key)
		case "fields":
			var v string
			if v, err = sc.stringMember(key); err == nil {
				req.fields, err = parseFields(v)
			}
		case "nearest_m":
			var c byte
			if c, err = sc.next(); err == nil {
				var v float64
				if c != '-' && (c < '0' || c > '9') {
					err = badRequest("invalid_body", key, "nearest_m must be a number within [0,%d]", geo.MaxNearestM)
				} else if _, v, err = sc.num(c); err == nil {
					if v < 0 || v > geo.MaxNearestM {
						err = badRequest("invalid_body", key, "nearest_m must be a number within [0,%d]", geo.MaxNearestM)
					}
					req.nearestM = v
				}
			}
		case "points":
			if seenPoints {
				return nil, badRequest("invalid_body", "points", "points is given twice")
			}
			seenPoints = true
			err = s.scanPoints(sc, req)
		default:
			err = badRequest("invalid_body", key, "unknown member %q", key)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := sc.next(); err != io.ErrUnexpectedEOF {
		if err == nil {
			err = errSyntax // trailing data
		}
		return nil, err
	}
	if !seenPoints {
		return nil, badRequest("invalid_body", "points", "points is required")
	}
	return req, nil
}

func parseFields(v string) (resultFields, error) {
	f := resultFields{}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if !contains(batchFields, name) {
			return nil, badRequest("invalid_body", "fields", "unknown field %q (fields: %s)", name, strings.Join(batchFields, ","))
		}
		f[name] = true
	}
	return f, nil
}

// scanPoints reads the points array.
func (s *Server) scanPoints(sc *batchScanner, req *batchRequest) error {
	if c, err := sc.next(); err != nil {
		return err
	} else if c != '[' {
		return badRequest("invalid_body", "points", "points must be an array")
	}
	for i := 0; ; i++ {
		c, err := sc.next()
		if err != nil {
			return err
		}
		if c == ']' && i == 0 {
			return nil
		}
		if i > 0 {
			if c == ']' {
				return nil
			}
			if c != ',' {
				return errSyntax
			}
			if c, err = sc.next(); err != nil {
				return err
			}
		}
		if i >= s.cfg.MaxBatchPoints {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_many_points", Field: "points",
				Message: fmt.Sprintf("at most %d points per request", s.cfg.MaxBatchPoints)}
		}
		pt, err := scanPoint(sc, c, i)
		if err != nil {
			return err
		}
		req.points = append(req.points, pt)
	}
}

// scanPoint reads one {"id","lon","lat"} object whose first byte is c.
func scanPoint(sc *batchScanner, c byte, i int) (batchPoint, error) {
	field := func(name string) string { return fmt.Sprintf("points[%d]%s", i, name) }
	var pt batchPoint
	if c != '{' {
		return pt, badRequest("invalid_point", field(""), "%s must be an object {\"id\",\"lon\",\"lat\"}", field(""))
	}
	var haveLon, haveLat bool
	for first := true; ; first = false {
		c, err := sc.next()
		if err != nil {
			return pt, err
		}
		if c == '}' {
			break
		}
		if !first {
			if c != ',' {
				return pt, errSyntax
			}
			if c, err = sc.next(); err != nil {
				return pt, err
			}
		}
		if c != '"' {
			return pt, errSyntax
		}
		_, key, err := sc.str()
		if err != nil {
			return pt, err
		}
		if err := sc.expect(':'); err != nil {
			return pt, err
		}
		v, err := sc.next()
		if err != nil {
			return pt, err
		}
		switch key {
		case "id":
			var raw []byte
			switch {
			case v == '"':
				raw, _, err = sc.str()
			case v == '-' || (v >= '0' && v <= '9'):
				raw, _, err = sc.num(v)
			default:
				return pt, badRequest("invalid_point", field(".id"), "%s.id must be a string or a number", field(""))
			}
			if err != nil {
				return pt, err
			}
			pt.id = bytes.Clone(raw)
		case "lon", "lat":
			if v != '-' && (v < '0' || v > '9') {
				return pt, badRequest("invalid_point", field("."+key), "%s.%s must be a number", field(""), key)
			}
			_, f, err := sc.num(v)
			if err != nil {
				return pt, err
			}
			if key == "lon" {
				pt.p[0], haveLon = f, true
			} else {
				pt.p[1], haveLat = f, true
			}
		default:
			return pt, badRequest("invalid_point", field("."+key), "unknown member %q (want id, lon, lat)", key)
		}
	}
	switch {
	case pt.id == nil:
		return pt, badRequest("invalid_point", field(".id"), "%s.id is required", field(""))
	case !haveLon:
		return pt, badRequest("invalid_point", field(".lon"), "%s.lon is required", field(""))
	case !haveLat:
		return pt, badRequest("invalid_point", field(".lat"), "%s.lat is required", field(""))
	}
	return pt, nil
}

// validNumber reports whether b is a JSON number (RFC 8259 §6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i == len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}
