package geo

import (
	"slices"
	"time"
)

// ReportFigures are the figures district staff report for a grid over a
// period: reports received, by status, resolved, on time, median time to
// resolve and overdue now. Add the reports with AddReceived, AddResolved and
// AddOverdue; read the derived figures with OnTimeRate and MedianHours.
type ReportFigures struct {
	Received   int            // reports received in the period
	ByStatus   map[Status]int // the current status of those received
	Resolved   int            // reports resolved in the period, whenever received
	OnTime     int            // of those resolved, how many by their deadline
	OverdueNow int            // open and past the deadline now, whenever received
	hours      []float64      // time to resolve of each resolved report
}

// AddReceived counts a report received in the period, in its current status.
func (f *ReportFigures) AddReceived(s Status) {
	if f.ByStatus == nil {
		f.ByStatus = map[Status]int{}
	}
	f.Received++
	f.ByStatus[s]++
}

// AddResolved counts a report resolved in the period.
func (f *ReportFigures) AddResolved(created, due, resolved time.Time) {
	f.Resolved++
	if !resolved.After(due) {
		f.OnTime++
	}
	f.hours = append(f.hours, resolved.Sub(created).Hours())
}

// AddOverdue counts a report that is overdue now.
func (f *ReportFigures) AddOverdue() { f.OverdueNow++ }

// OnTimeRate is OnTime/Resolved; ok is false when nothing was resolved.
func (f *ReportFigures) OnTimeRate() (rate float64, ok bool) {
	if f.Resolved == 0 {
		return 0, false
	}
	return float64(f.OnTime) / float64(f.Resolved), true
}

// MedianHours is the median time from receipt to resolution, hours; ok is
// false when nothing was resolved.
func (f *ReportFigures) MedianHours() (hours float64, ok bool) {
	n := len(f.hours)
	if n == 0 {
		return 0, false
	}
	slices.Sort(f.hours)
	if n%2 == 1 {
		return f.hours[n/2], true
	}
	return (f.hours[n/2-1] + f.hours[n/2]) / 2, true
}

// Merge adds g's figures to f.
func (f *ReportFigures) Merge(g *ReportFigures) {
	f.Received += g.Received
	f.Resolved += g.Resolved
	f.OnTime += g.OnTime
	f.OverdueNow += g.OverdueNow
	f.hours = append(f.hours, g.hours...)
	for s, n := range g.ByStatus {
		if f.ByStatus == nil {
			f.ByStatus = map[Status]int{}
		}
		f.ByStatus[s] += n
	}
}
