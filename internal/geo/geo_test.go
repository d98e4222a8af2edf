package geo

import (
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestEveryRegionHasAnOutline: the map can colour every region a
// requirement may name, and draws nothing else.
func TestEveryRegionHasAnOutline(t *testing.T) {
	m, err := Project(600, 8)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Shape{}
	for _, s := range m.Shapes {
		got[s.Code] = s
	}
	for _, r := range model.Regions {
		s, ok := got[r.Code]
		if !ok {
			t.Errorf("no outline for %s (%s)", r.Code, r.Name)
			continue
		}
		if !strings.HasPrefix(s.Path, "M") || !strings.HasSuffix(s.Path, "Z") || s.Area <= 0 {
			t.Errorf("%s: path %.40q…, area %v", r.Code, s.Path, s.Area)
		}
		if s.CX < 0 || s.CX > m.Width || s.CY < 0 || s.CY > m.Height {
			t.Errorf("%s: centre (%v, %v) outside the %vx%v surface", r.Code, s.CX, s.CY, m.Width, m.Height)
		}
		delete(got, r.Code)
	}
	for code := range got {
		t.Errorf("outline of %s, which is no region of the model", code)
	}
	// Ukraine is about 1.5 times as wide as it is high on such a map.
	if ratio := m.Width / m.Height; ratio < 1.3 || ratio > 1.7 {
		t.Errorf("width/height %v: the projection distorts the country", ratio)
	}
}

// TestRegionsSitWhereTheyAre: a few regions lie in the right part of the
// country, which catches a swapped axis or code.
func TestRegionsSitWhereTheyAre(t *testing.T) {
	m, err := Project(1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := map[string]Shape{}
	for _, s := range m.Shapes {
		c[s.Code] = s
	}
	west, east := c["UA-46"], c["UA-09"]   // Lviv, Luhansk
	north, south := c["UA-74"], c["UA-43"] // Chernihiv, Crimea
	if west.CX >= east.CX || north.CY >= south.CY {
		t.Errorf("Lviv at x %v, Luhansk at x %v; Chernihiv at y %v, Crimea at y %v", west.CX, east.CX, north.CY, south.CY)
	}
	kyiv, oblast := c["UA-30"], c["UA-32"]
	if kyiv.Area >= oblast.Area/10 {
		t.Errorf("Kyiv city (area %v) should be far smaller than its oblast (%v)", kyiv.Area, oblast.Area)
	}
}
