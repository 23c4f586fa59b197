package api

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
)

// tileKey names one cached tile.
type tileKey struct {
	layer string
	t     tile.Tile
	sys   crs.System
}

// tileEntry is one cut tile. raw == nil is an empty tile (204). Entries are
// immutable once in the cache but for gz, which is filled on first need
// under the cache's lock.
type tileEntry struct {
	key     tileKey
	src     any       // what the tile was cut from (*tile.Grids, *plan.SiteSet); nil: see exp
	exp     time.Time // zero: valid while src is current
	raw, gz []byte
	etag    string // strong ETag of raw; gz's is etag with "-gz" inside the quotes
}

// size is the entry's weight in the cache's byte budget.
func (e *tileEntry) size() int64 { return int64(len(e.raw)+len(e.gz)) + 256 }

// newTileEntry wraps a cut tile, computing its ETag from the layer, the
// source's version and the content.
func newTileEntry(key tileKey, src any, version int64, raw []byte) *tileEntry {
	e := &tileEntry{key: key, src: src, raw: raw}
	if raw != nil {
		h := fnv.New64a()
		h.Write(raw)
		e.etag = `"` + key.layer + "-" + strconv.FormatInt(version, 10) + "-" + strconv.FormatUint(h.Sum64(), 16) + `"`
	}
	return e
}

// gzipETag is the ETag of the gzipped representation.
func (e *tileEntry) gzipETag() string { return e.etag[:len(e.etag)-1] + `-gz"` }

// tileCache is a least-recently-used cache of tiles bounded in bytes. A
// tile cut from a source that is no longer current (the boundaries or the
// sites were replaced) or past its expiry is a miss, and is replaced.
type tileCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used; values *tileEntry
	items map[tileKey]*list.Element
}

func newTileCache(maxBytes int64) *tileCache {
	if maxBytes < 0 {
		return nil
	}
	if maxBytes == 0 {
		maxBytes = 64 << 20
	}
	return &tileCache{max: maxBytes, order: list.New(), items: map[tileKey]*list.Element{}}
}

// get returns the cached tile for key cut from src (and not expired at now).
func (c *tileCache) get(key tileKey, src any, now time.Time) *tileEntry {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	e := el.Value.(*tileEntry)
	if e.src != src || !e.exp.IsZero() && now.After(e.exp) {
		c.remove(el)
		return nil
	}
	c.order.MoveToFront(el)
	return e
}

// put stores e, evicting the least recently used tiles beyond the budget.
func (c *tileCache) put(e *tileEntry) {
	if c == nil || e.size() > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; ok {
		c.remove(el)
	}
	c.items[e.key] = c.order.PushFront(e)
	c.size += e.size()
	for c.size > c.max {
		c.remove(c.order.Back())
	}
}

func (c *tileCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*tileEntry)
	delete(c.items, e.key)
	c.size -= e.size()
}

// gzipped returns e's body gzipped, compressing it on first need.
func (c *tileCache) gzipped(e *tileEntry) []byte {
	if c != nil {
		c.mu.Lock()
		gz := e.gz
		c.mu.Unlock()
		if gz != nil {
			return gz
		}
	}
	var b bytes.Buffer
	b.Grow(len(e.raw)/2 + 64)
	zw, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	zw.Write(e.raw)
	zw.Close()
	gz := b.Bytes()
	if c != nil {
		c.mu.Lock()
		if e.gz == nil {
			e.gz = gz
			if _, cached := c.items[e.key]; cached && c.items[e.key].Value == e {
				c.size += int64(len(gz))
			}
		}
		gz = e.gz
		c.mu.Unlock()
	}
	return gz
}
