package api

import (
	"fmt"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// recoverMiddleware turns a panic in a handler into a 500 with the usual
// error body and logs it with its stack. No request input should reach a
// panic (input is validated first); this is the last line of defence.
func (s *Server) recoverMiddleware(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.fail(c, fmt.Errorf("panic: %v", r))
			}
			c.Abort()
		}
	}()
	c.Next()
}
