package pdf

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// MaxDecoded bounds the decoded size of one stream, and maxDecodedTotal
// of all the streams one reader decodes (against zip bombs: a reader
// keeps decoded object streams).
const (
	MaxDecoded      = 64 << 20
	maxDecodedTotal = 256 << 20
)

// Decode returns a stream's decoded data. Only what document structure
// needs is supported: no filter and FlateDecode, with PNG and TIFF
// predictors (cross-reference and object streams use nothing else).
func (r *Reader) Decode(s *Stream) ([]byte, error) {
	filters, params := s.Dict["Filter"], s.Dict["DecodeParms"]
	filters, _ = r.Resolve(filters)
	params, _ = r.Resolve(params)
	var names []Name
	var parms []Object
	switch f := filters.(type) {
	case nil:
		return s.Data, nil
	case Name:
		names, parms = []Name{f}, []Object{params}
	case Array:
		pa, _ := params.(Array)
		for i, x := range f {
			n, ok := x.(Name)
			if !ok {
				return nil, errors.New("pdf: bad /Filter")
			}
			names = append(names, n)
			var p Object
			if i < len(pa) {
				p = pa[i]
			}
			parms = append(parms, p)
		}
	default:
		return nil, errors.New("pdf: bad /Filter")
	}
	data := s.Data
	defer func() { r.decoded += len(data) }()
	if r.decoded > maxDecodedTotal {
		return nil, errors.New("pdf: too much compressed data")
	}
	for i, n := range names {
		if n != "FlateDecode" && n != "Fl" {
			return nil, fmt.Errorf("pdf: unsupported filter %s", n)
		}
		var err error
		if data, err = inflate(data); err != nil {
			return nil, err
		}
		p, _ := r.Dict(parms[i])
		if data, err = unpredict(data, p); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("pdf: flate: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxDecoded+1))
	if len(out) > MaxDecoded {
		return nil, errors.New("pdf: stream too large when decoded")
	}
	// Many writers end streams without a proper checksum; keep what was read.
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("pdf: flate: %w", err)
	}
	return out, nil
}

// unpredict undoes a PNG (≥10) or TIFF (2) predictor.
func unpredict(b []byte, p Dict) ([]byte, error) {
	pred, _ := p.Int("Predictor")
	if pred <= 1 {
		return b, nil
	}
	colors, bpc, columns := int64(1), int64(8), int64(1)
	if v, ok := p.Int("Colors"); ok {
		colors = v
	}
	if v, ok := p.Int("BitsPerComponent"); ok {
		bpc = v
	}
	if v, ok := p.Int("Columns"); ok {
		columns = v
	}
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return nil, errors.New("pdf: bad predictor parameters")
	}
	bpp := int((colors*bpc + 7) / 8)
	row := int((colors*bpc*columns + 7) / 8)
	if pred == 2 {
		if bpc != 8 {
			return nil, errors.New("pdf: unsupported TIFF predictor depth")
		}
		out := append([]byte(nil), b...)
		for i := 0; i+row <= len(out); i += row {
			for j := bpp; j < row; j++ {
				out[i+j] += out[i+j-bpp]
			}
		}
		return out, nil
	}
	if pred < 10 {
		return nil, errors.New("pdf: unsupported predictor")
	}
	out := make([]byte, 0, len(b)/(row+1)*row)
	prev := make([]byte, row)
	for i := 0; i+row+1 <= len(b); i += row + 1 {
		ft, cur := b[i], append([]byte(nil), b[i+1:i+1+row]...)
		for j := range cur {
			var left, upLeft byte
			if j >= bpp {
				left, upLeft = cur[j-bpp], prev[j-bpp]
			}
			up := prev[j]
			switch ft {
			case 0:
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, upLeft)
			default:
				return nil, errors.New("pdf: bad PNG filter type")
			}
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
