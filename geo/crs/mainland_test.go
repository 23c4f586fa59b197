package crs

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// TestInMainland checks places on both sides of the mainland's borders.
// Coordinates are WGS-84. "m from the edge" notes how far the mask's
// answer changes, as measured when the case was written: cases closer
// than about 300 m depend on the boundary data's accuracy.
func TestInMainland(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		want bool
	}{
		// Shenzhen and Hong Kong, across the Shenzhen River.
		{"Shenzhen Futian, civic centre", orb.Point{114.055, 22.540}, true},
		{"Shenzhen Luohu, Dongmen", orb.Point{114.121, 22.545}, true},
		{"Shenzhen Luohu port building, 150 m from the river", orb.Point{114.1149, 22.5338}, true},
		{"Hong Kong Lo Wu station, 200 m from the river", orb.Point{114.1134, 22.5283}, false},
		{"Hong Kong Lok Ma Chau station", orb.Point{114.0657, 22.5146}, false},
		{"Hong Kong Sheung Shui station", orb.Point{114.1278, 22.5011}, false},
		{"Hong Kong Tsim Sha Tsui", orb.Point{114.1722, 22.2975}, false},
		{"Hong Kong Central", orb.Point{114.1588, 22.2820}, false},
		// Zhuhai and Macao, across the Gongbei border gate.
		{"Zhuhai Gongbei", orb.Point{113.545, 22.225}, true},
		{"Zhuhai railway station, 250 m from the border", orb.Point{113.5491, 22.2191}, true},
		{"Macao Senado Square", orb.Point{113.5391, 22.1934}, false},
		{"Macao Ruins of St Paul's", orb.Point{113.5409, 22.1973}, false},
		// Taiwan, with the islands it holds off the Fujian coast.
		{"Taipei 101", orb.Point{121.5645, 25.0340}, false},
		{"Kaohsiung", orb.Point{120.3014, 22.6273}, false},
		{"Kinmen, Jincheng", orb.Point{118.318, 24.432}, false},
		{"Matsu, Nangan", orb.Point{119.944, 26.156}, false},
		{"Xiamen island, opposite Kinmen", orb.Point{118.089, 24.479}, true},
		// Neighbouring countries.
		{"Hanoi", orb.Point{105.8522, 21.0285}, false},
		{"Seoul", orb.Point{126.9780, 37.5665}, false},
		{"Vladivostok", orb.Point{131.8869, 43.1155}, false},
		{"Pyongyang", orb.Point{125.7625, 39.0392}, false},
		// Border towns.
		{"Hekou, 500 m north of the Red River", orb.Point{103.975, 22.525}, true},
		{"Lao Cai, 1 km south of the Red River", orb.Point{103.975, 22.495}, false},
		{"Dandong, 1.2 km from the Yalu", orb.Point{124.383, 40.129}, true},
		{"Sinuiju, 1.9 km from the Yalu", orb.Point{124.398, 40.100}, false},
		// Cities across the mainland.
		{"Beijing Tiananmen", orb.Point{116.3975, 39.9087}, true},
		{"Shanghai People's Square", orb.Point{121.4737, 31.2304}, true},
		{"Urumqi", orb.Point{87.6168, 43.8256}, true},
		{"Lhasa Potala Palace", orb.Point{91.1172, 29.6578}, true},
		{"Sanya, Hainan", orb.Point{109.5120, 18.2528}, true},
		{"Harbin", orb.Point{126.6424, 45.7567}, true},
		// Gaps in the boundary data. The first is covered by no 郑州
		// district yet surrounded by them (GCJ-02 113.693308,34.279367,
		// found by rasterising cn-districts.geojson's 郑州 at 1/8192°); the
		// second is a 9.9 km² hole in the union of all districts, between
		// 崇明 (上海) and 海门 (南通), filled by tools/mkmainland.
		{"郑州 gap between 新郑 and 新密", orb.Point{113.687216, 34.280778}, true},
		{"filled hole north of 崇明", orb.Point{121.337506, 31.853992}, true},
		// Open sea.
		{"Yellow Sea", orb.Point{123.5, 34.5}, false},
		{"East China Sea", orb.Point{125, 29}, false},
		{"South China Sea", orb.Point{115, 13}, false},
		// Invalid input.
		{"NaN", orb.Point{math.NaN(), math.NaN()}, false},
		{"latitude out of range", orb.Point{116.4, 95}, false},
		{"longitude out of range", orb.Point{476.4, 39.9}, false},
		{"origin", orb.Point{0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InMainland(tt.p); got != tt.want {
				t.Errorf("InMainland(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestEmbeddedMask(t *testing.T) {
	m := loadMask()
	if maskErr != nil {
		t.Fatalf("decode mainland.bin: %v", maskErr)
	}
	if m.res != 1024 || m.lon0 != 73 || m.lat0 != 3 || m.lon1 != 136 || m.lat1 != 54 {
		t.Errorf("mask grid = %v cells/degree over [%v, %v] x [%v, %v], want 1024 over [73, 136] x [3, 54]",
			m.res, m.lon0, m.lon1, m.lat0, m.lat1)
	}
	t.Logf("mainland.bin: %d bytes, %d rows, %d runs", len(mainlandBin), m.nrows, len(m.bounds)/2)
}

func TestInMainlandAllocs(t *testing.T) {
	p := orb.Point{116.3975, 39.9087}
	InMainland(p)
	if n := testing.AllocsPerRun(100, func() { InMainland(p) }); n != 0 {
		t.Errorf("InMainland allocates %v times per call, want 0", n)
	}
}

// TestConcurrentUse runs conversions from several goroutines; with -race it
// checks that the lazy decoding is safe.
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			p := orb.Point{116 + float64(i)*0.1, 39.9}
			for range 100 {
				Convert(p, WGS84, BD09)
			}
		})
	}
	wg.Wait()
}

// encodeTestMask writes rows of [start, end) runs in mainland.bin's format.
func encodeTestMask(t testing.TB, res uint64, lon0, lat0 int64, ncols uint64, rows [][][2]uint64, total uint64) []byte {
	t.Helper()
	b := []byte(maskMagic)
	b = binary.AppendUvarint(b, res)
	b = binary.AppendVarint(b, lon0)
	b = binary.AppendVarint(b, lat0)
	b = binary.AppendUvarint(b, ncols)
	b = binary.AppendUvarint(b, uint64(len(rows)))
	for _, row := range rows {
		b = binary.AppendUvarint(b, uint64(len(row)))
		prev := uint64(0)
		for _, r := range row {
			b = binary.AppendUvarint(b, r[0]-prev)
			b = binary.AppendUvarint(b, r[1]-r[0]-1)
			prev = r[1]
		}
	}
	b = binary.AppendUvarint(b, total)
	return gzipBytes(t, b)
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeMask(t *testing.T) {
	// A 4 x 2 grid of 1-degree cells from 10°E 20°N: row 0 has cells 1 and
	// 3, row 1 has cells 0 to 1.
	rows := [][][2]uint64{{{1, 2}, {3, 4}}, {{0, 2}}}
	good := encodeTestMask(t, 1, 10, 20, 4, rows, 3)
	m, err := decodeMask(good)
	if err != nil {
		t.Fatalf("decodeMask(good) = %v", err)
	}
	points := []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"row 0 cell 0", orb.Point{10.5, 20.5}, false},
		{"row 0 cell 1", orb.Point{11.5, 20.5}, true},
		{"row 0 cell 1 west edge", orb.Point{11, 20}, true},
		{"row 0 cell 2", orb.Point{12.5, 20.5}, false},
		{"row 0 cell 3", orb.Point{13.5, 20.5}, true},
		{"row 1 cell 0", orb.Point{10.5, 21.5}, true},
		{"row 1 cell 2", orb.Point{12, 21.99}, false},
		{"east of the grid", orb.Point{14, 20.5}, false},
		{"north of the grid", orb.Point{10.5, 22}, false},
		{"south of the grid", orb.Point{10.5, 19.99}, false},
	}
	for _, tt := range points {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.contains(tt.p[0], tt.p[1]); got != tt.want {
				t.Errorf("contains(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}

	bad := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not gzip", []byte("WGMASK1\n")},
		{"bad magic", gzipBytes(t, []byte("WGMASK2\n\x01\x00\x00\x01\x01\x00\x00"))},
		{"truncated", gzipBytes(t, []byte(maskMagic+"\x01\x14\x28\x04\x02\x02\x01"))},
		{"run past the last column", encodeTestMask(t, 1, 10, 20, 4, [][][2]uint64{{{1, 5}}, {}}, 1)},
		{"wrong run count", encodeTestMask(t, 1, 10, 20, 4, rows, 4)},
		{"zero columns", encodeTestMask(t, 1, 10, 20, 0, [][][2]uint64{{}}, 0)},
		{"past 180°E", encodeTestMask(t, 1, 178, 20, 4, rows, 3)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeMask(tt.data); !errors.Is(err, errMask) {
				t.Errorf("decodeMask(%s) error = %v, want %v", tt.name, err, errMask)
			}
		})
	}
}

// FuzzDecodeMask checks that no input makes the decoder or a lookup panic.
func FuzzDecodeMask(f *testing.F) {
	f.Add(encodeTestMask(f, 1, 10, 20, 4, [][][2]uint64{{{1, 2}, {3, 4}}, {{0, 2}}}, 3), 11.5, 20.5)
	f.Add(mainlandBin[:2048], 116.4, 39.9)
	f.Add([]byte{}, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, data []byte, lon, lat float64) {
		m, err := decodeMask(data)
		if err != nil {
			return
		}
		m.contains(lon, lat)
	})
}
