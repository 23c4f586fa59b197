package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/wangge/wangge/geo"
)

// ErrClosed is returned for writes sent after Reports.Close.
var ErrClosed = errors.New("report store closed")

// maxBatch caps the operations committed in one transaction.
const maxBatch = 512

// writer serialises report writes through one goroutine that commits them in
// batches (group commit): it takes every operation queued while the previous
// commit was syncing, runs each under its own savepoint in one transaction,
// commits once, then answers them all. A caller's write is durable (WAL,
// synchronous=FULL) when its answer arrives. One failing operation rolls back
// to its savepoint and does not affect the others; a failed commit fails the
// whole batch.
type writer struct {
	db      *sql.DB
	pg      bool // PostgreSQL: no PRAGMAs; a broken connection is replaced
	ops     chan *writeOp
	quit    chan struct{}
	stopped chan struct{}
	stop    sync.Once

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared on db, reused by every transaction
}

// writeOp is one operation: fn runs inside the batch's transaction.
type writeOp struct {
	ctx  context.Context
	fn   func(b *batch) error
	done chan error // buffered: the writer never blocks on it
	// newReport: on PostgreSQL the batch draws a report id for the
	// operation before it runs (see batch.reportID).
	newReport bool
	// create, when set, is the report fn stores (PostgreSQL): a batch of
	// nothing but creates is pipelined (see commitPipelined).
	create *pgCreate
}

// batch is the transaction one group of operations runs in.
type batch struct {
	ctx context.Context
	tx  *sql.Tx
	w   *writer
	// onCommit runs once the batch has committed. An operation that fails
	// drops what it added.
	onCommit []func()
	// ids are report ids drawn from the sequence for the batch's new
	// reports (PostgreSQL), taken in turn by reportID; nowMS is the
	// database's clock when they were drawn (unix milliseconds).
	ids   []int64
	nowMS int64
}

// drawIDs draws from the reports' sequence one id per new report of ops,
// in one round trip. An id drawn and not used (an idempotent replay, a
// failed operation) is never used: ids have gaps, as PostgreSQL's always
// may.
func (b *batch) drawIDs(ops []*writeOp) error {
	n := 0
	for _, op := range ops {
		if op.newReport {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	rows, err := b.tx.QueryContext(b.ctx, drawIDsQuery, n)
	if err != nil {
		return err
	}
	defer rows.Close()
	b.ids = make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id, &b.nowMS); err != nil {
			return err
		}
		b.ids = append(b.ids, id)
	}
	return rows.Err()
}

// drawIDsQuery draws ? report ids, each with the database's clock in unix
// milliseconds.
const drawIDsQuery = `SELECT nextval(pg_get_serial_sequence('reports', 'id')),
	(extract(epoch FROM clock_timestamp()) * 1000)::bigint FROM generate_series(1, ?::int)`

// reportID takes the next id drawn for the batch.
func (b *batch) reportID() (int64, error) {
	if len(b.ids) == 0 {
		return 0, errors.New("report writer: no report id drawn for this operation")
	}
	id := b.ids[0]
	b.ids = b.ids[1:]
	return id, nil
}

// stmt returns query prepared for this transaction (the prepared statement
// is kept across batches). On PostgreSQL, pgx keeps its own cache of
// prepared statements per connection, which survives reconnection.
func (b *batch) stmt(query string) (*sql.Stmt, error) {
	s, err := b.w.prepared(query)
	if err != nil {
		return nil, err
	}
	return b.tx.StmtContext(b.ctx, s), nil
}

// queryRow runs a query of the batch's transaction.
func (b *batch) queryRow(query string, args ...any) *sql.Row {
	if b.w.pg {
		return b.tx.QueryRowContext(b.ctx, query, args...)
	}
	s, err := b.stmt(query)
	if err != nil {
		return b.tx.QueryRowContext(b.ctx, query, args...) // reports err
	}
	return s.QueryRowContext(b.ctx, args...)
}

// exec runs a statement of the batch's transaction.
func (b *batch) exec(query string, args ...any) (sql.Result, error) {
	if b.w.pg {
		return b.tx.ExecContext(b.ctx, query, args...)
	}
	s, err := b.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(b.ctx, args...)
}

func newWriter(db *sql.DB, pg bool) *writer {
	w := &writer{db: db, pg: pg, ops: make(chan *writeOp, 4*maxBatch), quit: make(chan struct{}), stopped: make(chan struct{}),
		stmts: map[string]*sql.Stmt{}}
	go w.loop()
	return w
}

// do runs fn in the next batch and waits until the batch has committed.
func (w *writer) do(ctx context.Context, fn func(b *batch) error) error {
	return w.run1(&writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// doCreate stores c, a new report, on PostgreSQL, and waits until its
// batch has committed.
func (w *writer) doCreate(ctx context.Context, c *pgCreate) error {
	return w.run1(&writeOp{ctx: ctx, fn: func(b *batch) error { return pgCreateReport(b, c) },
		done: make(chan error, 1), newReport: true, create: c})
}

// run1 queues op and waits until its batch has committed.
func (w *writer) run1(op *writeOp) error {
	ctx := op.ctx
	select {
	case w.ops <- op:
	case <-w.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, wait for the answer even if ctx ends: the write may
	// already be committed, and the caller must not guess.
	select {
	case err := <-op.done:
		return err
	case <-w.stopped:
		select {
		case err := <-op.done:
			return err
		default:
			return ErrClosed
		}
	}
}

// close stops the writer after the operations already queued.
func (w *writer) close() {
	w.stop.Do(func() { close(w.quit) })
	<-w.stopped
	w.mu.Lock()
	for _, s := range w.stmts {
		s.Close()
	}
	w.mu.Unlock()
}

func (w *writer) prepared(query string) (*sql.Stmt, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	s, err := w.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = s
	return s, nil
}

func (w *writer) loop() {
	defer close(w.stopped)
	ctx := context.Background()
	conn, err := w.connect(ctx)
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	batch := make([]*writeOp, 0, maxBatch)
	for {
		var first *writeOp
		select {
		case first = <-w.ops:
		case <-w.quit:
			// Finish what is queued, then stop.
			for {
				select {
				case op := <-w.ops:
					w.commit(ctx, conn, err, []*writeOp{op})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxBatch {
			select {
			case op := <-w.ops:
				batch = append(batch, op)
			default:
				break fill
			}
		}
		if w.pg && (conn == nil || err != nil) {
			// The server was unreachable: try again for this batch.
			if conn != nil {
				conn.Close()
			}
			conn, err = w.connect(ctx)
		}
		if cerr := w.commit(ctx, conn, err, batch); w.pg && errors.Is(cerr, geo.ErrUnavailable) {
			err = cerr // reconnect before the next batch
		}
	}
}

// connect takes the writer's connection from the pool. On SQLite it
// enlarges the page cache: a larger page cache than the default 2 MiB keeps
// index pages of large tables in memory between batches; savepoints keep
// their journal in memory, not in a temporary file.
func (w *writer) connect(ctx context.Context) (*sql.Conn, error) {
	conn, err := w.db.Conn(ctx)
	if err != nil || w.pg {
		return conn, err
	}
	if _, err = conn.ExecContext(ctx, "PRAGMA cache_size = -65536"); err == nil {
		_, err = conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY")
	}
	return conn, err
}

// commit runs ops in one transaction on conn and answers each. It returns
// the error of the connection, the BEGIN or the COMMIT, if any.
func (w *writer) commit(ctx context.Context, conn *sql.Conn, connErr error, ops []*writeOp) error {
	fail := func(err error) error {
		for _, op := range ops {
			op.done <- err
		}
		return err
	}
	if connErr != nil {
		return fail(fmt.Errorf("report writer: %w", connErr))
	}
	if w.pg {
		// PostgreSQL: first without a savepoint per operation (each costs
		// two round trips); if one fails, again with them.
		var err error
		if ops, err = w.commitFast(ctx, conn, ops); len(ops) == 0 {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("report writer: begin: %w", err))
	}
	b := &batch{ctx: ctx, tx: tx, w: w}
	if w.pg {
		if err := b.drawIDs(ops); err != nil {
			tx.Rollback()
			return fail(fmt.Errorf("report writer: %w", err))
		}
	}
	pending := ops[:0:0]
	for _, op := range ops {
		if err := op.ctx.Err(); err != nil {
			op.done <- err // given up before it ran: nothing written
			continue
		}
		if err := w.run(b, op); err != nil {
			op.done <- err
			continue
		}
		pending = append(pending, op)
	}
	if len(pending) == 0 {
		if err := tx.Rollback(); w.pg && errors.Is(err, geo.ErrUnavailable) {
			return err
		}
		return nil
	}
	if err = tx.Commit(); err != nil {
		// A failed COMMIT may leave SQLite's transaction open on conn.
		if !w.pg {
			conn.ExecContext(ctx, "ROLLBACK")
		}
		err = fmt.Errorf("report writer: commit: %w", err)
	} else {
		for _, fn := range b.onCommit {
			fn()
		}
	}
	for _, op := range pending {
		op.done <- err
	}
	return err
}

// commitFast runs ops in one transaction on conn without savepoints and
// answers each, and returns nil and the error of the BEGIN or COMMIT, if
// any. When an operation fails (PostgreSQL then refuses every later
// statement of the transaction) it rolls back and returns the operations
// to run again under savepoints (answering at once the one failing when it
// is alone, and those whose context ended).
func (w *writer) commitFast(ctx context.Context, conn *sql.Conn, ops []*writeOp) ([]*writeOp, error) {
	live := ops[:0:0]
	for _, op := range ops {
		if err := op.ctx.Err(); err != nil {
			op.done <- err // given up before it ran: nothing written
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return nil, nil
	}
	creates := true
	for _, op := range live {
		creates = creates && op.create != nil
	}
	if creates {
		return w.commitPipelined(ctx, conn, live)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		err = fmt.Errorf("report writer: begin: %w", err)
		for _, op := range live {
			op.done <- err
		}
		return nil, err
	}
	b := &batch{ctx: ctx, tx: tx, w: w}
	if err := b.drawIDs(live); err != nil {
		tx.Rollback()
		err = fmt.Errorf("report writer: %w", err)
		for _, op := range live {
			op.done <- err
		}
		return nil, err
	}
	for _, op := range live {
		if err := op.fn(b); err != nil {
			rerr := tx.Rollback()
			if len(live) == 1 {
				op.done <- err
				if errors.Is(rerr, geo.ErrUnavailable) {
					return nil, rerr
				}
				return nil, nil
			}
			return live, nil
		}
	}
	if err = tx.Commit(); err != nil {
		err = fmt.Errorf("report writer: commit: %w", err)
	} else {
		for _, fn := range b.onCommit {
			fn()
		}
	}
	for _, op := range live {
		op.done <- err
	}
	return nil, err
}

// run executes one operation under a savepoint, undoing it alone on error.
func (w *writer) run(b *batch, op *writeOp) error {
	if _, err := b.exec("SAVEPOINT op"); err != nil {
		return err
	}
	mark := len(b.onCommit)
	if err := op.fn(b); err != nil {
		b.onCommit = b.onCommit[:mark]
		if _, rerr := b.exec("ROLLBACK TO op"); rerr != nil {
			return errors.Join(err, rerr)
		}
		b.exec("RELEASE op")
		return err
	}
	_, err := b.exec("RELEASE op")
	return err
}
