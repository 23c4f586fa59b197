package data

import (
	"context"
	"testing"
	"time"
)

// TestDBClock: after Sync, DBClock.Now lies between two readings of the
// database's clock taken just before and just after it (within the round
// trips' uncertainty), also when the process's clock runs an hour fast.
func TestDBClock(t *testing.T) {
	ctx := context.Background()
	st, err := OpenPostgres(ctx, pgTestDB(t, "clock"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dbNow := func() time.Time {
		var at time.Time
		if err := st.db.QueryRowContext(ctx, "SELECT clock_timestamp()").Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	var c DBClock
	if d := time.Since(c.Now()); d < -time.Second || d > time.Second {
		t.Fatalf("zero DBClock is %v off the local clock", d)
	}
	c.local = func() time.Time { return time.Now().Add(time.Hour) } // a process clock an hour fast
	if d := c.Now().Sub(dbNow()); d < 59*time.Minute {
		t.Fatalf("before Sync the fast clock reads %v ahead of the database, want about an hour", d)
	}
	rtt, err := c.Sync(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	before := dbNow()
	now := c.Now()
	after := dbNow()
	slack := rtt + time.Millisecond
	if now.Before(before.Add(-slack)) || now.After(after.Add(slack)) {
		t.Errorf("DBClock.Now() = %v, database clock between %v and %v (round trip %v)", now, before, after, rtt)
	}
	if off := c.Offset(); off < -time.Hour-time.Second || off > -time.Hour+time.Second {
		t.Errorf("offset %v, want about -1h", off)
	}
}
