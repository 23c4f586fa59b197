# wangge — see README.md. `make run` and `make test` work on a fresh machine
# with Go installed; `bash .ci/run` also installs PostGIS for the oracle tests.

GO      ?= go
BIN     := bin/wangge
DB      ?= var/wangge.db
SHARED  ?= ../shared/data

.PHONY: all build run test test-short oracle fuzz bench vet fmt mainland clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/wangge

# Until the HTTP service lands (issue "Service"), `make run` imports the real
# 二七区 (Zhengzhou) boundary as sample data and locates a few points with the CLI.
run: build
	./$(BIN) import grids testdata/sample/erqi.geojson --db var/sample.db --replace --crs gcj02
	printf 'id,lon,lat\nerqi-square,113.6645,34.7466\nzhengzhou-station,113.6584,34.7464\nshenzhen,114.06,22.54\nbad,200,1\n' \
		| ./$(BIN) locate --db var/sample.db --nearest-m 50 || true

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

test-short:
	$(GO) test -short ./...

# The full differential test against PostGIS: every vertex of cn-all-districts.
oracle:
	WANGGE_ORACLE_FULL=1 $(GO) test -count=1 -run Oracle -v -timeout 60m ./data/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReadGrids -fuzztime 60s ./data/
	$(GO) test -run '^$$' -fuzz FuzzLocate -fuzztime 60s ./geo/
	$(GO) test -run '^$$' -fuzz FuzzConvert -fuzztime 60s ./geo/crs/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	$(GO) vet ./...
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"

# Regenerate the embedded mainland-China mask of geo/crs from ../shared/data.
mainland:
	$(GO) run ./tools/mkmainland -out geo/crs/mainland.bin

clean:
	rm -rf bin var
