package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

func toSF(mp orb.MultiPolygon) geom.Geometry {
	ps := make([]geom.Polygon, 0, len(mp))
	for _, p := range mp {
		rs := make([]geom.LineString, 0, len(p))
		for _, r := range p {
			fl := make([]float64, 0, 2*len(r))
			for _, q := range r {
				fl = append(fl, q[0], q[1])
			}
			rs = append(rs, geom.NewLineString(geom.NewSequence(fl, geom.DimXY)))
		}
		ps = append(ps, geom.NewPolygon(rs))
	}
	return geom.NewMultiPolygon(ps).AsGeometry()
}

func main() {
	dir := "/work/shared/data"
	set := &geo.Set{Levels: geo.Levels{"district"}}
	for _, f := range []string{"cn-all-districts-01.geojson.gz", "cn-all-districts-02.geojson.gz", "cn-all-districts-03.geojson.gz"} {
		gs, err := data.ReadGridsFile(filepath.Join(dir, f), data.GridFields{Code: "uid", DefaultLevel: "district"}, len(set.Grids))
		if err != nil {
			panic(err)
		}
		set.Grids = append(set.Grids, gs...)
	}
	if _, err := set.Validate(); err != nil {
		panic(err)
	}
	type key [2]orb.Point
	cnt := map[key]int{}
	total := 0
	for _, g := range set.Grids {
		for _, p := range g.Geometry {
			for _, r := range p {
				for k := 0; k+1 < len(r); k++ {
					a, b := r[k], r[k+1]
					if b[0] < a[0] || (b[0] == a[0] && b[1] < a[1]) {
						a, b = b, a
					}
					cnt[key{a, b}]++
					total++
				}
			}
		}
	}
	once := 0
	for _, c := range cnt {
		if c == 1 {
			once++
		}
	}
	fmt.Println("edges", total, "distinct", len(cnt), "used once", once)

	t0 := time.Now()
	var gs []geom.Geometry
	var xs []float64
	for _, g := range set.Grids {
		s := toSF(g.Geometry)
		if s.Validate() != nil {
			u, err := geom.UnaryUnion(s)
			if err != nil {
				continue
			}
			s = u
		}
		gs = append(gs, s)
		c := g.Geometry.Bound().Center()
		xs = append(xs, c[0]*0+c[1]*0+hilbert(c))
	}
	idx := make([]int, len(gs))
	for i := range idx { idx[i] = i }
	sort.Slice(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	level := make([]geom.Geometry, len(gs))
	for i, k := range idx { level[i] = gs[k] }
	fmt.Println("made valid", len(gs), time.Since(t0))
	t0 = time.Now()
	for len(level) > 1 {
		next := make([]geom.Geometry, (len(level)+1)/2)
		var wg sync.WaitGroup
		ch := make(chan int)
		nerr := 0
		var mu sync.Mutex
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range ch {
					if 2*i+1 >= len(level) {
						next[i] = level[2*i]
						continue
					}
					u, err := geom.Union(level[2*i], level[2*i+1])
					if err != nil {
						mu.Lock(); nerr++; mu.Unlock()
						u = level[2*i]
					}
					next[i] = u
				}
			}()
		}
		for i := range next { ch <- i }
		close(ch)
		wg.Wait()
		nv := 0
		for _, g := range next { nv += g.DumpCoordinates().Length() }
		fmt.Println("level", len(next), "vertices", nv, "errors", nerr, time.Since(t0))
		level = next
	}
}

func hilbert(p orb.Point) float64 {
	x := uint32((p[0] - 70) / 70 * 65535)
	y := uint32((p[1] - 0) / 60 * 65535)
	var d uint64
	n := uint32(65536)
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s > 0 { rx = 1 }
		if y&s > 0 { ry = 1 }
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 { x = s - 1 - x; y = s - 1 - y }
			x, y = y, x
		}
	}
	return float64(d)
}
