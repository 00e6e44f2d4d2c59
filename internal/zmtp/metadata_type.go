package zmtp

import "strings"

// Property is one metadata property: a name (case-insensitive, at most 255
// bytes) and a value.
type Property struct {
	Name  string
	Value string
}

// Metadata is the property list of a READY or INITIATE command, in the order
// the peer sent it.
type Metadata []Property

// Get returns the value of the named property; names compare without regard
// to case, as RFC 37 says.
func (m Metadata) Get(name string) (string, bool) {
	for _, p := range m {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}
