package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wangge/wangge/api"
)

// TestConcurrentPosts: hundreds of POST /v1/reports in flight at once over
// real HTTP, some of them replaying one Idempotency-Key: every report is
// stored exactly once, every answer names a distinct id, and the replays all
// get the first answer. Run with -race.
func TestConcurrentPosts(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()
	const n, replays = 300, 60
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	post := func(body, key string) (int, string, error) {
		req, _ := http.NewRequest("POST", ts.URL+"/v1/reports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.tokens["reporter"])
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	ids := make([]int64, n)
	same := make([]string, replays)
	var wg sync.WaitGroup
	release := make(chan struct{})
	errs := make(chan error, n+replays)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			key := ""
			if i%2 == 0 {
				key = fmt.Sprintf("k%d", i)
			}
			code, body, err := post(fmt.Sprintf(`{%s,"category":"general","title":"并发 %d"}`, southGrid, i), key)
			if err != nil || code != 201 {
				errs <- fmt.Errorf("post %d: %d %v %s", i, code, err, body)
				return
			}
			var r struct{ ID int64 }
			json.Unmarshal([]byte(body), &r)
			ids[i] = r.ID
		}()
	}
	for i := range replays {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			code, body, err := post(`{`+northGrid+`,"category":"general","title":"同一个"}`, "the-same-key")
			if err != nil || code != 201 {
				errs <- fmt.Errorf("replay %d: %d %v %s", i, code, err, body)
			}
			same[i] = body
		}()
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if id == 0 || seen[id] {
			t.Errorf("post %d: id %d missing or given twice", i, id)
		}
		seen[id] = true
	}
	for i := range same {
		if same[i] != same[0] {
			t.Fatalf("the same key answered differently:\n%s\n%s", same[0], same[i])
		}
	}
	// Every report is stored once: the list holds n+1 distinct titles.
	titles := map[string]int{}
	for cursor := ""; ; {
		_, m, _ := f.call("admin", "GET", "/v1/reports?limit=1000&cursor="+cursor, "")
		for _, r := range m["reports"].([]any) {
			titles[r.(map[string]any)["title"].(string)]++
		}
		next, ok := m["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if len(titles) != n+1 {
		t.Errorf("%d distinct reports stored, want %d", len(titles), n+1)
	}
	for title, k := range titles {
		if k != 1 {
			t.Errorf("%q stored %d times", title, k)
		}
	}
}
