package geo

import (
	"fmt"
	"time"
)

// Geocoded says how a report sent with an address instead of a point was
// placed: the text, the address it matched, how finely (building, number,
// road, poi, grid, community, street, district) and how well (score in
// [0,1]); and, when the score was below the threshold and the report went
// to a dispatcher unassigned, the candidates to choose from.
type Geocoded struct {
	Query      string             `json:"query"`
	Address    string             `json:"address"`
	Precision  string             `json:"precision"`
	Score      float64            `json:"score"`
	Candidates []GeocodeCandidate `json:"candidates"`
}

// GeocodeCandidate is one possible place of a report sent with an address.
type GeocodeCandidate struct {
	Address   string  `json:"address"`
	Lon       float64 `json:"lon"` // WGS-84
	Lat       float64 `json:"lat"`
	Score     float64 `json:"score"`
	Precision string  `json:"precision"`
	Grid      string  `json:"grid"` // the owning grid's code; "" outside every grid
}

// NewAddressReport is NewReport for a report sent with an address: with
// assign it is placed at pl as any report; without (the match scored below
// the threshold) it becomes unassigned for a dispatcher, who chooses among
// g's candidates. The report keeps g.
func NewAddressReport(in Intake, pl Placement, g *Geocoded, assign bool, threshold float64, now time.Time) *Report {
	if !assign {
		pl = Placement{Version: pl.Version}
	}
	r := NewReport(in, pl, now)
	r.Geocode = g
	if !assign && len(r.Events) > 1 {
		r.Events[1].Note = fmt.Sprintf("address matched with score %.2f, below %.2f: for a dispatcher (%d candidates)", g.Score, threshold, len(g.Candidates))
	}
	return r
}
