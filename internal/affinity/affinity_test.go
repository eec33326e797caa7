package affinity

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []int
		err  bool
	}{
		{in: "", want: nil},
		{in: "0", want: []int{0}},
		{in: "1,3", want: []int{1, 3}},
		{in: "0-2,5", want: []int{0, 1, 2, 5}},
		{in: "2-1", err: true},
		{in: "x", err: true},
		{in: "-1", err: true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.err {
			assert.Error(t, err, "%q", tt.in)
			continue
		}
		assert.NoError(t, err, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
		again, err := Parse(Format(got))
		assert.NoError(t, err)
		assert.Equal(t, got, again, "Format writes what Parse reads")
	}
}
