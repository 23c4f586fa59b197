package topology

import (
	"testing"

	"github.com/paulmach/orb"
)

// FuzzRepair builds one or two rings of small integer coordinates from the
// input (so collinear points, touches, spikes and repeated vertices are
// common) and checks that Repair returns closed rings wound the right way
// covering what the boundary rule says the input covers, and that the
// overlay of the result with a fixed square agrees with the areas.
func FuzzRepair(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4})
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2})                         // bowtie
	f.Add([]byte{0, 0, 4, 0, 4, 4, 2, 4, 3, 2, 1, 2, 2, 4, 0, 4}) // inverted hole
	f.Add([]byte{0, 0, 2, 0, 2, 1, 3, 1, 2, 1, 2, 2, 0, 2})       // spike
	f.Add([]byte{0, 0, 6, 0, 6, 6, 0, 6, 255, 1, 1, 1, 5, 5, 5, 5, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var mp orb.MultiPolygon
		var ring orb.Ring
		flush := func() {
			if len(ring) >= 3 {
				ring = append(ring, ring[0])
				if len(mp) == 0 {
					mp = append(mp, orb.Polygon{ring})
				} else {
					mp[0] = append(mp[0], ring) // a hole
				}
			}
			ring = nil
		}
		for i := 0; i+1 < len(b) && len(ring) < 16; i += 2 {
			if b[i] == 255 {
				flush()
				i--
				continue
			}
			ring = append(ring, orb.Point{float64(b[i] % 8), float64(b[i+1] % 8)})
		}
		flush()
		if len(mp) == 0 {
			return
		}
		r := Repair(mp)
		for _, p := range r.Geometry {
			for k, rg := range p {
				if len(rg) < 4 || rg[0] != rg[len(rg)-1] {
					t.Fatalf("Repair(%v): ring %v not closed or too short", mp, rg)
				}
				if (shoelace(rg) > 0) != (k == 0) {
					t.Fatalf("Repair(%v): ring %d of %v wound the wrong way", mp, k, p)
				}
			}
		}
		checkSameCover(t, mp, r.Geometry, 200, 1)
		sq := orb.MultiPolygon{{{{1.5, 1.5}, {5.5, 1.5}, {5.5, 5.5}, {1.5, 5.5}, {1.5, 1.5}}}}
		inter, diff := planarArea(Intersection(r.Geometry, sq)), planarArea(Difference(r.Geometry, sq))
		if a := planarArea(r.Geometry); abs(inter+diff-a) > 1e-9 {
			t.Fatalf("Repair(%v) = %v: area %v, but ∩ square %v + − square %v", mp, r.Geometry, a, inter, diff)
		}
	})
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
