package zmq_test

import (
	"bufio"
	"go/ast"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// parityRow is one row of docs/LIBZMQ-PARITY.md.
type parityRow struct {
	name, purezmq, status, tests string
	line                         int
}

func readParityTable(t *testing.T) []parityRow {
	t.Helper()
	f, err := os.Open("docs/LIBZMQ-PARITY.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `((?:ZMQ|zmq)_[A-Za-z0-9_]+)` \\|(.*)\\|(.*)\\|(.*)\\|$")
	var rows []parityRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			rows = append(rows, parityRow{m[1], strings.TrimSpace(m[2]), strings.TrimSpace(m[3]), strings.TrimSpace(m[4]), n})
		}
	}
	return rows
}

// zmqNames are the names of libzmq 4.3.5's zmq.h that the table covers.
func zmqNames(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("testdata/libzmq-4.3.5-names.txt")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			names[l] = true
		}
	}
	return names
}

// packageNames are the package's exported names: functions, types,
// constants and variables, and methods as Type.Method; and for each
// function that declares an option, the libzmq names it declares.
func packageNames(t *testing.T) (names map[string]bool, declared map[string]string) {
	t.Helper()
	_, files := parsePackage(t)
	names, declared = map[string]bool{}, map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil {
					typ := d.Recv.List[0].Type
					if star, ok := typ.(*ast.StarExpr); ok {
						typ = star.X
					}
					name = typ.(*ast.Ident).Name + "." + name
				}
				names[name] = true
				ast.Inspect(d, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if id, isID := func() (*ast.Ident, bool) {
						if !ok {
							return nil, false
						}
						id, isID := call.Fun.(*ast.Ident)
						return id, isID
					}(); isID && id.Name == "declare" && len(call.Args) > 1 {
						if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							declared[name], _ = strconv.Unquote(lit.Value)
						}
					}
					return true
				})
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, f := range st.Fields.List {
								for _, n := range f.Names {
									names[s.Name.Name+"."+n.Name] = true
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names, declared
}

// testNames are the Test functions of every package of the repository,
// interop/ included.
func testNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(raw), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// aliases are libzmq's other names for an option, which the With function
// declares under its main name.
var aliases = map[string]string{
	"ZMQ_IDENTITY":                "ZMQ_ROUTING_ID",
	"ZMQ_CONNECT_RID":             "ZMQ_CONNECT_ROUTING_ID",
	"ZMQ_DELAY_ATTACH_ON_CONNECT": "ZMQ_IMMEDIATE",
	"ZMQ_FAIL_UNROUTABLE":         "ZMQ_ROUTER_MANDATORY",
	"ZMQ_ROUTER_BEHAVIOR":         "ZMQ_ROUTER_MANDATORY",
	"ZMQ_IPV4ONLY":                "ZMQ_IPV4ONLY",
}

// docs/LIBZMQ-PARITY.md has one row for each name of libzmq 4.3.5's zmq.h
// and no other; each row's status is yes, no or later with a reason; each
// Go name it cites exists; each test it cites exists; and a supported
// option's With function declares the row's libzmq name.
func TestParityTable(t *testing.T) {
	rows := readParityTable(t)
	want := zmqNames(t)
	goNames, declared := packageNames(t)
	tests := testNames(t)
	seen := map[string]bool{}
	goName := regexp.MustCompile("`([A-Z][A-Za-z0-9]*(?:\\.[A-Z][A-Za-z0-9]*)?)`")
	testName := regexp.MustCompile("`(Test\\w+)`")
	for _, r := range rows {
		where := "LIBZMQ-PARITY.md:" + strconv.Itoa(r.line) + ": " + r.name
		if seen[r.name] {
			t.Errorf("%s: a second row", where)
		}
		seen[r.name] = true
		if !want[r.name] {
			t.Errorf("%s: not a name of libzmq 4.3.5's zmq.h", where)
		}
		supported := r.status == "yes" || strings.HasPrefix(r.status, "yes (")
		if !supported && !regexp.MustCompile(`^(no|later): \S`).MatchString(r.status) {
			t.Errorf("%s: status %q is not yes, \"no: reason\" or \"later: reason\"", where, r.status)
		}
		if supported && r.tests == "" {
			t.Errorf("%s: supported, but no test named", where)
		}
		for _, m := range goName.FindAllStringSubmatch(r.purezmq+" "+r.status, -1) {
			if strings.HasPrefix(m[1], "Test") {
				continue
			}
			if !goNames[m[1]] {
				t.Errorf("%s: the package has no %s", where, m[1])
			}
		}
		for _, m := range testName.FindAllStringSubmatch(r.tests+" "+r.status, -1) {
			if !tests[m[1]] {
				t.Errorf("%s: no test %s", where, m[1])
			}
		}
		if !supported || !strings.HasPrefix(r.name, "ZMQ_") {
			continue
		}
		for _, m := range goName.FindAllStringSubmatch(r.purezmq, -1) {
			libzmq, isOption := declared[m[1]]
			if !isOption {
				continue
			}
			name := r.name
			if alias, ok := aliases[name]; ok {
				name = alias
			}
			if !strings.Contains(", "+libzmq+",", " "+name+",") {
				t.Errorf("%s: %s declares %q, not %s", where, m[1], libzmq, name)
			}
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("LIBZMQ-PARITY.md has no row for %s", name)
		}
	}
	checkParityCounts(t, rows)
}

// checkParityCounts checks the counts the table and the README give.
func checkParityCounts(t *testing.T, rows []parityRow) {
	t.Helper()
	count := map[string]int{}
	for _, r := range rows {
		count[strings.Fields(strings.TrimSuffix(strings.SplitN(r.status, ":", 2)[0], ":"))[0]]++
	}
	doc, _ := os.ReadFile("docs/LIBZMQ-PARITY.md")
	readme, _ := os.ReadFile("README.md")
	for _, c := range []struct {
		file, text string
		re         string
	}{
		{"LIBZMQ-PARITY.md", string(doc), `Counts: (\d+) rows; (\d+) yes, (\d+) no, (\d+) later\.`},
		{"README.md", string(readme), `(?s)(\d+) of (\d+) names supported, (\d+) not meaningful in Go or not built \(with the reason\), (\d+) for later`},
	} {
		m := regexp.MustCompile(c.re).FindStringSubmatch(c.text)
		if m == nil {
			t.Errorf("%s does not give the counts", c.file)
			continue
		}
		got := m[1:]
		if c.file == "README.md" {
			got = []string{m[2], m[1], m[3], m[4]}
		}
		want := []string{strconv.Itoa(len(rows)), strconv.Itoa(count["yes"]), strconv.Itoa(count["no"]), strconv.Itoa(count["later"])}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s counts rows, yes, no, later as %v; the table has %v", c.file, got, want)
		}
	}
}
