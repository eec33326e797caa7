package results

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Latency histograms cover 1 µs to 10 minutes with 3 significant digits.
const (
	LowestLatency  = 1
	HighestLatency = int64(10 * time.Minute / time.Microsecond)
	SigFigs        = 3
)

// Histogram is an HDR latency histogram in µs. In JSON it is the standard
// compressed, base64 encoding that every HdrHistogram library reads.
type Histogram struct {
	*hdrhistogram.Histogram
}

// NewHistogram returns an empty latency histogram.
func NewHistogram() *Histogram {
	return &Histogram{hdrhistogram.New(LowestLatency, HighestLatency, SigFigs)}
}

// Record adds one latency; values beyond the range are clamped, not lost.
func (h *Histogram) Record(d time.Duration) {
	us := max(int64(d/time.Microsecond), LowestLatency)
	_ = h.RecordValue(min(us, HighestLatency))
}

// Quantile is the latency at quantile q (0 to 1).
func (h *Histogram) Quantile(q float64) time.Duration {
	return time.Duration(h.ValueAtQuantile(q*100)) * time.Microsecond
}

// MarshalJSON implements json.Marshaler.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return nil, fmt.Errorf("results: encode histogram: %w", err)
	}
	return json.Marshal(string(b))
}

// UnmarshalJSON implements json.Unmarshaler.
func (h *Histogram) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("results: histogram: %w", err)
	}
	d, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return fmt.Errorf("results: decode histogram: %w", err)
	}
	h.Histogram = d
	return nil
}
