// Package compat tells whether an OpenAPI document breaks the clients written
// against an earlier one. Integrators generate their clients from the
// document, so a removed operation, a removed response field, a removed or
// renamed parameter, a narrowed type or a newly required request field breaks
// them at their next call; such a change needs a new major version.
//
// The comparison works on kin-openapi's model. It is deliberately smaller than
// oasdiff: it checks what breaks a client on the wire, in the two directions
// that matter (what a client sends must still be accepted; what it reads must
// still be there).
package compat

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Breaking lists the changes from base to cur that break existing clients,
// sorted; empty when cur is compatible. A bumped major version (info.version
// "2" after "1", "2.0.0" after "1.4.0") allows them all.
func Breaking(base, cur *openapi3.T) []string {
	if major(cur) > major(base) {
		return nil
	}
	c := &checker{seen: map[[2]*openapi3.Schema]bool{}}
	curOps := operations(cur)
	for key, b := range operations(base) {
		o, ok := curOps[key]
		if !ok {
			c.addf("%s: operation removed", b.name)
			continue
		}
		c.operation(b, o)
	}
	sort.Strings(c.found)
	return c.found
}

func major(t *openapi3.T) int {
	if t.Info == nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(t.Info.Version, ".", 2)[0], "v"))
	return n
}

type op struct {
	name       string // as written in the document, for messages
	params     map[string]*openapi3.Parameter
	pathParams []*openapi3.Parameter // in the template's order
	*openapi3.Operation
}

var template = regexp.MustCompile(`\{[^}]*\}`)

// operations keys each operation by method and path template with the
// parameter names blanked: a path parameter's name is not on the wire, so
// renaming it, or documenting two operations under one template, changes
// nothing for a client that calls the URL.
func operations(t *openapi3.T) map[string]op {
	out := map[string]op{}
	if t.Paths == nil {
		return out
	}
	for path, item := range t.Paths.Map() {
		names := template.FindAllString(path, -1)
		for method, o := range item.Operations() {
			x := op{name: method + " " + path, params: map[string]*openapi3.Parameter{}, Operation: o}
			byName := map[string]*openapi3.Parameter{}
			for _, list := range []openapi3.Parameters{item.Parameters, o.Parameters} {
				for _, ref := range list {
					p := ref.Value
					if p == nil {
						continue
					}
					if p.In == openapi3.ParameterInPath {
						byName[p.Name] = p
					} else {
						x.params[p.In+" "+p.Name] = p
					}
				}
			}
			for _, n := range names {
				x.pathParams = append(x.pathParams, byName[strings.Trim(n, "{}")])
			}
			out[method+" "+template.ReplaceAllString(path, "{}")] = x
		}
	}
	return out
}

type checker struct {
	found []string
	seen  map[[2]*openapi3.Schema]bool // pairs on the walk's current path
}

func (c *checker) addf(format string, args ...any) {
	c.found = append(c.found, fmt.Sprintf(format, args...))
}

func (c *checker) operation(b, o op) {
	for i, bp := range b.pathParams {
		if bp != nil && i < len(o.pathParams) && o.pathParams[i] != nil {
			c.request(b.name+": path parameter "+bp.Name, bp.Schema, o.pathParams[i].Schema)
		}
	}
	for key, bp := range b.params {
		p, ok := o.params[key]
		if !ok {
			c.addf("%s: parameter %s removed or renamed", b.name, key)
			continue
		}
		if p.Required && !bp.Required {
			c.addf("%s: parameter %s became required", b.name, key)
		}
		c.request(b.name+": parameter "+key, bp.Schema, p.Schema)
	}
	for key, p := range o.params {
		if _, ok := b.params[key]; !ok && p.Required {
			c.addf("%s: new required parameter %s", b.name, key)
		}
	}
	if b.RequestBody != nil && b.RequestBody.Value != nil {
		bb := b.RequestBody.Value
		if o.RequestBody == nil || o.RequestBody.Value == nil {
			c.addf("%s: request body removed", b.name)
		} else {
			ob := o.RequestBody.Value
			if ob.Required && !bb.Required {
				c.addf("%s: request body became required", b.name)
			}
			for ct, mt := range bb.Content {
				omt, ok := ob.Content[ct]
				if !ok {
					c.addf("%s: request body %s no longer accepted", b.name, ct)
					continue
				}
				c.request(b.name+": request "+ct, mt.Schema, omt.Schema)
			}
		}
	} else if o.RequestBody != nil && o.RequestBody.Value != nil && o.RequestBody.Value.Required {
		c.addf("%s: new required request body", b.name)
	}
	if b.Responses == nil {
		return
	}
	for status, br := range b.Responses.Map() {
		if br.Value == nil || !strings.HasPrefix(status, "2") {
			continue // error responses share one shape; a client branches on success
		}
		var or *openapi3.ResponseRef
		if o.Responses != nil {
			or = o.Responses.Value(status)
		}
		if or == nil || or.Value == nil {
			c.addf("%s: response %s removed", b.name, status)
			continue
		}
		for ct, mt := range br.Value.Content {
			omt, ok := or.Value.Content[ct]
			if !ok {
				c.addf("%s: response %s %s removed", b.name, status, ct)
				continue
			}
			c.response(b.name+": response "+status+" "+ct, mt.Schema, omt.Schema)
		}
	}
}

// flat is a schema with its allOf members merged: allOf is how a $ref gets a
// description of its own, and it must not hide the properties.
type flat struct {
	s        *openapi3.Schema
	props    map[string]*openapi3.SchemaRef
	required []string
}

func flatten(ref *openapi3.SchemaRef) *flat {
	if ref == nil || ref.Value == nil {
		return nil
	}
	f := &flat{s: ref.Value, props: map[string]*openapi3.SchemaRef{}}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		for n, p := range s.Properties {
			f.props[n] = p
		}
		f.required = append(f.required, s.Required...)
		for _, m := range s.AllOf {
			if m.Value != nil {
				walk(m.Value)
			}
		}
	}
	walk(ref.Value)
	return f
}

func typeOf(f *flat) string {
	if f.s.Type != nil && len(f.s.Type.Slice()) > 0 {
		return strings.Join(f.s.Type.Slice(), ",")
	}
	for _, m := range f.s.AllOf {
		if m.Value != nil && m.Value.Type != nil && len(m.Value.Type.Slice()) > 0 {
			return strings.Join(m.Value.Type.Slice(), ",")
		}
	}
	return ""
}

// request checks that everything a client could send under base is still
// accepted: no new required field, no narrower type, enum or bound.
func (c *checker) request(where string, bref, oref *openapi3.SchemaRef) {
	b, o := flatten(bref), flatten(oref)
	if b == nil || o == nil || c.enter(b.s, o.s) {
		return
	}
	defer c.leave(b.s, o.s)
	bt, ot := typeOf(b), typeOf(o)
	if bt != ot && ot != "" && !(bt == "integer" && ot == "number") {
		c.addf("%s: type narrowed from %q to %q", where, bt, ot)
		return
	}
	if len(o.s.Enum) > 0 {
		for _, v := range b.s.Enum {
			if !slices.Contains(o.s.Enum, v) {
				c.addf("%s: value %v no longer accepted", where, v)
			}
		}
		if len(b.s.Enum) == 0 {
			c.addf("%s: values restricted to an enum", where)
		}
	}
	if o.s.MaxLength != nil && (b.s.MaxLength == nil || *o.s.MaxLength < *b.s.MaxLength) {
		c.addf("%s: maxLength narrowed", where)
	}
	if o.s.Max != nil && (b.s.Max == nil || *o.s.Max < *b.s.Max) {
		c.addf("%s: maximum narrowed", where)
	}
	if o.s.Min != nil && (b.s.Min == nil || *o.s.Min > *b.s.Min) {
		c.addf("%s: minimum narrowed", where)
	}
	for _, n := range o.required {
		if !slices.Contains(b.required, n) {
			c.addf("%s: field %s became required", where, n)
		}
	}
	for n, bp := range b.props {
		if op, ok := o.props[n]; ok {
			c.request(where+"."+n, bp, op)
		}
	}
	if b.s.Items != nil && o.s.Items != nil {
		c.request(where+"[]", b.s.Items, o.s.Items)
	}
	c.alternatives(where, b.s, o.s, c.request)
}

// response checks that everything a client could read under base is still
// there: no removed field, no field that was always present made optional,
// no changed type.
func (c *checker) response(where string, bref, oref *openapi3.SchemaRef) {
	b, o := flatten(bref), flatten(oref)
	if b == nil {
		return // nothing was promised
	}
	if o == nil {
		c.addf("%s: schema removed", where)
		return
	}
	if c.enter(b.s, o.s) {
		return
	}
	defer c.leave(b.s, o.s)
	if bt, ot := typeOf(b), typeOf(o); bt != ot && bt != "" && !(bt == "number" && ot == "integer") {
		c.addf("%s: type changed from %q to %q", where, bt, ot)
		return
	}
	for n, bp := range b.props {
		op, ok := o.props[n]
		if !ok {
			c.addf("%s: field %s removed", where, n)
			continue
		}
		if slices.Contains(b.required, n) && !slices.Contains(o.required, n) {
			c.addf("%s: field %s no longer always present", where, n)
		}
		c.response(where+"."+n, bp, op)
	}
	if b.s.Items != nil {
		if o.s.Items == nil {
			c.addf("%s: items removed", where)
		} else {
			c.response(where+"[]", b.s.Items, o.s.Items)
		}
	}
	c.alternatives(where, b.s, o.s, c.response)
}

// alternatives compares oneOf/anyOf members by position; oneOf and anyOf are
// one thing to a client (it reads whichever member matches).
func (c *checker) alternatives(where string, b, o *openapi3.Schema, check func(string, *openapi3.SchemaRef, *openapi3.SchemaRef)) {
	bm, om := append(slices.Clone(b.OneOf), b.AnyOf...), append(slices.Clone(o.OneOf), o.AnyOf...)
	for i := range bm {
		if i >= len(om) {
			c.addf("%s: alternative %d removed", where, i+1)
			continue
		}
		check(fmt.Sprintf("%s<%d>", where, i+1), bm[i], om[i])
	}
}

// enter stops the walk from going round a recursive schema: it reports
// whether the pair is already being compared further up.
func (c *checker) enter(b, o *openapi3.Schema) bool {
	k := [2]*openapi3.Schema{b, o}
	if c.seen[k] {
		return true
	}
	c.seen[k] = true
	return false
}

func (c *checker) leave(b, o *openapi3.Schema) { delete(c.seen, [2]*openapi3.Schema{b, o}) }
