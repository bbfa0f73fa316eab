package fuzzyindex

import "strings"

// allBytes is the mask of a row that must never be rejected by masking.
const allBytes = ^uint64(0)

// byteBit maps a lowercase ASCII byte to its mask bit: letters and digits
// get their own bit, every other byte shares one of the remaining 28.
var byteBit = func() (t [256]uint64) {
	for b := 0; b < 256; b++ {
		switch {
		case b >= 'a' && b <= 'z':
			t[b] = 1 << (b - 'a')
		case b >= '0' && b <= '9':
			t[b] = 1 << (26 + b - '0')
		default:
			t[b] = 1 << (36 + b%28)
		}
	}
	return t
}()

// prepared is the precomputed form of one row.
type prepared struct {
	// data is, for an ASCII row of length L, the lowercased row (L bytes)
	// followed by L "bonus bytes": the lowercased byte again at offsets
	// > 0 where a match earns a bonus (after a separator or on a camel
	// hump), 0 elsewhere. Every other offset > 0 scores 0 unless adjacent.
	// Rows of one batch share one allocation, in row order.
	data  string
	mask  uint64 // bytes present in the row; allBytes for wide rows
	bmask uint64 // bytes present at bonus offsets
	orig  string // the row up to its first NUL (fuzzy ignores the rest)
}

// wide reports a row with a byte >= 0x80: sahilm/fuzzy itself scores it.
// Such rows have no data; an ASCII row has data unless it is empty.
func (p *prepared) wide() bool { return p.data == "" && p.orig != "" }

// prepareBatch precomputes the searchable form of rows.
func prepareBatch(rows []string) []prepared {
	out := make([]prepared, len(rows))
	wide := make([]bool, len(rows)) // scored by fuzzy: no data
	size := 0
	for i, row := range rows {
		if j := strings.IndexByte(row, 0); j >= 0 {
			row = row[:j]
		}
		out[i].orig = row
		if wide[i] = !isASCII(row); wide[i] {
			out[i].mask = allBytes
		} else {
			size += 2 * len(row)
		}
	}
	buf := make([]byte, 0, size)
	for i := range out {
		p := &out[i]
		if wide[i] {
			continue
		}
		row := p.orig
		for j := 0; j < len(row); j++ {
			b := lower(row[j])
			buf = append(buf, b)
			p.mask |= byteBit[b]
		}
		for x := 0; x < len(row); x++ {
			var b byte
			if x > 0 && bonus(row, x) > 0 {
				b = lower(row[x])
				p.bmask |= byteBit[b]
			}
			buf = append(buf, b)
		}
	}
	arena := string(buf)
	at := 0
	for i := range out {
		if p := &out[i]; !wide[i] {
			p.data = arena[at : at+2*len(p.orig)]
			at += 2 * len(p.orig)
		}
	}
	return out
}

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
