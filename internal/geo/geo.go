// Package geo holds the outline of Ukraine's regions and projects it onto
// a drawing surface, so that the server can draw a map without any service
// or script. See NOTICE.md for the source (public domain) and how the
// outline was simplified.
package geo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:embed ukraine_oblasts.json
var outlineJSON []byte

// Region is one region's outline: rings of longitude, latitude pairs.
type Region struct {
	Code  string      `json:"code"`
	Rings [][]float64 `json:"rings"`
}

var regions = sync.OnceValues(func() ([]Region, error) {
	var f struct {
		Regions []Region `json:"regions"`
	}
	if err := json.Unmarshal(outlineJSON, &f); err != nil {
		return nil, fmt.Errorf("geo: outline: %w", err)
	}
	for _, r := range f.Regions {
		for _, ring := range r.Rings {
			if len(ring)%2 != 0 || len(ring) < 6 {
				return nil, fmt.Errorf("geo: region %s has a ring of %d numbers", r.Code, len(ring))
			}
		}
	}
	return f.Regions, nil
})

// Regions returns every region of the outline, by ISO 3166-2:UA code.
func Regions() ([]Region, error) { return regions() }

// Shape is a region projected onto the surface: an SVG path and the point
// where a symbol for the region stands (the centre of its largest part).
type Shape struct {
	Code   string
	Path   string
	CX, CY float64
	Area   float64 // of the projected largest part, to size labels or symbols
}

// Map is the outline projected to a surface Width wide, with Height the
// height that keeps the country's proportions.
type Map struct {
	Width, Height float64
	Shapes        []Shape
}

// refLat is the parallel at which the equirectangular projection keeps true
// proportions; 48.5°N runs through the middle of Ukraine, so the distortion
// across the country (44°–52.5°N) stays within a few percent.
const refLat = 48.5

// Project draws the outline onto a surface width units wide, keeping pad
// units free on every side.
func Project(width, pad float64) (Map, error) {
	rs, err := regions()
	if err != nil {
		return Map{}, err
	}
	k := math.Cos(refLat * math.Pi / 180)
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range rs {
		for _, ring := range r.Rings {
			for i := 0; i < len(ring); i += 2 {
				x, y := ring[i]*k, -ring[i+1]
				minX, maxX = math.Min(minX, x), math.Max(maxX, x)
				minY, maxY = math.Min(minY, y), math.Max(maxY, y)
			}
		}
	}
	scale := (width - 2*pad) / (maxX - minX)
	m := Map{Width: width, Height: math.Ceil((maxY-minY)*scale + 2*pad)}
	at := func(lon, lat float64) (float64, float64) {
		return pad + (lon*k-minX)*scale, pad + (-lat-minY)*scale
	}
	for _, r := range rs {
		s := Shape{Code: r.Code}
		var b strings.Builder
		for _, ring := range r.Rings {
			var area, cx, cy float64
			n := len(ring) / 2
			for i := range n {
				x0, y0 := at(ring[2*i], ring[2*i+1])
				x1, y1 := at(ring[2*((i+1)%n)], ring[2*((i+1)%n)+1])
				if i == 0 {
					b.WriteByte('M')
				} else {
					b.WriteByte('L')
				}
				b.WriteString(num(x0))
				b.WriteByte(' ')
				b.WriteString(num(y0))
				cross := x0*y1 - x1*y0
				area += cross
				cx += (x0 + x1) * cross
				cy += (y0 + y1) * cross
			}
			b.WriteByte('Z')
			if a := math.Abs(area / 2); a > s.Area && area != 0 {
				s.Area = a
				s.CX, s.CY = cx/(3*area), cy/(3*area)
			}
		}
		s.Path = b.String()
		m.Shapes = append(m.Shapes, s)
	}
	return m, nil
}

// num writes a coordinate to a tenth of a unit, enough below a pixel.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
