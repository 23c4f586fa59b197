package plan

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// MaxCandidates caps the candidates of one siting query.
const MaxCandidates = 200_000

// maxLatticeBox caps the lattice points tried over the district's bounding
// box before keeping those inside it.
const maxLatticeBox = 2_000_000

// Candidate is a place a new service site could go. ID is the candidate
// site's id or the grid code of a label point; nil for lattice points and
// literal coordinates.
type Candidate struct {
	ID    *string
	Point orb.Point // WGS-84
}

// SiteCandidates makes each site a candidate, with its id.
func SiteCandidates(sites []geo.Site) []Candidate {
	out := make([]Candidate, len(sites))
	for k := range sites {
		out[k] = Candidate{ID: ptr(sites[k].ID), Point: sites[k].Point}
	}
	return out
}

// LabelCandidates makes the label point of each grid at level ("" is the
// finest level with grids) a candidate, in code order, with the grid code as
// its id.
func LabelCandidates(ix *geo.Index, level string) ([]Candidate, error) {
	g, err := newGrouping(ix, level)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(g.grids))
	for k, i := range g.grids {
		out[k] = Candidate{ID: ptr(ix.Grid(i).Code), Point: ix.LabelPoint(i)}
	}
	return out, nil
}

// LatticeCandidates lays a square lattice of spacingM metres (measured at the
// middle latitude of the district) over the bounding box of every grid and
// keeps the points inside some grid, row by row from the south-west. Errors
// are *InputError naming candidates.lattice_m when the spacing is not a
// positive number or gives more than MaxCandidates points.
func LatticeCandidates(ix *geo.Index, spacingM float64) ([]Candidate, error) {
	const field = "candidates.lattice_m"
	if math.IsNaN(spacingM) || spacingM <= 0 || spacingM > MaxRadiusM {
		return nil, inputErr("invalid_lattice_m", field, "%s must be within (0,%d] metres", field, MaxRadiusM)
	}
	if ix == nil || ix.Len() == 0 {
		return nil, nil
	}
	b := ix.Bound(0)
	for i := int32(1); i < int32(ix.Len()); i++ {
		b = b.Union(ix.Bound(i))
	}
	mid := (b.Min[1] + b.Max[1]) / 2
	dLat := spacingM / (EarthRadiusM * rad)
	dLon := dLat / math.Max(math.Cos(mid*rad), 0.01)
	nx := int(math.Floor((b.Max[0]-b.Min[0])/dLon)) + 1
	ny := int(math.Floor((b.Max[1]-b.Min[1])/dLat)) + 1
	if float64(nx)*float64(ny) > maxLatticeBox {
		return nil, inputErr("too_many_candidates", field, "%s %g m lays about %d points over the district's box; at most %d: use a larger spacing", field, spacingM, nx*ny, maxLatticeBox)
	}
	// Centre the lattice in the box.
	x0 := b.Min[0] + ((b.Max[0]-b.Min[0])-float64(nx-1)*dLon)/2
	y0 := b.Min[1] + ((b.Max[1]-b.Min[1])-float64(ny-1)*dLat)/2
	var out []Candidate
	for y := range ny {
		for x := range nx {
			p := orb.Point{x0 + float64(x)*dLon, y0 + float64(y)*dLat}
			if ix.SiteOwner(p, "") < 0 {
				continue
			}
			if len(out) == MaxCandidates {
				return nil, inputErr("too_many_candidates", field, "%s %g m gives more than %d candidates: use a larger spacing", field, spacingM, MaxCandidates)
			}
			out = append(out, Candidate{Point: p})
		}
	}
	return out, nil
}
