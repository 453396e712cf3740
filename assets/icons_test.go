package assets

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// The window's icon and the forms' logo are the application icon made
// smaller (for the start-up): the same picture, at their sizes.
func TestTheSmallIconsAreTheIcon(t *testing.T) {
	decode := func(b []byte) image.Image {
		t.Helper()
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	icon := decode(IconPNG)
	for _, c := range []struct {
		name string
		png  []byte
		size int
	}{{"icon-256.png", WindowIconPNG, 256}, {"logo-160.png", LogoPNG, 160}} {
		img := decode(c.png)
		if b := img.Bounds(); b.Dx() != c.size || b.Dy() != c.size {
			t.Errorf("%s is %v, want %d×%d", c.name, b, c.size, c.size)
			continue
		}
		// Each of 16×16 squares has the colour of the icon's same square
		// within 8 (per channel, 0-255, averaged): the same picture, not
		// another one.
		for gy := range 16 {
			for gx := range 16 {
				a, b := mean(img, gx, gy, 16), mean(icon, gx, gy, 16)
				for i := range a {
					if d := a[i] - b[i]; d > 8 || d < -8 {
						t.Fatalf("%s differs from the icon in square (%d,%d): %v vs %v", c.name, gx, gy, a, b)
					}
				}
			}
		}
	}
}

// mean is the average colour (0-255 per channel) of square (gx, gy) of an
// n×n grid over img.
func mean(img image.Image, gx, gy, n int) [4]float64 {
	b := img.Bounds()
	w, h := b.Dx()/n, b.Dy()/n
	var sum [4]float64
	for y := gy * h; y < (gy+1)*h; y++ {
		for x := gx * w; x < (gx+1)*w; x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			sum[0], sum[1], sum[2], sum[3] = sum[0]+float64(r>>8), sum[1]+float64(g>>8), sum[2]+float64(bl>>8), sum[3]+float64(a>>8)
		}
	}
	for i := range sum {
		sum[i] /= float64(w * h)
	}
	return sum
}
