# wangge — see README.md. `make run` and `make test` work on a fresh machine
# with Go installed; `bash .ci/run` also installs PostGIS for the oracle tests.

GO      ?= go
BIN     := bin/wangge
DB      ?= var/wangge.db
SHARED  ?= ../shared/data

.PHONY: all build run test test-short oracle fuzz bench vet fmt mainland demo maplibre webtest-deps clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/wangge

# The service on the embedded demo district (二七区, Zhengzhou) at
# http://127.0.0.1:8080; the demo is written into $(DB) on first run.
run: build
	./$(BIN) serve --demo --db $(DB) --addr $${WANGGE_ADDR:-127.0.0.1:8080}

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run 'National' ./geo/topology/

test-short:
	$(GO) test -short ./...

# The full differential test against PostGIS: every vertex of cn-all-districts.
oracle:
	WANGGE_ORACLE_FULL=1 $(GO) test -count=1 -run Oracle -v -timeout 60m ./data/

# Every fuzz target, FUZZTIME each (default 60s).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadGrids$$' -fuzztime $(FUZZTIME) ./data/
	$(GO) test -run '^$$' -fuzz '^FuzzReadSites$$' -fuzztime $(FUZZTIME) ./data/
	$(GO) test -run '^$$' -fuzz '^FuzzReadAddresses$$' -fuzztime $(FUZZTIME) ./data/
	$(GO) test -run '^$$' -fuzz '^FuzzMultiPolygonEWKB$$' -fuzztime $(FUZZTIME) ./data/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./geo/address/
	$(GO) test -run '^$$' -fuzz '^FuzzLocate$$' -fuzztime $(FUZZTIME) ./geo/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./geo/
	$(GO) test -run '^$$' -fuzz '^FuzzConvert$$' -fuzztime $(FUZZTIME) ./geo/crs/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMask$$' -fuzztime $(FUZZTIME) ./geo/crs/
	$(GO) test -run '^$$' -fuzz '^FuzzSiting$$' -fuzztime $(FUZZTIME) ./geo/plan/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBatch$$' -fuzztime $(FUZZTIME) ./api/
	$(GO) test -run '^$$' -fuzz '^FuzzValidNumber$$' -fuzztime $(FUZZTIME) ./api/
	$(GO) test -run '^$$' -fuzz '^FuzzRepair$$' -fuzztime $(FUZZTIME) ./geo/topology/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	$(GO) vet ./...
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"

# Regenerate the embedded demo district (data/demo) from ../shared/data.
demo:
	$(GO) run ./tools/mkdemo -data $(SHARED) -out data/demo

# Regenerate the embedded mainland-China mask of geo/crs from ../shared/data.
mainland:
	$(GO) run ./tools/mkmainland -out geo/crs/mainland.bin

# MapLibre GL JS for the map page: the pinned npm release, checked against
# the registry's integrity, copied into api/web/maplibre (committed, so
# `go build` alone embeds it). To upgrade, change both lines and run this.
MAPLIBRE_VERSION   := 6.17.0
MAPLIBRE_INTEGRITY := sha512-2chIZwpLGenoUQOcnm9Pk4SLbA8ppNFq8jlpXiq9vcYm3Y1wJ3fc82FL0GLwBaPYJCLzPv/mC46KEupVov75rQ==
maplibre:
	bash tools/webtest/maplibre.sh $(MAPLIBRE_VERSION) '$(MAPLIBRE_INTEGRITY)' api/web/maplibre

# The browser test's driver (playwright-core, exactly as package-lock.json
# pins it; no browser download: the test uses Debian's chromium).
webtest-deps:
	cd tools/webtest && npm ci --ignore-scripts --no-audit --no-fund

clean:
	rm -rf bin var
