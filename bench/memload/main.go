// Command memload measures load time and memory for a synthetic subdivision
// of n grids of about 20 vertices (issue "Core 2", goal 4).
//
//	go run ./bench/memload -n 1000000 -mode build   # generate, Validate, NewIndex
//	go run ./bench/memload -n 100000 -mode save -db /tmp/g.db  # generate and save to SQLite
//	go run ./bench/memload -n 100000 -mode open -db /tmp/g.db  # open, CurrentSet, Validate, NewIndex
//
// Each mode runs in its own process so the figures it prints (VmRSS and VmHWM
// from /proc/self/status, after a GC) are those of that step alone. The
// output is one line of key=value pairs, for bench/run.sh to collect.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/bench/synth"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

func main() {
	n := flag.Int("n", 100000, "grids (rounded up to a square lattice, a multiple of 4 a side)")
	mode := flag.String("mode", "build", "build | save | open")
	db := flag.String("db", "", "SQLite file (save, open)")
	seed := flag.Uint64("seed", 1, "seed of the lattice's jitter")
	flag.Parse()
	if err := run(*mode, *n, *db, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "memload:", err)
		os.Exit(1)
	}
}

func run(mode string, n int, db string, seed uint64) error {
	ctx := context.Background()
	spec := synth.Lattice(n)
	out := []string{"mode=" + mode}
	kv := func(k string, v any) { out = append(out, fmt.Sprintf("%s=%v", k, v)) }
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0fms", d.Seconds()*1000) }
	// phase starts a phase: the peak RSS is reset (Linux clear_refs 5) so
	// that the peak printed after the phase is the phase's own.
	phase := func() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }
	peak := func(name string) {
		_, hwm := procStatus()
		kv(name+"_peak_mb", hwm>>10)
	}
	var cpu0 time.Duration
	cpuStart := func() { cpu0 = processCPU() }
	cpuEnd := func(name string) { kv(name+"_cpu", ms(processCPU()-cpu0)) }
	var set *geo.Set
	switch mode {
	case "build", "save":
		t := time.Now()
		set = &geo.Set{Layer: geo.DefaultLayer, Levels: synth.LatticeLevels, Grids: spec.Grids(synth.Rand(seed))}
		kv("generate", ms(time.Since(t)))
	case "open":
		if db == "" {
			return fmt.Errorf("-db is required")
		}
		t := time.Now()
		cpuStart()
		st, err := data.OpenSQLite(ctx, db)
		if err != nil {
			return err
		}
		if set, err = st.CurrentSet(ctx, geo.DefaultLayer); err != nil {
			return err
		}
		st.Close()
		kv("read", ms(time.Since(t)))
		cpuEnd("read")
		peak("read")
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	verts := 0
	for _, g := range set.Grids {
		for _, pg := range g.Geometry {
			verts += synth.Vertices(pg)
		}
	}
	kv("grids", len(set.Grids))
	kv("vertices", verts)
	phase()
	t := time.Now()
	cpuStart()
	warns, err := set.Validate()
	if err != nil {
		return err
	}
	kv("validate", ms(time.Since(t)))
	cpuEnd("validate")
	peak("validate")
	kv("warnings", len(warns))
	if mode == "save" {
		if db == "" {
			return fmt.Errorf("-db is required")
		}
		os.Remove(db)
		os.Remove(db + "-wal")
		os.Remove(db + "-shm")
		t = time.Now()
		st, err := data.OpenSQLite(ctx, db)
		if err != nil {
			return err
		}
		if _, err := st.SaveSet(ctx, set, "memload"); err != nil {
			return err
		}
		if err := st.Close(); err != nil {
			return err
		}
		kv("save", ms(time.Since(t)))
		if fi, err := os.Stat(db); err == nil {
			kv("db_mb", fi.Size()>>20)
		}
		fmt.Println(strings.Join(out, " "))
		return nil
	}
	phase()
	t = time.Now()
	cpuStart()
	ix, err := geo.NewIndex(set)
	if err != nil {
		return err
	}
	kv("index", ms(time.Since(t)))
	cpuEnd("index")
	peak("index")
	// Check the index answers: the centre of a few grids.
	rng := synth.Rand(seed + 1)
	for range 1000 {
		p := synth.Points(rng, spec.Bound(), 1)[0]
		res, err := ix.Locate(p, geo.LocateOptions{})
		if err != nil || res.Match == geo.MatchNone || ix.Grid(res.Owner).Level != "grid" {
			return fmt.Errorf("Locate(%v) = %+v, %v: want a grid", p, res, err)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	kv("heap_mb", m.HeapAlloc>>20)
	rss, hwm := procStatus()
	kv("rss_mb", rss>>10)
	kv("hwm_mb", hwm>>10)
	runtime.KeepAlive(ix)
	runtime.KeepAlive(orb.Point{})
	fmt.Println(strings.Join(out, " "))
	return nil
}

// processCPU is the CPU time (user and system) of the whole process, all
// threads: on a shared machine, steadier than wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatus returns VmRSS and VmHWM in KiB.
func procStatus() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v int64
		if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &v); err == nil {
			rss = v
		}
		if _, err := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &v); err == nil {
			hwm = v
		}
	}
	return rss, hwm
}
