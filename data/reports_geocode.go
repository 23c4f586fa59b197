package data

import (
	"context"
	"encoding/json"

	"github.com/wangge/wangge/geo"
)

// insertGeocode stores how report r (sent with an address) was matched, in
// the transaction of its creation; nothing for a report sent with lon/lat.
// (On PostgreSQL the statement that inserts the report does it, see
// pgCreate.stmt.)
func (s *Reports) insertGeocode(b *batch, r *geo.Report) error {
	g := r.Geocode
	if g == nil {
		return nil
	}
	cj, err := geocodeCandidates(g)
	if err != nil {
		return err
	}
	_, err = b.exec(`INSERT INTO report_geocodes(report_id, query, address, precision, score, candidates) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, g.Query, g.Address, g.Precision, g.Score, cj)
	return err
}

// geocodeCandidates is the JSON of g's candidates ([] for none).
func geocodeCandidates(g *geo.Geocoded) (string, error) {
	cands := g.Candidates
	if cands == nil {
		cands = []geo.GeocodeCandidate{}
	}
	cj, err := json.Marshal(cands)
	return string(cj), err
}

// readGeocodes fills in Geocode of the reports of rs sent with an address.
func (s *Reports) readGeocodes(ctx context.Context, q querier, rs []*geo.Report) error {
	if len(rs) == 0 {
		return nil
	}
	byID := make(map[int64]*geo.Report, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	const chunk = 500
	for start := 0; start < len(rs); start += chunk {
		part := rs[start:min(len(rs), start+chunk)]
		ids := make([]int64, len(part))
		for i, r := range part {
			ids[i] = r.ID
		}
		rows, err := q.QueryContext(ctx, `SELECT report_id, query, address, precision, score, candidates FROM report_geocodes WHERE report_id IN (`+placeholders(len(ids))+`)`, int64s(ids)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var g geo.Geocoded
			var cj string
			if err := rows.Scan(&id, &g.Query, &g.Address, &g.Precision, &g.Score, &cj); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(cj), &g.Candidates); err != nil {
				rows.Close()
				return err
			}
			if r := byID[id]; r != nil {
				r.Geocode = &g
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}
