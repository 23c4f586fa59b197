package crs

import (
	"testing"

	"github.com/paulmach/orb"
)

var benchSink orb.Point
var benchBool bool

func benchPoints(b *testing.B) []struct {
	name string
	pts  []orb.Point
} {
	r := newRand(b)
	random := make([]orb.Point, 4096)
	for i := range random {
		random[i] = orb.Point{73.5 + 61.6*r.Float64(), 3.8 + 49.8*r.Float64()}
	}
	return []struct {
		name string
		pts  []orb.Point
	}{
		{"beijing", []orb.Point{{116.3975, 39.9087}}},
		{"hongkong", []orb.Point{{114.1722, 22.2975}}},
		{"sea", []orb.Point{{125, 29}}},
		{"random", random},
	}
}

func BenchmarkInMainland(b *testing.B) {
	InMainland(orb.Point{}) // decode the mask outside the timing
	for _, bc := range benchPoints(b) {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				benchBool = InMainland(bc.pts[i%len(bc.pts)])
				i++
			}
		})
	}
}

func BenchmarkGCJ02ToWGS84(b *testing.B) {
	InMainland(orb.Point{})
	for _, bc := range benchPoints(b) {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				benchSink = GCJ02ToWGS84(bc.pts[i%len(bc.pts)])
				i++
			}
		})
	}
}

func BenchmarkWGS84ToGCJ02(b *testing.B) {
	InMainland(orb.Point{})
	p := orb.Point{116.3975, 39.9087}
	b.ReportAllocs()
	for b.Loop() {
		benchSink = WGS84ToGCJ02(p)
	}
}

func BenchmarkDecodeMask(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeMask(mainlandBin); err != nil {
			b.Fatal(err)
		}
	}
}
