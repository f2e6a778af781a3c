package depspec

// Distfile is one file named by SRC_URI with the places it can be fetched
// from.
type Distfile struct {
	// Name is the file name in DISTDIR.
	Name string
	// URIs are the elements that fetch Name, in SRC_URI order, without
	// duplicates. A bare file name (fetch-restricted) contributes none.
	URIs []URI
}

// Distfiles returns the files of a parsed SRC_URI under a USE
// configuration, in order of first appearance, like Portage's
// _parse_uri_map: every enabled element is grouped under its file name.
// Pass a use function that returns true for every flag to get all files
// any configuration may need (Portage's matchall).
func Distfiles(n *Node, use func(flag string) bool) []Distfile {
	var out []Distfile
	index := map[string]int{}
	for _, l := range Evaluate(n, use) {
		u := l.URI
		if u == nil {
			continue
		}
		i, ok := index[u.Filename]
		if !ok {
			i = len(out)
			index[u.Filename] = i
			out = append(out, Distfile{Name: u.Filename})
		}
		if u.URL == "" || containsURI(out[i].URIs, *u) {
			continue
		}
		out[i].URIs = append(out[i].URIs, *u)
	}
	return out
}

func containsURI(list []URI, u URI) bool {
	for _, x := range list {
		if x.URL == u.URL && x.Restrict == u.Restrict {
			return true
		}
	}
	return false
}
