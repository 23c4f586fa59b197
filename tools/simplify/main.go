// Command simplify writes a GeoJSON file's polygons simplified one by one
// (Douglas–Peucker), as another department would draw the same boundaries:
// neighbours no longer share their border, so the output has overlaps and
// gaps along every border. It makes the second layer of the topology tests
// and benchmarks (wangge repair, compare, merge).
//
//	go run ./tools/simplify -tol 0.001 -where city=郑州市 -code adcode \
//	    ../shared/data/cn-districts-wgs84.geojson > /tmp/zz-a.geojson
//
// Features keep their properties; -code copies a property to "code", and
// -level sets "level". Rings that collapse below 4 positions are dropped
// (a feature that would lose everything keeps its original geometry).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"
)

func main() {
	tol := flag.Float64("tol", 0.001, "tolerance in degrees (0: copy)")
	where := flag.String("where", "", "keep only features with property=value")
	code := flag.String("code", "", "property copied to \"code\"")
	level := flag.String("level", "district", "value of \"level\"")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: simplify [-tol DEG] [-where K=V] [-code PROP] [-level L] FILE.geojson")
		os.Exit(2)
	}
	raw, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k, v, _ := strings.Cut(*where, "=")
	out := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		if k != "" && fmt.Sprint(f.Properties[k]) != v {
			continue
		}
		g := orb.Clone(f.Geometry)
		if *tol > 0 {
			if s := dropCollapsed(simplify.DouglasPeucker(*tol).Simplify(orb.Clone(f.Geometry))); s != nil {
				g = s
			}
		}
		nf := geojson.NewFeature(g)
		nf.Properties = f.Properties
		if *code != "" {
			nf.Properties["code"] = fmt.Sprint(f.Properties[*code])
		}
		nf.Properties["level"] = *level
		delete(nf.Properties, "parent")
		out.Append(nf)
	}
	b, err := out.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(b)
}

// dropCollapsed removes the rings simplification left with fewer than 4
// positions (and the polygons whose shell it did); nil when nothing is left.
func dropCollapsed(g orb.Geometry) orb.Geometry {
	var mp orb.MultiPolygon
	switch t := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		mp = t
	default:
		return g
	}
	var out orb.MultiPolygon
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 4 {
			continue
		}
		q := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			if len(h) >= 4 {
				q = append(q, h)
			}
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
