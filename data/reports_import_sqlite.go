package data

import (
	"errors"
	"fmt"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteConn is a connection to a store's file of its own, through the
// SQLite C API of modernc.org/sqlite/lib: the same library the database/sql
// driver wraps, so the file locks of both are one (SQLite keeps them per
// process). An import binds 18 values for each of a million rows: through
// database/sql and the driver (a conversion of each value, a C copy of each
// string, the connection's mutex around each call) that cost 1.3 µs of the
// writer's 3.6 µs per row. Here the text of a statement is copied into one
// buffer and bound in place, and the connection has no mutex
// (SQLITE_OPEN_NOMUTEX): it must be used by one goroutine at a time.
type sqliteConn struct {
	tls *libc.TLS
	db  uintptr
}

// errNoRows: queryRow found no row.
var errNoRows = errors.New("no rows")

// openSQLiteConn opens the file at path (which must exist) as OpenSQLite
// does: as a "file:" URI.
func openSQLiteConn(path string) (*sqliteConn, error) {
	c := &sqliteConn{tls: libc.NewTLS()}
	name, err := libc.CString("file:" + path)
	pdb := libc.Xmalloc(c.tls, types.Size_t(unsafe.Sizeof(uintptr(0))))
	rc := int32(sqlite3.SQLITE_NOMEM)
	if err == nil && pdb != 0 {
		rc = sqlite3.Xsqlite3_open_v2(c.tls, name, pdb, sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX|sqlite3.SQLITE_OPEN_URI, 0)
		c.db = readPointer(pdb) // a handle even when the open failed, to be closed
	}
	libc.Xfree(c.tls, name)
	libc.Xfree(c.tls, pdb)
	if rc != sqlite3.SQLITE_OK {
		err := c.error(rc)
		c.close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	sqlite3.Xsqlite3_extended_result_codes(c.tls, c.db, 1)
	return c, nil
}

// close closes the connection; a transaction still open is rolled back.
func (c *sqliteConn) close() {
	if c.db != 0 {
		sqlite3.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

// error is the error of rc, with SQLite's message when there is one.
func (c *sqliteConn) error(rc int32) error {
	msg := ""
	if c.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	if msg == "" {
		msg = libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}

// lastInsertID is the rowid of the last row inserted.
func (c *sqliteConn) lastInsertID() int64 {
	return sqlite3.Xsqlite3_last_insert_rowid(c.tls, c.db)
}

// exec runs one statement with args (int64, float64, string or nil) to its
// end.
func (c *sqliteConn) exec(query string, args ...any) error {
	st, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer st.close()
	if err := st.bindAll(args); err != nil {
		return err
	}
	for {
		row, err := st.step()
		if err != nil || !row {
			return err
		}
	}
}

// queryRow runs a query with args and scans the first row into dest
// (*int64 or *string); errNoRows when there is none.
func (c *sqliteConn) queryRow(query string, args []any, dest ...any) error {
	st, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer st.close()
	if err := st.bindAll(args); err != nil {
		return err
	}
	row, err := st.step()
	switch {
	case err != nil:
		return err
	case !row:
		return errNoRows
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *int64:
			*d = sqlite3.Xsqlite3_column_int64(c.tls, st.p, int32(i))
		case *string:
			*d = st.columnText(i)
		default:
			return fmt.Errorf("scan into %T", d)
		}
	}
	return nil
}

// queryStrings runs a query and returns the text of its first two columns,
// row by row.
func (c *sqliteConn) queryStrings(query string) ([][2]string, error) {
	st, err := c.prepare(query)
	if err != nil {
		return nil, err
	}
	defer st.close()
	var out [][2]string
	for {
		row, err := st.step()
		if err != nil || !row {
			return out, err
		}
		out = append(out, [2]string{st.columnText(0), st.columnText(1)})
	}
}

// sqliteStmt is a prepared statement of a sqliteConn, with the buffer its
// text values are bound from.
type sqliteStmt struct {
	c     *sqliteConn
	p     uintptr
	text  uintptr // C memory holding the text bound, size cap
	cap   int
	off   int
	empty uintptr // "" (a NULL pointer would bind NULL)
}

func (c *sqliteConn) prepare(query string) (*sqliteStmt, error) {
	q, err := libc.CString(query)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, q)
	pp := libc.Xmalloc(c.tls, 8)
	if pp == 0 {
		return nil, errors.New("out of memory")
	}
	defer libc.Xfree(c.tls, pp)
	if rc := sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, q, -1, pp, 0); rc != sqlite3.SQLITE_OK {
		return nil, c.error(rc)
	}
	st := &sqliteStmt{c: c, p: readPointer(pp)}
	if st.p == 0 {
		return nil, fmt.Errorf("prepare %.40q: no statement", query)
	}
	return st, nil
}

func (s *sqliteStmt) close() {
	if s.p != 0 {
		sqlite3.Xsqlite3_finalize(s.c.tls, s.p)
		s.p = 0
	}
	if s.text != 0 {
		libc.Xfree(s.c.tls, s.text)
		s.text, s.cap = 0, 0
	}
}

// reserve makes room for n bytes of text, for the values bound until the
// next reserve. The text bound before is no longer needed: the statement
// was stepped or reset since (SQLite reads bound values when stepping).
func (s *sqliteStmt) reserve(n int) error {
	n++ // room for the empty string
	if n > s.cap {
		if s.text != 0 {
			libc.Xfree(s.c.tls, s.text)
		}
		size := max(n, 2*s.cap, 4096)
		if s.text = libc.Xmalloc(s.c.tls, types.Size_t(size)); s.text == 0 {
			s.cap = 0
			return errors.New("out of memory")
		}
		s.cap = size
	}
	cBytes(s.text, 1)[0] = 0
	s.empty, s.off = s.text, 1
	return nil
}

// bindText binds v, copied into the room made by reserve, to parameter i
// (from 1).
func (s *sqliteStmt) bindText(i int32, v string) int32 {
	if v == "" {
		return sqlite3.Xsqlite3_bind_text(s.c.tls, s.p, i, s.empty, 0, sqlite3.SQLITE_STATIC)
	}
	p := s.text + uintptr(s.off)
	copy(cBytes(p, len(v)), v)
	s.off += len(v)
	return sqlite3.Xsqlite3_bind_text(s.c.tls, s.p, i, p, int32(len(v)), sqlite3.SQLITE_STATIC)
}

func (s *sqliteStmt) bindInt64(i int32, v int64) int32 {
	return sqlite3.Xsqlite3_bind_int64(s.c.tls, s.p, i, v)
}

func (s *sqliteStmt) bindDouble(i int32, v float64) int32 {
	return sqlite3.Xsqlite3_bind_double(s.c.tls, s.p, i, v)
}

func (s *sqliteStmt) bindNull(i int32) int32 {
	return sqlite3.Xsqlite3_bind_null(s.c.tls, s.p, i)
}

// bindAll binds args (int64, int, float64, string or nil) from parameter 1.
func (s *sqliteStmt) bindAll(args []any) error {
	n := 0
	for _, a := range args {
		if v, ok := a.(string); ok {
			n += len(v)
		}
	}
	if err := s.reserve(n); err != nil {
		return err
	}
	for k, a := range args {
		i := int32(k + 1)
		var rc int32
		switch v := a.(type) {
		case nil:
			rc = s.bindNull(i)
		case int64:
			rc = s.bindInt64(i, v)
		case int:
			rc = s.bindInt64(i, int64(v))
		case float64:
			rc = s.bindDouble(i, v)
		case string:
			rc = s.bindText(i, v)
		default:
			return fmt.Errorf("bind %T", a)
		}
		if rc != sqlite3.SQLITE_OK {
			return s.c.error(rc)
		}
	}
	return nil
}

// step runs the statement to its next row (true) or its end (false, and
// the statement is reset for the next run).
func (s *sqliteStmt) step() (bool, error) {
	switch rc := sqlite3.Xsqlite3_step(s.c.tls, s.p); rc {
	case sqlite3.SQLITE_ROW:
		return true, nil
	case sqlite3.SQLITE_DONE:
		sqlite3.Xsqlite3_reset(s.c.tls, s.p)
		return false, nil
	default:
		err := s.c.error(rc)
		sqlite3.Xsqlite3_reset(s.c.tls, s.p)
		return false, err
	}
}

func (s *sqliteStmt) columnText(i int) string {
	p := sqlite3.Xsqlite3_column_text(s.c.tls, s.p, int32(i))
	n := sqlite3.Xsqlite3_column_bytes(s.c.tls, s.p, int32(i))
	if p == 0 || n == 0 {
		return ""
	}
	return string(cBytes(p, int(n)))
}

// cBytes is the C memory of n bytes at p.
func cBytes(p uintptr, n int) []byte { return libc.GoBytes(p, n) }

// readPointer reads the pointer stored at p (an out parameter of the C API).
func readPointer(p uintptr) uintptr {
	return *(*uintptr)(unsafe.Pointer(&cBytes(p, int(unsafe.Sizeof(uintptr(0))))[0]))
}
