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

// Pick counts within the CPUs a process may use; Within checks a list
// against them; both name the CPU that does not fit.
func TestPickAndWithin(t *testing.T) {
	t.Parallel()
	got, err := Pick([]int{0, 1}, []int{2, 3})
	assert.NoError(t, err)
	assert.Equal(t, []int{2, 3}, got)
	_, err = Pick([]int{2}, []int{2, 3})
	assert.ErrorContains(t, err, "CPU 2 is beyond the 2 this process may use (2,3)")
	assert.NoError(t, Within([]int{3}, []int{2, 3}))
	assert.ErrorContains(t, Within([]int{0}, []int{2, 3}), "CPU 0 is not one this process may use (2,3)")
}

func TestAllowedHoldsThisCPU(t *testing.T) {
	t.Parallel()
	cpus, err := Allowed()
	assert.NoError(t, err)
	assert.NotEmpty(t, cpus)
	assert.IsIncreasing(t, cpus)
}
