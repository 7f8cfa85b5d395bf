package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// builtinFiles holds the procedures shipped with motcua, one JSON file per
// procedure named after its national code.
//
//go:embed procedures/*.json
var builtinFiles embed.FS

// Builtin parses and validates every embedded procedure and returns them
// sorted by code. The error, if any, names every faulty file and every
// problem in it; the embedded data is checked by the package tests, so an
// error here means a broken build rather than bad user input.
func Builtin() ([]Procedure, error) {
	return loadDir(builtinFiles, "procedures")
}

// loadDir parses dir/*.json of fsys. A file must be named <code>.json so
// that a procedure is found by its code and two files cannot define one code.
func loadDir(fsys fs.FS, dir string) ([]Procedure, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var (
		procs []Procedure
		errs  []error
	)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := Parse(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); p.Code != want {
			errs = append(errs, fmt.Errorf("%s: mã thủ tục %q không khớp tên tệp (phải là %s.json)", name, p.Code, p.Code))
			continue
		}
		procs = append(procs, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(procs, func(a, b Procedure) int { return strings.Compare(a.Code, b.Code) })
	return procs, nil
}

// Parse decodes one procedure from a JSON document and validates it. It is
// strict: unknown fields, trailing data after the object and any problem
// reported by Validate are errors, so a typo in an uploaded file is refused
// rather than silently dropped. On error the zero Procedure is returned.
func Parse(data []byte) (Procedure, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Procedure
	if err := dec.Decode(&p); err != nil {
		return Procedure{}, fmt.Errorf("JSON thủ tục không đọc được: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Procedure{}, errors.New("JSON thủ tục có dữ liệu thừa sau đối tượng")
	}
	if err := p.Validate(); err != nil {
		return Procedure{}, fmt.Errorf("thủ tục %q không hợp lệ:\n%w", p.Code, err)
	}
	return p, nil
}
