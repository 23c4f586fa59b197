package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReportsSurviveKill9 runs the real binary and posts reports from many
// clients while the server is killed with SIGKILL and restarted, again and
// again. Each client retries a report (with its Idempotency-Key) until it
// gets a 201. Afterwards every acknowledged report must be there with its
// grid and history, and none twice: the store holds exactly one report per
// key, and replaying every key answers the id first acknowledged.
func TestReportsSurviveKill9(t *testing.T) { forEachStore(t, testReportsSurviveKill9) }

func testReportsSurviveKill9(t *testing.T, k storeKind) {
	const (
		admin   = "kill9-admin-token"
		clients = 16
		kills   = 5
	)
	db := storeDB(t, k, "kill.db")
	env := []string{"WANGGE_ADMIN_TOKEN=" + admin}
	srv := startServer(t, env, "--demo", "--db", db, "--log-level", "error")
	var url atomic.Pointer[string]
	url.Store(&srv.url)
	// With --demo the server prints an admin token at start.
	demoToken := regexp.MustCompile(`demo admin token \(30 days\): (wg_\S+)`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		m = demoToken.FindStringSubmatch(srv.log())
	}
	if m == nil {
		t.Errorf("no demo admin token in\n%s", srv.log())
	} else {
		for tok, want := range map[string]int{m[1]: 200, "": 401, "wg_not-a-token": 401} {
			req, _ := http.NewRequest("GET", srv.url+"/v1/reports", nil)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("GET /v1/reports with token %q = %d, want %d", tok, resp.StatusCode, want)
			}
		}
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	post := func(key, body string) (id int64, status int, err error) {
		req, _ := http.NewRequest("POST", *url.Load()+"/v1/reports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
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
	body := func(key string, rng *rand.Rand) string {
		// Within 500 m of 113.59,34.69, well inside the demo district.
		return fmt.Sprintf(`{"lon":%.6f,"lat":%.6f,"category":"general","title":%q,"reporter":{"name":"压测","phone":"13800000000"}}`,
			113.59+(rng.Float64()-0.5)*0.01, 34.69+(rng.Float64()-0.5)*0.01, key)
	}

	var stop atomic.Bool
	var mu sync.Mutex
	acked := map[string]int64{} // key → id of its first 201
	bodies := map[string]string{}
	var failures atomic.Int64
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for k := 0; !stop.Load(); k++ {
				key := fmt.Sprintf("c%d-%d", c, k)
				b := body(key, rng)
				for {
					id, status, err := post(key, b)
					if err == nil && status == 201 && id > 0 {
						mu.Lock()
						acked[key], bodies[key] = id, b
						mu.Unlock()
						break
					}
					if err == nil && status != 201 {
						t.Errorf("%s: status %d", key, status)
						return
					}
					failures.Add(1) // the server is down: retry the same key
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := range kills {
		time.Sleep(time.Duration(300+rng.IntN(500)) * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		srv.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
		<-srv.done
		t.Logf("kill %d after %d acknowledged reports", round+1, n)
		srv = startServer(t, env, "--db", db, "--log-level", "error")
		url.Store(&srv.url)
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d reports acknowledged by %d clients through %d kills (%d failed attempts retried)", len(acked), clients, kills, failures.Load())
	if len(acked) < 100 {
		t.Fatalf("only %d reports acknowledged: the test did not exercise much", len(acked))
	}

	// Every acknowledged report is there, with its grid and history; no id
	// was given to two keys.
	byID := map[int64]string{}
	for key, id := range acked {
		if other, dup := byID[id]; dup {
			t.Errorf("id %d acknowledged for %s and %s", id, key, other)
		}
		byID[id] = key
	}
	stored := map[string]int{}
	n := 0
	for cursor := ""; ; {
		var page struct {
			Reports []struct {
				ID     int64
				Title  string
				Status string
				Grid   *struct{ Code string }
				Events []struct{ To string }
			}
			NextCursor *string `json:"next_cursor"`
		}
		req, _ := http.NewRequest("GET", srv.url+"/v1/reports?limit=1000&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		for _, r := range page.Reports {
			n++
			stored[r.Title]++
			key, ok := byID[r.ID]
			if !ok {
				continue // stored but its 201 was lost in a kill; its key was retried
			}
			if r.Title != key {
				t.Errorf("report %d has title %q, want %q", r.ID, r.Title, key)
			}
			if r.Grid == nil || r.Status != "assigned" || len(r.Events) != 2 || r.Events[0].To != "reported" || r.Events[1].To != "assigned" {
				t.Errorf("report %d (%s): grid %v, status %s, events %v", r.ID, key, r.Grid, r.Status, r.Events)
			}
			delete(byID, r.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	for id, key := range byID {
		t.Errorf("acknowledged report %d (%s) is lost", id, key)
	}
	for title, k := range stored {
		if k > 1 {
			t.Errorf("%s stored %d times", title, k)
		}
	}
	if n != len(acked) {
		t.Errorf("%d reports stored for %d keys", n, len(acked))
	}
	// Replaying every key answers the id first acknowledged.
	for key, id := range acked {
		got, status, err := post(key, bodies[key])
		if err != nil || status != 201 || got != id {
			t.Errorf("replay %s = %d %d %v, want 201 and id %d", key, got, status, err, id)
		}
	}
}
