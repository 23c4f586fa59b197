// Command reports is the load generator of the report benchmarks (see
// BENCHMARKS.md, "Reports"):
//
//	go run ./bench/reports -mode post -url http://127.0.0.1:8080 -token $T -c 128 -d 20s
//	go run ./bench/reports -mode page -url ... -token $T -grid 410103009001006 -c 1 -d 10s
//	go run ./bench/reports -mode csv -n 1000000 > reports.csv   # for wangge reports import
//	go run ./bench/reports -mode csv -n 1000000 -shuffle > shuffled.csv
//	go run ./bench/reports -mode import -n 1000000 -bin /tmp/wangge -runs 5
//
// post sends POST /v1/reports with seeded random points over the demo
// district (二七区) from c concurrent clients, each with its own
// Idempotency-Key, and counts the 201s; page reads GET /v1/reports pages.
// Both print the rate and the latency percentiles. import writes the CSV and
// a store holding the demo district (as `wangge serve --demo` would) into a
// temporary directory, then runs `BIN reports import` on a fresh copy of
// the store runs times, printing each run's wall time (from the start to the
// exit of the command), rate and CPU time, and the best and median.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

// The demo district's bounding box.
const minLon, minLat, maxLon, maxLat = 113.4976, 34.6019, 113.6775, 34.7697

var categories = []string{"emergency", "utilities", "general", "complex"}

func main() {
	mode := flag.String("mode", "post", "post, page or csv")
	url := flag.String("url", "http://127.0.0.1:8080", "server")
	token := flag.String("token", os.Getenv("WANGGE_TOKEN"), "bearer token (env WANGGE_TOKEN)")
	conc := flag.Int("c", 64, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "duration")
	n := flag.Int("n", 0, "requests (post, page) or rows (csv); 0: run for -d")
	grid := flag.String("grid", "", "page: the grid whose reports to read")
	query := flag.String("query", "descendants=true&limit=100", "page: more query parameters")
	lon := flag.Float64("lon", 0, "post: this point instead of random ones")
	lat := flag.Float64("lat", 0, "post: this point instead of random ones")
	seed := flag.Uint64("seed", 1, "random seed")
	shuffle := flag.Bool("shuffle", false, "csv: rows in random time order (default: oldest first, as exports come)")
	hot := flag.Int("hot", 0, "csv: put every n/hot-th row at 113.59,34.69, so that one grid holds hot reports")
	bin := flag.String("bin", "wangge", "import: the wangge binary")
	runs := flag.Int("runs", 3, "import: how many times to import")
	flag.Parse()
	switch *mode {
	case "csv":
		w := bufio.NewWriterSize(os.Stdout, 1<<20)
		err := writeCSV(w, *n, *seed, *shuffle, *hot)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	case "import":
		if err := benchImport(*bin, *n, *seed, *shuffle, *runs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	case "post", "page":
	default:
		fmt.Fprintf(os.Stderr, "unknown -mode %q\n", *mode)
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConns: *conc, MaxIdleConnsPerHost: *conc}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var sent, ok, failed atomic.Int64
	lats := make([][]time.Duration, *conc)
	deadline := time.Now().Add(*dur)
	start := time.Now()
	var wg sync.WaitGroup
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	for w := range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(*seed, uint64(w)))
			for k := 0; ; k++ {
				if *n > 0 && sent.Add(1) > int64(*n) || *n == 0 && time.Now().After(deadline) {
					return
				}
				var req *http.Request
				want := http.StatusOK
				if *mode == "post" {
					x, y := *lon, *lat
					if x == 0 && y == 0 {
						x, y = minLon+rng.Float64()*(maxLon-minLon), minLat+rng.Float64()*(maxLat-minLat)
					}
					body := fmt.Sprintf(`{"lon":%.7f,"lat":%.7f,"category":%q,"title":"load %d-%d","description":"bench/reports","reporter":{"name":"测试","phone":"13800000000"},"source":"app"}`,
						x, y, categories[rng.IntN(len(categories))], w, k)
					req, _ = http.NewRequest("POST", *url+"/v1/reports", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d-%d", run, w, k))
					want = http.StatusCreated
				} else {
					req, _ = http.NewRequest("GET", *url+"/v1/reports?grid="+*grid+"&"+*query, nil)
				}
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					if failed.Add(1) <= 3 {
						fmt.Fprintf(os.Stderr, "%d %s\n", resp.StatusCode, bytes.TrimSpace(b))
					}
					continue
				}
				lats[w] = append(lats[w], time.Since(t0))
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	all := slices.Concat(lats...)
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	fmt.Printf("%s: %d ok, %d failed in %.1fs: %.0f/s; latency p50 %v p90 %v p99 %v max %v (c=%d)\n",
		*mode, ok.Load(), failed.Load(), el.Seconds(), float64(ok.Load())/el.Seconds(),
		pct(0.5).Round(10*time.Microsecond), pct(0.9).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond),
		pct(1).Round(10*time.Microsecond), *conc)
}

// writeCSV writes n seeded random historical reports for `wangge reports
// import`: a year of them at points inside the demo district, four in five
// closed within ten days, oldest first unless shuffled; with hot > 0, hot of
// them in the grid at 113.59,34.69.
func writeCSV(w io.Writer, n int, seed uint64, shuffle bool, hot int) error {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		return err
	}
	set := &geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids}
	if _, err := set.Validate(); err != nil {
		return err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	created := make([]time.Time, n)
	for i := range created {
		created[i] = start.Add(time.Duration(int64(i) * int64(365*24*time.Hour) / int64(max(n, 1))))
	}
	if shuffle {
		rng.Shuffle(n, func(i, j int) { created[i], created[j] = created[j], created[i] })
	}
	io.WriteString(w, "lon,lat,category,title,description,source,reporter_name,reporter_phone,created_at,status,resolved_at\n")
	for i := range n {
		p := orb.Point{113.59, 34.69}
		for hot == 0 || i%max(n/hot, 1) != 0 {
			p = orb.Point{minLon + rng.Float64()*(maxLon-minLon), minLat + rng.Float64()*(maxLat-minLat)}
			if pl, _ := ix.Place(p); pl.Grid != nil {
				break
			}
		}
		status, resolved := "", ""
		if rng.IntN(5) > 0 {
			status = "closed"
			resolved = created[i].Add(time.Duration(rng.Int64N(int64(10 * 24 * time.Hour)))).Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%.7f,%.7f,%s,历史诉求 %d,导入测试,hotline,张三,1380000%04d,%s,%s,%s\n",
			p[0], p[1], categories[rng.IntN(len(categories))], i, i%10000, created[i].Format(time.RFC3339), status, resolved)
	}
	return nil
}

// benchImport times `bin reports import` of n generated rows into a store
// holding the demo district, runs times, each on a fresh copy of the store.
func benchImport(bin string, n int, seed uint64, shuffle bool, runs int) error {
	dir, err := os.MkdirTemp("", "wangge-import-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	csvPath, base := filepath.Join(dir, "reports.csv"), filepath.Join(dir, "base.db")
	f, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = writeCSV(w, n, seed, shuffle, 0)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := data.OpenSQLite(ctx, base)
	if err != nil {
		return err
	}
	_, err = data.SeedDemo(ctx, st)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	var walls []time.Duration
	for k := range runs {
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", k))
		if err := copyFile(base, db); err != nil {
			return err
		}
		cmd := exec.Command(bin, "reports", "import", csvPath, "--db", db)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", cmd, err, stderr.Bytes())
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		walls = append(walls, wall)
		load, _ := os.ReadFile("/proc/loadavg")
		fmt.Printf("run %d: %d rows in %.2fs: %.0f rows/s; CPU %.1fs (user %.1fs, sys %.1fs); load average %s\n", k+1, n,
			wall.Seconds(), float64(n)/wall.Seconds(), cpu.Seconds(), cmd.ProcessState.UserTime().Seconds(),
			cmd.ProcessState.SystemTime().Seconds(), strings.Join(strings.Fields(string(load))[:3], " "))
		os.Remove(db)
	}
	slices.Sort(walls)
	best, median := walls[0], walls[len(walls)/2]
	fmt.Printf("import of %d rows (%s): best %.2fs (%.0f rows/s), median %.2fs (%.0f rows/s)\n", n,
		map[bool]string{false: "oldest first", true: "shuffled"}[shuffle], best.Seconds(), float64(n)/best.Seconds(),
		median.Seconds(), float64(n)/median.Seconds())
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
