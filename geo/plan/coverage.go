package plan

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// CoverageQuery asks which demand sites have a service site within RadiusM.
type CoverageQuery struct {
	Service, Demand []geo.Site
	ServiceKind     string  // echoed in the report
	DemandKind      string  // echoed in the report
	RadiusM         float64 // within [0, MaxRadiusM]
	// Index groups the sites by grid; nil groups every site as outside.
	Index *geo.Index
	// Level is the level of the grid rows; "" is the finest level with grids.
	Level string
}

// CoverageReport is the answer of Coverage; its JSON form is the body of
// GET /v1/coverage.
type CoverageReport struct {
	Service             string          `json:"service"`
	Demand              string          `json:"demand"`
	RadiusM             float64         `json:"radius_m"`
	Level               string          `json:"level"`
	Totals              Totals          `json:"totals"`
	Grids               []GridCoverage  `json:"grids"`
	Uncovered           []UncoveredSite `json:"uncovered"`
	GridsWithoutService []GridName      `json:"grids_without_service"`
}

// Totals counts every demand site of the kind, in or outside the grids.
type Totals struct {
	DemandWeight  float64 `json:"demand_weight"`
	CoveredWeight float64 `json:"covered_weight"`
	Ratio         float64 `json:"ratio"` // covered/demand weight; 0 when there is no demand weight
	DemandCount   int     `json:"demand_count"`
	CoveredCount  int     `json:"covered_count"`
}

// GridCoverage is one grid's row: the demand it owns and the service sites
// inside it. The last row (Code nil) holds demand outside every grid.
type GridCoverage struct {
	Code          *string `json:"code"`
	Name          *string `json:"name"`
	DemandWeight  float64 `json:"demand_weight"`
	CoveredWeight float64 `json:"covered_weight"`
	Ratio         float64 `json:"ratio"`
	DemandCount   int     `json:"demand_count"`
	ServiceCount  int     `json:"service_count"`
	// MaxNearestServiceM is the largest distance from the grid's demand to
	// its nearest service site; nil without demand or without any service.
	MaxNearestServiceM *float64 `json:"max_nearest_service_m"`
}

// UncoveredSite is a demand site with no service site within the radius.
type UncoveredSite struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Lon    float64 `json:"lon"`
	Lat    float64 `json:"lat"`
	Weight float64 `json:"weight"`
	Grid   *string `json:"grid"` // owner at the report's level
	// NearestServiceM is the distance to the nearest service site (0.1 m);
	// NeededRadiusM the smallest whole-metre radius that would cover the
	// site. Both nil when there is no service site at all.
	NearestServiceM *float64 `json:"nearest_service_m"`
	NeededRadiusM   *float64 `json:"needed_radius_m"`
}

// GridName names a grid.
type GridName struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Coverage tells, for every demand site, whether a service site lies within
// q.RadiusM (great-circle metres, boundary included), and sums it up per grid
// at q.Level. Uncovered sites come heaviest first (then by id). A grid is
// "without service" when no service site lies inside it and none within the
// radius of its label point (geo.Index.LabelPoint). Errors are *InputError
// for a bad radius or level, or ctx's error.
func Coverage(ctx context.Context, q CoverageQuery) (*CoverageReport, error) {
	if err := checkRadius("radius_m", q.RadiusM); err != nil {
		return nil, err
	}
	g, err := newGrouping(q.Index, q.Level)
	if err != nil {
		return nil, err
	}
	svc := newPointSet(sitePoints(q.Service))
	svcRow, err := g.rows(ctx, q.Service)
	if err != nil {
		return nil, err
	}
	demRow, err := g.rows(ctx, q.Demand)
	if err != nil {
		return nil, err
	}
	rep := &CoverageReport{Service: q.ServiceKind, Demand: q.DemandKind, RadiusM: q.RadiusM, Level: g.level,
		Grids: make([]GridCoverage, g.outside()+1), Uncovered: []UncoveredSite{}, GridsWithoutService: []GridName{}}
	for r := range rep.Grids {
		rep.Grids[r].Code, rep.Grids[r].Name = g.code(r), g.name(r)
	}
	for _, r := range svcRow {
		rep.Grids[r].ServiceCount++
	}
	for k := range q.Demand {
		if k%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d := &q.Demand[k]
		row := &rep.Grids[demRow[k]]
		rep.Totals.DemandCount++
		rep.Totals.DemandWeight += d.Weight
		row.DemandCount++
		row.DemandWeight += d.Weight
		j, h := svc.nearest(mkPt(d.Point), q.RadiusM)
		var nearM float64
		if j >= 0 {
			nearM = havToM(h)
			row.MaxNearestServiceM = maxPtr(row.MaxNearestServiceM, round1(nearM))
		}
		if j >= 0 && nearM <= q.RadiusM {
			rep.Totals.CoveredCount++
			rep.Totals.CoveredWeight += d.Weight
			row.CoveredWeight += d.Weight
			continue
		}
		u := UncoveredSite{ID: d.ID, Name: d.Name, Lon: d.Point[0], Lat: d.Point[1], Weight: d.Weight, Grid: g.code(int(demRow[k]))}
		if j >= 0 {
			u.NearestServiceM, u.NeededRadiusM = ptr(round1(nearM)), ptr(math.Ceil(nearM))
		}
		rep.Uncovered = append(rep.Uncovered, u)
	}
	rep.Totals.Ratio = ratio(rep.Totals.CoveredWeight, rep.Totals.DemandWeight)
	for r := range rep.Grids {
		row := &rep.Grids[r]
		row.Ratio = ratio(row.CoveredWeight, row.DemandWeight)
		if r < g.outside() && row.ServiceCount == 0 && !svc.any(mkPt(g.ix.LabelPoint(g.grids[r])), q.RadiusM) {
			rep.GridsWithoutService = append(rep.GridsWithoutService, GridName{*row.Code, *row.Name})
		}
	}
	slices.SortStableFunc(rep.Uncovered, func(a, b UncoveredSite) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return rep, nil
}

func sitePoints(sites []geo.Site) []orb.Point {
	out := make([]orb.Point, len(sites))
	for k := range sites {
		out[k] = sites[k].Point
	}
	return out
}

func ratio(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return min(part/whole, 1)
}

func round1(m float64) float64 { return math.Round(m*10) / 10 }

func ptr[T any](v T) *T { return &v }

func maxPtr(p *float64, v float64) *float64 {
	if p == nil || v > *p {
		return &v
	}
	return p
}
