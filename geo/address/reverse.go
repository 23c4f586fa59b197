package address

import (
	"math"

	"github.com/paulmach/orb"
)

// MaxReverseM is how far Reverse looks for an address, in metres.
const MaxReverseM = 2000

// earthRadiusM is the mean radius used for distances.
const earthRadiusM = 6371008.8

// Reverse returns the address nearest p (WGS-84), at building, number or
// whatever precision the record has, with its distance in metres; false
// when no address lies within MaxReverseM or p is not a valid point.
func (ix *Index) Reverse(p orb.Point) (Match, bool) {
	if !finite(p) {
		return Match{}, false
	}
	cx, cy := int32(math.Floor(p[0]/cellDeg)), int32(math.Floor(p[1]/cellDeg))
	// one cell is at least this many metres across (longitude shrinks with
	// latitude)
	cellM := cellDeg * math.Pi / 180 * earthRadiusM * math.Max(math.Cos((math.Abs(p[1])+cellDeg)*math.Pi/180), 0.01)
	maxRing := int32(math.Ceil(MaxReverseM/cellM)) + 1
	best, bestD := int32(-1), math.Inf(1)
	for ring := int32(0); ring <= maxRing; ring++ {
		if best >= 0 && float64(ring-1)*cellM > bestD {
			break
		}
		for dy := -ring; dy <= ring; dy++ {
			for dx := -ring; dx <= ring; dx++ {
				if max(abs32(dx), abs32(dy)) != ring {
					continue
				}
				for _, id := range ix.cells[cellXY(cx+dx, cy+dy)] {
					if d := haversineM(p, ix.recs[id].p); d < bestD {
						best, bestD = id, d
					}
				}
			}
		}
	}
	if best < 0 || bestD > MaxReverseM {
		return Match{}, false
	}
	r := &ix.recs[best]
	m := Match{Address: string(ix.text[r.off:r.end]), Point: r.p, Score: 1, DistanceM: math.Round(bestD*10) / 10,
		Precision: recPrecision(r), Components: ix.components(&r.c)}
	return m, true
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// recPrecision is the finest part a record has.
func recPrecision(r *rec) Precision {
	switch {
	case r.c[kBuilding] != 0:
		return PrecisionBuilding
	case r.c[kNumber] != 0:
		return PrecisionNumber
	case r.c[kRoad] != 0:
		return PrecisionRoad
	case r.c[kPOI] != 0:
		return PrecisionPOI
	case r.c[kCommunity] != 0:
		return PrecisionCommunity
	case r.c[kStreet] != 0:
		return PrecisionStreet
	}
	return PrecisionDistrict
}

func haversineM(a, b orb.Point) float64 {
	const rad = math.Pi / 180
	dLat := (b[1] - a[1]) * rad
	dLon := (b[0] - a[0]) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(s)))
}
