package edxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// Limits bound what Decode and Check read. Messages arrive from other
// agencies' systems over the network: every cap is checked while reading,
// before anything is decoded or kept beyond the cap. The zero value of a
// field means its default.
type Limits struct {
	// MaxBytes caps the whole message as read (default 32 MiB).
	MaxBytes int64
	// MaxElements caps the number of elements (default 20 000).
	MaxElements int
	// MaxAttachments caps the attachments of one message (default 50).
	MaxAttachments int
	// MaxAttachmentBytes caps one decoded attachment (default 20 MiB).
	MaxAttachmentBytes int64
}

// Default limits. An incoming document is a signed PDF of a few MB with
// perhaps appendices; 32 MiB of base64 holds about 24 MiB of files.
const (
	DefaultMaxBytes           = 32 << 20
	DefaultMaxElements        = 20000
	DefaultMaxAttachments     = 50
	DefaultMaxAttachmentBytes = 20 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = DefaultMaxAttachments
	}
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = DefaultMaxAttachmentBytes
	}
	return l
}

// elem is a parsed element: its local name, its text (leaves) and children.
type elem struct {
	name string
	text string
	kids []*elem
}

func (e *elem) child(name string) *elem {
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (e *elem) all(name string) []*elem {
	if e == nil {
		return nil
	}
	var out []*elem
	for _, k := range e.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// size is the number of children; 0 for an absent element.
func (e *elem) size() int {
	if e == nil {
		return 0
	}
	return len(e.kids)
}

// str is the text of the named child, "" when it is absent.
func (e *elem) str(name string) string {
	if c := e.child(name); c != nil {
		return c.text
	}
	return ""
}

// capReader counts bytes and fails once more than max were asked for, so
// the parser never sees a byte beyond the cap.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells an input of exactly the cap from a longer one.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			c.over = true
			return 0, errOver
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

var errOver = errors.New("edxml: over the size cap")

// frame is an open element during the walk.
type frame struct {
	n      *node
	el     *elem
	path   string
	counts map[string]int
	text   strings.Builder
}

// parse reads one edXML message from r and checks it against the element
// table: names, namespace, nesting, occurrences, text lengths and the
// limits. It returns the tree of elements; decoding the values is decode's.
func parse(r io.Reader, lim Limits) (*elem, error) {
	lim = lim.withDefaults()
	cr := &capReader{r: r, left: lim.MaxBytes}
	d := xml.NewDecoder(cr)
	d.Strict = true
	// No CharsetReader: a message that is not UTF-8 is refused (malformed).
	root := &node{kids: []kid{one("edXML", schema())}}
	base64Max := int(min(lim.MaxAttachmentBytes/3*4+lim.MaxAttachmentBytes/38+8, int64(lim.MaxBytes)))
	stack := []*frame{{n: root, el: &elem{}, counts: map[string]int{}}}
	elements := 0
	done := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if !done {
				return nil, errMalformed(io.ErrUnexpectedEOF)
			}
			return stack[0].el.kids[0], nil
		}
		if err != nil {
			if cr.over {
				return nil, errTooLarge(lim.MaxBytes)
			}
			return nil, errMalformed(err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if done {
				return nil, errMalformed(errors.New("content after the root element"))
			}
			elements++
			if elements > lim.MaxElements {
				return nil, errTooManyElements(lim.MaxElements)
			}
			path := join(top.path, t.Name.Local)
			if t.Name.Space == dsigNamespace && t.Name.Local == "Signature" && top.path == "edXML/edXMLEnvelope/edXMLHeader" {
				if top.counts["ds:Signature"]++; top.counts["ds:Signature"] > 1 {
					return nil, errRepeated(path)
				}
				// Not checked against the table, but its elements count:
				// the decoder keeps a frame per open element, so millions
				// nested in a Signature would cost GiBs (d.Skip walks them
				// all).
				if err := skip(d, cr, lim, &elements); err != nil {
					return nil, err
				}
				continue
			}
			k := top.n.kid(t.Name.Local)
			if k == nil {
				return nil, errUnknownElement(path)
			}
			if t.Name.Space != Namespace {
				return nil, errNamespace(path)
			}
			if top.counts[k.name]++; top.counts[k.name] > k.max {
				return nil, errRepeated(path)
			}
			el := &elem{name: k.name}
			top.el.kids = append(top.el.kids, el)
			stack = append(stack, &frame{n: k.n, el: el, path: path, counts: map[string]int{}})
		case xml.EndElement:
			if top.n.leaf() {
				top.el.text = top.text.String()
			} else {
				for _, k := range top.n.kids {
					if top.counts[k.name] < k.min {
						return nil, errMissing(join(top.path, k.name))
					}
				}
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 1 {
				done = true
			}
		case xml.CharData:
			if len(stack) == 1 || !top.n.leaf() {
				if len(bytes.TrimSpace(t)) > 0 {
					if len(stack) == 1 {
						return nil, errMalformed(errors.New("text outside the root element"))
					}
					return nil, errUnexpectedText(top.path)
				}
				continue
			}
			max := top.n.max
			if top.n.base64 {
				max = base64Max
			}
			if top.text.Len()+len(t) > max {
				if top.n.base64 {
					return nil, errAttachmentTooLarge("", lim.MaxAttachmentBytes)
				}
				return nil, errTextTooLong(top.path, max)
			}
			top.text.Write(t)
		case xml.Directive:
			// A DOCTYPE could declare entities; edXML has no use for one.
			return nil, errMalformed(errors.New("directive in an edXML message"))
		}
	}
}

// skip reads past the element just started, counting the elements in
// it against lim.MaxElements.
func skip(d *xml.Decoder, cr *capReader, lim Limits, elements *int) error {
	for depth := 0; ; {
		tok, err := d.Token()
		if err != nil {
			if cr.over {
				return errTooLarge(lim.MaxBytes)
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return errMalformed(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if *elements++; *elements > lim.MaxElements {
				return errTooManyElements(lim.MaxElements)
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		case xml.Directive:
			return errMalformed(errors.New("directive in an edXML message"))
		}
	}
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}

// Check reads an edXML message (a document or a status) and verifies every
// element's name, namespace and nesting, the required elements and their
// counts against the QCVN 102:2016 element table, within the default
// limits. It does not decode values: Decode does that, after the same check.
func Check(r io.Reader) error {
	_, err := parse(r, Limits{})
	return err
}
