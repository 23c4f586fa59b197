package topology

import (
	"context"
	"testing"
)

// go test -run '^$' -bench 'RepairSet|Compare|Merge' -benchtime 5x ./geo/topology/

func BenchmarkRepairSet(b *testing.B) {
	for _, tc := range []struct {
		name string
		tol  float64
	}{{"zhengzhou/tol=0.001", 0.001}, {"zhengzhou/tol=0.003", 0.003}} {
		set := zhengzhou(b, tc.tol)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := RepairSet(context.Background(), set, RepairOptions{SnapM: 1, MinAreaM2: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	demo := demoSet(b, "")
	b.Run("demo/1089-grids", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := RepairSet(context.Background(), demo, RepairOptions{SnapM: 1, MinAreaM2: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	za, zb := cleanZhengzhou(b, 0.001), cleanZhengzhou(b, 0.003)
	comms := demoSet(b, "community")
	moved := displaced(b, comms, 30)
	grids := demoSet(b, "grid")
	b.Run("zhengzhou/12x12", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Compare(context.Background(), za.Grids, zb.Grids, CompareOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("demo/176x176-communities-displaced", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Compare(context.Background(), comms.Grids, moved.Grids, CompareOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("demo/176x896-communities-grids", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Compare(context.Background(), comms.Grids, grids.Grids, CompareOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMerge(b *testing.B) {
	za, zb := cleanZhengzhou(b, 0.001), cleanZhengzhou(b, 0.003)
	comms := demoSet(b, "community")
	moved := displaced(b, comms, 30)
	for _, refine := range []bool{false, true} {
		mode := "prefer"
		if refine {
			mode = "refine"
		}
		b.Run("zhengzhou/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Merge(context.Background(), za.Grids, zb.Grids, MergeOptions{Refine: refine, MinAreaM2: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("demo-communities-displaced/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Merge(context.Background(), comms.Grids, moved.Grids, MergeOptions{Refine: refine, MinAreaM2: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
