package main

import (
	"strings"
	"testing"
)

// TestTrimSpace: trimSpace is strings.TrimSpace.
func TestTrimSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "路灯", " 路灯", "路灯 ", "\u3000路灯\u3000", "路灯\u00a0", "\t路灯\r",
		"x\u2028", "\xff", " \xff ", "\xe8\xb7", "a b", "历史诉求 12"} {
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
