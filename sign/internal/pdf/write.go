package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Update collects new and replaced objects and appends them to the
// document as one incremental update (ISO 32000-1 §7.5.6): the original
// bytes are left untouched, so earlier signatures stay valid.
type Update struct {
	r    *Reader
	next int
	objs map[int]Object
	gens map[int]int
}

// NewUpdate starts an update of r's document. A repaired document cannot
// be updated: its damaged cross-reference would still be the /Prev.
func NewUpdate(r *Reader) (*Update, error) {
	if r.Repaired {
		return nil, errors.New("pdf: the document's cross-reference table is damaged; re-save the PDF and try again")
	}
	return &Update{r: r, next: r.Size, objs: map[int]Object{}, gens: map[int]int{}}, nil
}

// Add appends a new object and returns its reference.
func (u *Update) Add(o Object) Ref {
	ref := u.Reserve()
	u.objs[ref.Num] = o
	return ref
}

// Reserve returns a new object number whose object is given later by Set.
func (u *Update) Reserve() Ref {
	ref := Ref{u.next, 0}
	u.next++
	u.objs[ref.Num] = nil
	return ref
}

// Set replaces the object ref (an existing or a reserved one).
func (u *Update) Set(ref Ref, o Object) {
	u.objs[ref.Num] = o
	u.gens[ref.Num] = ref.Gen
}

// Written is the result of Write.
type Written struct {
	// PDF is the whole updated document.
	PDF []byte
	// Body maps an object number to the offset of its first byte (after
	// the "n g obj" line).
	Body map[int]int
}

// Write returns the document with the update appended. The
// cross-reference of the update has the same form as the document's
// newest section: a table, or a stream for files that use streams.
func (u *Update) Write() (*Written, error) {
	in := u.r.data
	nums := make([]int, 0, len(u.objs)+1)
	for n := range u.objs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	out := make([]byte, 0, len(in)+4096)
	out = append(out, in...)
	if len(out) > 0 && out[len(out)-1] != '\n' && out[len(out)-1] != '\r' {
		out = append(out, '\n')
	}
	w := &Written{Body: map[int]int{}}
	offsets := map[int]int{}
	for _, n := range nums {
		offsets[n] = len(out)
		out = fmt.Appendf(out, "%d %d obj\n", n, u.gens[n])
		w.Body[n] = len(out)
		out = Append(out, u.objs[n])
		out = append(out, "\nendobj\n"...)
	}
	size := max(u.r.Size, u.next)
	trailer := Dict{"Root": u.r.Trailer["Root"], "Prev": u.r.StartXref}
	for _, k := range []Name{"Info", "ID"} {
		if v, ok := u.r.Trailer[k]; ok {
			trailer[k] = v
		}
	}
	xrefAt := len(out)
	if u.r.XrefStream {
		self := size
		size++
		nums = append(nums, self)
		offsets[self] = xrefAt
		trailer["Size"] = int64(size)
		trailer["Type"] = Name("XRef")
		trailer["W"] = Array{int64(1), int64(4), int64(2)}
		var index Array
		var data []byte
		for _, run := range runs(nums) {
			index = append(index, int64(run[0]), int64(len(run)))
			for _, n := range run {
				data = append(data, 1)
				data = binary.BigEndian.AppendUint32(data, uint32(offsets[n]))
				data = binary.BigEndian.AppendUint16(data, uint16(u.gens[n]))
			}
		}
		trailer["Index"] = index
		out = fmt.Appendf(out, "%d 0 obj\n", self)
		out = Append(out, &Stream{Dict: trailer, Data: data})
		out = append(out, "\nendobj\n"...)
	} else {
		trailer["Size"] = int64(size)
		out = append(out, "xref\n"...)
		for _, run := range runs(nums) {
			out = fmt.Appendf(out, "%d %d\n", run[0], len(run))
			for _, n := range run {
				out = fmt.Appendf(out, "%010d %05d n\r\n", offsets[n], u.gens[n])
			}
		}
		out = append(out, "trailer\n"...)
		out = Append(out, trailer)
		out = append(out, '\n')
	}
	out = fmt.Appendf(out, "startxref\n%d\n%%%%EOF\n", xrefAt)
	w.PDF = out
	return w, nil
}

// runs splits sorted numbers into runs of consecutive numbers.
func runs(nums []int) [][]int {
	var out [][]int
	for i, n := range nums {
		if i == 0 || n != nums[i-1]+1 {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], n)
	}
	return out
}
