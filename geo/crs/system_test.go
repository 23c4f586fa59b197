package crs

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    System
		wantErr bool
	}{
		{"empty means WGS-84", "", WGS84, false},
		{"wgs84", "wgs84", WGS84, false},
		{"WGS84 upper case", "WGS84", WGS84, false},
		{"wgs-84", "wgs-84", WGS84, false},
		{"EPSG:4326", "EPSG:4326", WGS84, false},
		{"epsg:4326", "epsg:4326", WGS84, false},
		{"gcj02", "gcj02", GCJ02, false},
		{"GCJ-02", "GCJ-02", GCJ02, false},
		{"bd09", "bd09", BD09, false},
		{"Bd-09 mixed case", "Bd-09", BD09, false},
		{"surrounding space", " gcj02 ", GCJ02, false},
		{"unknown", "utm", "", true},
		{"epsg:3857 is not geographic", "epsg:3857", "", true},
		{"bd09mc is not supported", "bd09mc", "", true},
		{"gcj 02 with a space", "gcj 02", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrUnknownSystem) {
					t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, ErrUnknownSystem)
				}
				for _, name := range []string{"wgs84", "gcj02", "bd09"} {
					if !strings.Contains(err.Error(), name) {
						t.Errorf("Parse(%q) error %q does not list %q", tt.in, err, name)
					}
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Parse(%q) = %q, %v, want %q, nil", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestConvert(t *testing.T) {
	hk := orb.Point{114.1722, 22.2975} // Tsim Sha Tsui
	taipei := orb.Point{121.5645, 25.0340}
	seoul := orb.Point{126.9780, 37.5665}
	beijing := orb.Point{116.3975, 39.9087}
	tests := []struct {
		name     string
		p        orb.Point
		from, to System
		want     orb.Point
	}{
		{"Hong Kong wgs84 to gcj02 is the identity", hk, WGS84, GCJ02, hk},
		{"Hong Kong gcj02 to wgs84 is the identity", hk, GCJ02, WGS84, hk},
		{"Taipei wgs84 to gcj02 is the identity", taipei, WGS84, GCJ02, taipei},
		{"Seoul gcj02 to wgs84 is the identity", seoul, GCJ02, WGS84, seoul},
		{"Hong Kong gcj02 to bd09 still shifts", hk, GCJ02, BD09, GCJ02ToBD09(hk)},
		{"Hong Kong bd09 to gcj02 still shifts", hk, BD09, GCJ02, BD09ToGCJ02(hk)},
		{"Hong Kong wgs84 to bd09 is the bd09 shift alone", hk, WGS84, BD09, GCJ02ToBD09(hk)},
		{"Hong Kong bd09 to wgs84 is the bd09 shift alone", hk, BD09, WGS84, BD09ToGCJ02(hk)},
		{"Beijing wgs84 to gcj02 shifts", beijing, WGS84, GCJ02, WGS84ToGCJ02Unmasked(beijing)},
		{"Beijing wgs84 to bd09 goes through gcj02", beijing, WGS84, BD09, GCJ02ToBD09(WGS84ToGCJ02Unmasked(beijing))},
		{"Beijing bd09 to wgs84 goes through gcj02", beijing, BD09, WGS84, GCJ02ToWGS84(BD09ToGCJ02(beijing))},
		{"same system is the identity", beijing, BD09, BD09, beijing},
		{"unknown source system leaves p unchanged", beijing, System("utm"), GCJ02, beijing},
		{"unknown target system leaves p unchanged", beijing, WGS84, System(""), beijing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Convert(tt.p, tt.from, tt.to); got != tt.want {
				t.Errorf("Convert(%v, %q, %q) = %v, want %v", tt.p, tt.from, tt.to, got, tt.want)
			}
		})
	}

	// The BD-09 shift outside the mainland is a real move, not a no-op.
	if d := distanceM(GCJ02ToBD09(hk), hk); d < 500 {
		t.Errorf("GCJ02ToBD09(%v) moved %.0f m, want more than 500 m", hk, d)
	}
}
