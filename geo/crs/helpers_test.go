package crs

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

var seedFlag = flag.Uint64("seed", 20240601, "seed for the randomised tests")

// newRand returns a generator seeded by -seed and logs the seed, so that a
// failure can be replayed with go test -run NAME -seed N.
func newRand(t testing.TB) *rand.Rand {
	t.Helper()
	t.Logf("seed %d (rerun with -seed %d)", *seedFlag, *seedFlag)
	return rand.New(rand.NewPCG(*seedFlag, 0x9e3779b97f4a7c15))
}

// randomMainland returns n WGS-84 points drawn uniformly (in degrees) from
// the mask's extent and kept if InMainland.
func randomMainland(r *rand.Rand, n int) []orb.Point {
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		p := orb.Point{73.5 + 61.6*r.Float64(), 3.8 + 49.8*r.Float64()}
		if InMainland(p) {
			pts = append(pts, p)
		}
	}
	return pts
}

// distanceM is the haversine distance between two points, in metres.
func distanceM(a, b orb.Point) float64 { return geo.DistanceHaversine(a, b) }

func isFinite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}
