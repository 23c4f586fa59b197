package api

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// appendReport appends the report object, the same for every route:
//
//	{"id","status","category","title","description","lon","lat","crs",
//	 "grid":{"code","name","level"}|null,"path":[...],"assignee":{...}|null,
//	 "boundary_version","source","reporter":{"name","phone"}|null,
//	 "occurred_at","created_at","due_at","updated_at","resolved_at","overdue",
//	 "events":[{"at","by","from","to","note","grid"}]}
//
// A report sent with an address has one more member, "geocode":{"query",
// "address","precision","score","candidates":[{"address","lon","lat",
// "score","precision","grid"}]} (candidates only when it went unassigned
// for a low score).
//
// Times are RFC 3339 UTC with milliseconds; absent ones are null. The
// reporter's name and phone are masked unless v.unmasked. extra, when not
// nil, appends more members (each starting with a comma) before the closing
// brace.
func appendReport(b []byte, r *geo.Report, v reportView, extra func([]byte) []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"status":`...)
	b = appendString(b, string(r.Status))
	b = append(b, `,"category":`...)
	b = appendString(b, r.Category)
	b = append(b, `,"title":`...)
	b = appendString(b, r.Title)
	b = append(b, `,"description":`...)
	b = appendString(b, r.Description)
	p := r.Point
	if v.sys != "" && v.sys != crs.WGS84 {
		p = crs.Convert(p, crs.WGS84, v.sys)
	}
	b = append(b, `,"lon":`...)
	b = appendFloat(b, p[0])
	b = append(b, `,"lat":`...)
	b = appendFloat(b, p[1])
	b = append(b, `,"crs":`...)
	b = appendString(b, string(orWGS84(v.sys)))
	b = append(b, `,"grid":`...)
	if r.Grid == nil {
		b = append(b, "null"...)
	} else {
		b = appendGridRef(b, *r.Grid)
	}
	b = append(b, `,"path":[`...)
	for k, g := range r.Path {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendGridRef(b, g)
	}
	b = append(b, `],"assignee":`...)
	b = appendAssignee(b, r.Assignee)
	b = append(b, `,"boundary_version":`...)
	if r.Grid == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, r.BoundaryVersion, 10)
	}
	b = append(b, `,"source":`...)
	b = appendString(b, r.Source)
	b = append(b, `,"reporter":`...)
	if r.Reporter.Empty() {
		b = append(b, "null"...)
	} else {
		name, phone := r.Reporter.Name, r.Reporter.Phone
		if !v.unmasked {
			name, phone = geo.MaskName(name), geo.MaskPhone(phone)
		}
		b = append(b, `{"name":`...)
		b = appendString(b, name)
		b = append(b, `,"phone":`...)
		b = appendString(b, phone)
		b = append(b, '}')
	}
	b = append(b, `,"occurred_at":`...)
	b = appendTime(b, r.OccurredAt)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, r.CreatedAt)
	b = append(b, `,"due_at":`...)
	b = appendTime(b, r.DueAt)
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, r.UpdatedAt)
	b = append(b, `,"resolved_at":`...)
	b = appendTime(b, r.ResolvedAt)
	b = append(b, `,"overdue":`...)
	b = strconv.AppendBool(b, r.Overdue(v.now))
	b = append(b, `,"events":[`...)
	for k := range r.Events {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendEvent(b, &r.Events[k])
	}
	b = append(b, ']')
	if r.Geocode != nil {
		b = appendGeocode(b, r.Geocode, v.sys)
	}
	if extra != nil {
		b = extra(b)
	}
	return append(b, '}')
}

func orWGS84(sys crs.System) crs.System {
	if sys == "" {
		return crs.WGS84
	}
	return sys
}

func appendGridRef(b []byte, g geo.GridRef) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, g.Code)
	b = append(b, `,"name":`...)
	b = appendString(b, g.Name)
	b = append(b, `,"level":`...)
	b = appendString(b, g.Level)
	return append(b, '}')
}

func appendAssignee(b []byte, a *geo.Assignee) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"grid":`...)
	b = appendGridRef(b, a.Grid)
	for _, m := range [...]struct{ name, value string }{{"leader", a.Leader}, {"phone", a.Phone}, {"team", a.Team}} {
		if m.value != "" {
			b = append(b, `,"`...)
			b = append(b, m.name...)
			b = append(b, `":`...)
			b = appendString(b, m.value)
		}
	}
	if a.Members != nil {
		if mb, err := json.Marshal(a.Members); err == nil {
			b = append(b, `,"members":`...)
			b = append(b, mb...)
		}
	}
	return append(b, '}')
}

func appendEvent(b []byte, e *geo.Event) []byte {
	b = append(b, `{"at":`...)
	b = appendTime(b, e.At)
	b = append(b, `,"by":`...)
	b = appendString(b, e.By)
	b = append(b, `,"from":`...)
	if e.From == "" {
		b = append(b, "null"...)
	} else {
		b = appendString(b, string(e.From))
	}
	b = append(b, `,"to":`...)
	b = appendString(b, string(e.To))
	b = append(b, `,"note":`...)
	b = appendString(b, e.Note)
	if e.Grid != "" {
		b = append(b, `,"grid":`...)
		b = appendString(b, e.Grid)
	}
	return append(b, '}')
}

// timeLayout is RFC 3339 with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, timeLayout)
	return append(b, '"')
}

// appendGeocode appends ,"geocode":{...}, candidates' points in sys.
func appendGeocode(b []byte, g *geo.Geocoded, sys crs.System) []byte {
	b = append(b, `,"geocode":{"query":`...)
	b = appendString(b, g.Query)
	b = append(b, `,"address":`...)
	b = appendString(b, g.Address)
	b = append(b, `,"precision":`...)
	b = appendString(b, g.Precision)
	b = append(b, `,"score":`...)
	b = strconv.AppendFloat(b, g.Score, 'f', -1, 64)
	b = append(b, `,"candidates":[`...)
	for k, c := range g.Candidates {
		if k > 0 {
			b = append(b, ',')
		}
		p := crs.Convert(orb.Point{c.Lon, c.Lat}, crs.WGS84, orWGS84(sys))
		b = append(b, `{"address":`...)
		b = appendString(b, c.Address)
		b = append(b, `,"lon":`...)
		b = appendFloat(b, p[0])
		b = append(b, `,"lat":`...)
		b = appendFloat(b, p[1])
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, c.Score, 'f', -1, 64)
		b = append(b, `,"precision":`...)
		b = appendString(b, c.Precision)
		b = append(b, `,"grid":`...)
		if c.Grid == "" {
			b = append(b, "null"...)
		} else {
			b = appendString(b, c.Grid)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
