// Command batchload measures POST /v1/locate throughput: it sends batches of
// seeded random points over the demo district and prints points per second.
//
//	go run ./bench/batchload -url http://127.0.0.1:8080 -points 100000 -rounds 10 -fields code,match
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "server")
	points := flag.Int("points", 100_000, "points per request")
	rounds := flag.Int("rounds", 10, "requests")
	fields := flag.String("fields", "", "fields option (empty: full results)")
	flag.Parse()
	r := rand.New(rand.NewPCG(410103, 1))
	var body bytes.Buffer
	body.WriteString(`{`)
	if *fields != "" {
		fmt.Fprintf(&body, `"fields":%q,`, *fields)
	}
	body.WriteString(`"points":[`)
	for i := range *points {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":%d,"lon":%.6f,"lat":%.6f}`, i, 113.50+0.22*r.Float64(), 34.58+0.19*r.Float64())
	}
	body.WriteString("]}")
	payload := body.Bytes()
	var total time.Duration
	var bytesIn int64
	for k := range *rounds {
		start := time.Now()
		resp, err := http.Post(*url+"/v1/locate", "application/json", bytes.NewReader(payload))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			fmt.Fprintf(os.Stderr, "status %d\n", resp.StatusCode)
			os.Exit(1)
		}
		d := time.Since(start)
		if k > 0 { // the first round warms up
			total += d
			bytesIn += n
		}
	}
	per := total / time.Duration(*rounds-1)
	fmt.Printf("batch of %d points (%d-byte request, %d-byte response): %v per request, %.0f points/s\n",
		*points, len(payload), bytesIn/int64(*rounds-1), per.Round(time.Millisecond), float64(*points)/per.Seconds())
}
