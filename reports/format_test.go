package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"sig3 small", sig3(0.012345), "0.0123"},
		{"sig3 carry", sig3(9.996), "10.0"},
		{"sig3 carry to thousands", sig3(999.6), "1000"},
		{"sig3 large", sig3(123456), "123000"},
		{"sig3 negative", sig3(-1.234), "-1.23"},
		{"sig3 zero", sig3(0), "0"},
		{"µs", fmtDuration(93 * time.Microsecond), "93.0 µs"},
		{"µs to ms at rounding", fmtSeconds(999.7e-6), "1.00 ms"},
		{"ms", fmtDuration(12345 * time.Microsecond), "12.3 ms"},
		{"s", fmtDuration(6450 * time.Millisecond), "6.45 s"},
		{"zero duration", fmtSeconds(0), "0"},
		{"bytes", fmtBytes(512), "512 B"},
		{"KiB", fmtBytes(1200), "1.17 KiB"},
		{"MiB", fmtBytes(410 << 20), "410 MiB"},
		{"GiB", fmtBytes(3 << 30), "3.00 GiB"},
		{"thousands", fmtInt(1234567), "1,234,567"},
		{"thousands negative", fmtInt(-1234), "-1,234"},
		{"hundreds", fmtInt(999), "999"},
		{"rate whole", fmtRate(4916.6), "4,917"},
		{"rate small", fmtRate(98.64), "98.6"},
		{"percent", fmtPercent(0.953), "95%"},
		{"percent small", fmtPercent(0.021), "2.1%"},
		{"ratio", fmtRatio(1.987), "1.99×"},
		{"plural one", plural(1, "core"), "1 core"},
		{"plural many", plural(1200, "run"), "1,200 runs"},
		{"list", list([]string{"a", "b", "c"}), "a, b and c"},
		{"cpu count", fmtInt(int64(cpuCount("0,2-3"))), "3"},
		{"slug", slugify("Echo (old file)"), "echo-old-file"},
		{"escape", escape("a_b *c* [d]"), `a\_b \*c\* \[d\]`},
		{"cell", cell("a|b\nc"), `a\|b c`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got, tt.name)
	}
}
