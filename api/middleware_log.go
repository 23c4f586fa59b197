package api

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// logMiddleware writes one structured log line per request, at Info for
// success, Warn for 4xx and Error for 5xx.
func (s *Server) logMiddleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	ctx := c.Request.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.LogAttrs(ctx, level, "request",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("route", c.FullPath()),
		slog.Int("status", status),
		slog.Int("bytes", c.Writer.Size()),
		slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("remote", c.ClientIP()))
}
