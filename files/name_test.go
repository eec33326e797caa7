package files

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, want string
		ok        bool
	}{
		{raw: "a.txt", want: "a.txt", ok: true},
		{raw: "page-01_x.html", want: "page-01_x.html", ok: true},
		{raw: "%41b", want: "Ab", ok: true},
		{raw: strings.Repeat("a", MaxNameBytes), want: strings.Repeat("a", MaxNameBytes), ok: true},
		{raw: ""},
		{raw: "."},
		{raw: ".."},
		{raw: "%2e%2e"},
		{raw: "%2E%2E"},
		{raw: ".%2e"},
		{raw: "..%2f..%2fetc%2fpasswd"},
		{raw: "a%2fb"},
		{raw: "a%2Fb"},
		{raw: "a/b"},
		{raw: "/etc/passwd"},
		{raw: "%2fetc"},
		{raw: "a%00b"},
		{raw: "a\x00b"},
		{raw: ".hidden"},
		{raw: "a b"},
		{raw: "a%20b"},
		{raw: "a%"},
		{raw: "a%4"},
		{raw: "a%zz"},
		{raw: "a\\b"},
		{raw: strings.Repeat("a", MaxNameBytes+1)},
		{raw: strings.Repeat("%41", MaxNameBytes+1)},
	} {
		got, err := ParseName(tc.raw)
		if tc.ok {
			assert.NoError(t, err, "%q", tc.raw)
			assert.Equal(t, tc.want, got, "%q", tc.raw)
		} else {
			assert.ErrorIs(t, err, ErrBadName, "%q", tc.raw)
		}
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"a.txt", "..", "%2e%2e", "a%2fb", "/abs", "a%00", ".x", "%41%42"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := ParseName(raw)
		if err != nil {
			if name != "" {
				t.Fatalf("ParseName(%q) = %q with an error", raw, name)
			}
			return
		}
		if !filepath.IsLocal(name) || filepath.Base(name) != name || name == "." || name == ".." ||
			strings.ContainsAny(name, "/\\\x00") || name[0] == '.' || len(name) > MaxNameBytes {
			t.Fatalf("ParseName(%q) = %q: not one safe path element", raw, name)
		}
		if ValidName(name) != nil {
			t.Fatalf("ParseName(%q) = %q, which ValidName refuses", raw, name)
		}
		if again, err := ParseName(name); err != nil || again != name {
			t.Fatalf("a valid name %q parses as %q, %v", name, again, err)
		}
	})
}
