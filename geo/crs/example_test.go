package crs_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/wangge/wangge/geo/crs"
)

func ExampleConvert() {
	tiananmen := orb.Point{116.3975, 39.9087} // WGS-84, as from a GPS
	g := crs.Convert(tiananmen, crs.WGS84, crs.GCJ02)
	fmt.Printf("GCJ-02: %.6f, %.6f\n", g[0], g[1])

	hk := orb.Point{114.1722, 22.2975} // Hong Kong is not shifted
	fmt.Println("Hong Kong unchanged:", crs.Convert(hk, crs.WGS84, crs.GCJ02) == hk)
	// Output:
	// GCJ-02: 116.403744, 39.910103
	// Hong Kong unchanged: true
}

func ExampleParse() {
	s, err := crs.Parse("GCJ-02")
	fmt.Println(s, err)
	_, err = crs.Parse("utm")
	fmt.Println(err)
	// Output:
	// gcj02 <nil>
	// unknown coordinate system "utm": want wgs84, gcj02 or bd09
}

func ExampleInMainland() {
	fmt.Println(crs.InMainland(orb.Point{114.055, 22.540}))   // Shenzhen
	fmt.Println(crs.InMainland(orb.Point{114.1588, 22.2820})) // Hong Kong
	// Output:
	// true
	// false
}
