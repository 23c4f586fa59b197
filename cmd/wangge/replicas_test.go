package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// replicaDeadline is how soon every live replica must serve a boundary
// version imported through another process (the figure).
const replicaDeadline = 2 * time.Second

// TestReplicas starts three replicas of the real binary on one PostgreSQL
// database, keeps lookups and report posts running against all three, kills
// one with SIGKILL, imports a new boundary version through another (PUT
// /v1/grids), then one through the CLI, writes sites through one, and
// checks: every lookup a live replica answered succeeded; the other
// replicas serve each new version, and the sites, within replicaDeadline; every acknowledged report is readable through
// each live replica, once; an Idempotency-Key replayed against another
// replica answers the same report.
func TestReplicas(t *testing.T) {
	const admin = "replica-admin-token"
	db := pgTempURL(t)
	env := []string{"WANGGE_ADMIN_TOKEN=" + admin}
	reps := []*server{startServer(t, env, "--demo", "--db", db, "--log-level", "warn")}
	for range 2 {
		reps = append(reps, startServer(t, env, "--db", db, "--log-level", "warn"))
	}
	v0 := servedVersion(t, reps[0].url)
	for i, r := range reps {
		if v := servedVersion(t, r.url); v != v0 || v == 0 {
			t.Fatalf("replica %d serves version %d, replica 0 %d", i, v, v0)
		}
	}
	const killed = 1
	var dead atomic.Bool // replica killed is down

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var lookups, lookupFailures atomic.Int64
	var failMu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		failMu.Lock()
		defer failMu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	// Lookups: two loops per replica, at 郑州站 and in the south-west, which every
	// version of the demo owns by a grid.
	points := [][2]float64{{113.6584, 34.7464}, {113.59, 34.69}}
	for i, r := range reps {
		for k := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := points[k]
				url := fmt.Sprintf("%s/v1/locate?lon=%v&lat=%v", r.url, p[0], p[1])
				for ctx.Err() == nil {
					resp, err := client.Get(url)
					if err != nil {
						if i != killed || !dead.Load() {
							// A refused connection is a replica that is down:
							// only the killed one may be.
							lookupFailures.Add(1)
							fail("replica %d: lookup: %v", i, err)
						}
						time.Sleep(5 * time.Millisecond)
						continue
					}
					var out struct {
						Match string
						Owner *struct{ Code string }
					}
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					lookups.Add(1)
					if err != nil || resp.StatusCode != 200 || out.Match != "inside" || out.Owner == nil {
						lookupFailures.Add(1)
						fail("replica %d: lookup answered %d %+v %v", i, resp.StatusCode, out, err)
					}
				}
			}()
		}
	}
	// Reports: four writers, each sending to the replicas in turn; when
	// one is down, the same key goes to the next.
	var mu sync.Mutex
	acked := map[string]int64{}
	ackedBy := map[string]int{}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ctx.Err() == nil; k++ {
				key := fmt.Sprintf("w%d-%d", w, k)
				body := fmt.Sprintf(`{"lon":%.6f,"lat":%.6f,"category":"general","title":%q}`, 113.59+float64(k%100)*1e-4, 34.69, key)
				for try := 0; ; try++ {
					i := (w + k + try) % len(reps)
					id, status, err := postReport(client, reps[i].url, admin, key, body)
					if err == nil && status == 201 {
						mu.Lock()
						acked[key], ackedBy[key] = id, i
						mu.Unlock()
						break
					}
					if err == nil || i != killed || !dead.Load() {
						if err != nil && i == killed {
							time.Sleep(5 * time.Millisecond) // killed just now
							continue
						}
						fail("replica %d: POST %s = %d %v", i, key, status, err)
						return
					}
				}
			}
		}()
	}

	time.Sleep(time.Second)
	dead.Store(true)
	reps[killed].cmd.Process.Kill() // SIGKILL
	<-reps[killed].done
	time.Sleep(300 * time.Millisecond)
	live := []int{0, 2}

	// A new version through replica 2: replica 0 must follow.
	demo, err := os.ReadFile("../../data/demo/grids.geojson")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", reps[2].url+"/v1/grids", bytes.NewReader(demo))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var put struct {
		BoundaryVersion int64 `json:"boundary_version"`
	}
	json.NewDecoder(resp.Body).Decode(&put)
	resp.Body.Close()
	if resp.StatusCode != 200 || put.BoundaryVersion <= v0 {
		t.Fatalf("PUT /v1/grids through replica 2 = %d, version %d (was %d)", resp.StatusCode, put.BoundaryVersion, v0)
	}
	t.Logf("replica 0 serves version %d (PUT through replica 2) after %v", put.BoundaryVersion, waitVersion(t, reps[0].url, put.BoundaryVersion))

	// And one through the CLI: both live replicas follow.
	code, out, errs := run(t, "", "import", "grids", "../../data/demo/grids.geojson", "--replace", "--db", db)
	if code != 0 {
		t.Fatalf("import through the CLI: %s", errs)
	}
	var v2 int64
	if _, err := fmt.Sscanf(out[strings.Index(out, "version "):], "version %d", &v2); err != nil || v2 <= put.BoundaryVersion {
		t.Fatalf("CLI import said %q", out)
	}
	for _, i := range live {
		t.Logf("replica %d serves version %d (CLI import) after %v", i, v2, waitVersion(t, reps[i].url, v2))
	}
	// Sites written through replica 2 reach replica 0 as well.
	req, _ = http.NewRequest("PUT", reps[2].url+"/v1/sites?kind=school&append=true", strings.NewReader("id,name,lon,lat\nreplica-school,复制学校,113.59,34.69\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+admin)
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT /v1/sites through replica 2 = %d", resp.StatusCode)
	}
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		var sites struct {
			Features []struct{ Properties struct{ ID string } }
		}
		getJSON(t, reps[0].url+"/v1/sites?kind=school", &sites)
		found := false
		for _, f := range sites.Features {
			found = found || f.Properties.ID == "replica-school"
		}
		if found {
			t.Logf("replica 0 lists the site written through replica 2 after %v", time.Since(start))
			break
		}
		if time.Since(start) > replicaDeadline {
			t.Fatalf("replica 0 does not list the site written through replica 2 after %v", replicaDeadline)
		}
	}
	time.Sleep(300 * time.Millisecond)
	stop()
	wg.Wait()

	for _, f := range failures {
		t.Error(f)
	}
	if lookupFailures.Load() > 0 || lookups.Load() < 100 {
		t.Fatalf("%d of %d lookups failed", lookupFailures.Load(), lookups.Load())
	}
	t.Logf("%d lookups, none failed; %d reports acknowledged", lookups.Load(), len(acked))
	if len(acked) < 50 {
		t.Fatalf("only %d reports acknowledged", len(acked))
	}

	// Every acknowledged report through each live replica; a replay of its
	// key through another replica than the one that took it answers the
	// same report.
	for key, id := range acked {
		for _, i := range live {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/reports/%d", reps[i].url, id), nil)
			req.Header.Set("Authorization", "Bearer "+admin)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var r struct{ Title string }
			json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if resp.StatusCode != 200 || r.Title != key {
				t.Fatalf("report %d (%s) through replica %d: %d %q", id, key, i, resp.StatusCode, r.Title)
			}
		}
	}
	replayed := 0
	for key, id := range acked {
		other := live[0]
		if ackedBy[key] == other {
			other = live[1]
		}
		body := fmt.Sprintf(`{"lon":%.6f,"lat":%.6f,"category":"general","title":%q}`, 113.59+float64(keyIndex(key)%100)*1e-4, 34.69, key)
		got, status, err := postReport(client, reps[other].url, admin, key, body)
		if err != nil || status != 201 || got != id {
			t.Fatalf("replay of %s (report %d) through replica %d = %d %d %v", key, id, other, got, status, err)
		}
		if replayed++; replayed == 200 {
			break
		}
	}
	// None twice: one report per key in the database.
	cfg, _ := pgx.ParseConfig(db)
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n, distinct int
	if err := conn.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT title) FROM reports`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct || n < len(acked) {
		t.Errorf("%d reports for %d keys (%d acknowledged): some stored twice", n, distinct, len(acked))
	}
}

// keyIndex is k of a key "w<w>-<k>".
func keyIndex(key string) int {
	var w, k int
	fmt.Sscanf(key, "w%d-%d", &w, &k)
	return k
}

// postReport posts a report with an Idempotency-Key and returns its id.
func postReport(client *http.Client, url, token, key, body string) (int64, int, error) {
	req, _ := http.NewRequest("POST", url+"/v1/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, resp.StatusCode, err
	}
	var r struct{ ID int64 }
	json.Unmarshal(b, &r)
	return r.ID, resp.StatusCode, nil
}

// servedVersion is the boundary version a server says it serves.
func servedVersion(t *testing.T, url string) int64 {
	t.Helper()
	var v struct {
		BoundaryVersion int64 `json:"boundary_version"`
	}
	getJSON(t, url+"/v1/version", &v)
	return v.BoundaryVersion
}

// waitVersion waits until the server at url serves version v and returns
// how long that took; it fails t past replicaDeadline.
func waitVersion(t *testing.T, url string, v int64) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if servedVersion(t, url) == v {
			return time.Since(start)
		}
		if el := time.Since(start); el > replicaDeadline {
			t.Fatalf("%s still serves version %d after %v, want %d", url, servedVersion(t, url), el, v)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReplicaVersionCheck: a version made current without a notice (here
// by hand in SQL, as a lost NOTIFY would leave it) reaches a running server
// through its once-a-second check.
func TestReplicaVersionCheck(t *testing.T) {
	db := pgTempURL(t)
	srv := startServer(t, nil, "--demo", "--db", db, "--log-level", "warn")
	v1 := servedVersion(t, srv.url)
	code, out, errs := run(t, "", "import", "grids", "../../data/demo/grids.geojson", "--replace", "--db", db)
	if code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var v2 int64
	fmt.Sscanf(out[strings.Index(out, "version "):], "version %d", &v2)
	waitVersion(t, srv.url, v2)
	cfg, _ := pgx.ParseConfig(db)
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE layers SET current_version = $1 WHERE name = 'main'`, v1); err != nil {
		t.Fatal(err)
	}
	t.Logf("version %d (no notice) served after %v", v1, waitVersion(t, srv.url, v1))
}
