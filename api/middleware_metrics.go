package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wangge/wangge/geo"
)

type metrics struct {
	requests *prometheus.CounterVec   // route, method, status
	latency  *prometheus.HistogramVec // route
	lookups  *prometheus.CounterVec   // match
	reloads  *prometheus.CounterVec   // result
	gather   prometheus.Gatherer
}

func newMetrics(reg *prometheus.Registry, holder *geo.Holder) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wangge_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wangge_http_request_duration_seconds",
			Help:    "HTTP request latency by route, seconds.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wangge_lookups_total", Help: "Points located, by match.",
		}, []string{"match"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wangge_reloads_total", Help: "Boundary reloads, by result.",
		}, []string{"result"}),
		gather: reg,
	}
	grids := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wangge_index_grids", Help: "Grids in the served index.",
	}, func() float64 {
		if ix := holder.Load(); ix != nil {
			return float64(ix.Len())
		}
		return 0
	})
	version := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wangge_index_version", Help: "Boundary version of the served index.",
	}, func() float64 {
		if ix := holder.Load(); ix != nil {
			return float64(ix.Set().Version)
		}
		return 0
	})
	reg.MustRegister(m.requests, m.latency, m.lookups, m.reloads, grids, version,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, match := range []geo.Match{geo.MatchInside, geo.MatchBoundary, geo.MatchNearest, geo.MatchNone} {
		m.lookups.WithLabelValues(string(match))
	}
	return m
}

// metricsMiddleware counts requests and observes their latency per route
// (the route pattern, so unknown paths do not grow the label set).
func (s *Server) metricsMiddleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	s.metrics.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
}

func (s *Server) handleMetrics(c *gin.Context) {
	promhttp.HandlerFor(s.metrics.gather, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}
