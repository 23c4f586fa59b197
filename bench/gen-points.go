//go:build ignore

// gen-points writes N seeded uniform random points as CSV id,lon,lat over a
// bounding box: go run bench/gen-points.go -n 1000000 -bbox 73,18,135,54 > pts.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

func main() {
	n := flag.Int("n", 1_000_000, "points")
	seed := flag.Uint64("seed", 1, "random seed")
	bbox := flag.String("bbox", "73.5,18.1,134.8,53.6", "minLon,minLat,maxLon,maxLat")
	flag.Parse()
	var b [4]float64
	for i, s := range strings.Split(*bbox, ",") {
		b[i], _ = strconv.ParseFloat(s, 64)
	}
	r := rand.New(rand.NewPCG(*seed, 0))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "id,lon,lat")
	for i := range *n {
		lon := b[0] + (b[2]-b[0])*r.Float64()
		lat := b[1] + (b[3]-b[1])*r.Float64()
		fmt.Fprintf(w, "%d,%.6f,%.6f\n", i, lon, lat)
	}
}
