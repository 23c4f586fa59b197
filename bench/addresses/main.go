// Command addresses writes a synthetic gazetteer as CSV for the import
// benchmark (see bench/addrgen):
//
//	go run ./bench/addresses -n 1000000 > /tmp/addr1m.csv
package main

import (
	"bufio"
	"flag"
	"os"

	"github.com/wangge/wangge/bench/addrgen"
)

func main() {
	n := flag.Int("n", 1_000_000, "addresses")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	addrgen.CSV(addrgen.Generate(*n, *seed), func(s string) { w.WriteString(s) })
}
