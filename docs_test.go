package zmq_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// parsePackage parses the package's own (non-test) Go files.
func parsePackage(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

func packageDoc(t *testing.T) *doc.Package {
	t.Helper()
	fset, files := parsePackage(t)
	p, err := doc.NewFromFiles(fset, files, "github.com/purezmq/zmq")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The package documentation names every error a caller may check for.
func TestPackageDocNamesEveryError(t *testing.T) {
	p := packageDoc(t)
	for _, v := range p.Vars {
		for _, name := range v.Names {
			if strings.HasPrefix(name, "Err") && !regexp.MustCompile(`\b`+name+`\b`).MatchString(p.Doc) {
				t.Errorf("the package doc does not name %s", name)
			}
		}
	}
}

// Msg.String says how it joins frames.
func TestMsgStringDocNamesSeparator(t *testing.T) {
	for _, typ := range packageDoc(t).Types {
		if typ.Name != "Msg" {
			continue
		}
		for _, m := range typ.Methods {
			if m.Name == "String" {
				if !strings.Contains(m.Doc, `"|"`) {
					t.Errorf("Msg.String's doc does not say that frames are joined by \"|\": %q", m.Doc)
				}
				return
			}
		}
	}
	t.Fatal("no Msg.String")
}

// optionFuncs returns the names of the exported functions that return an
// Option, and of those that return an AuthOption.
func optionFuncs(t *testing.T) (socket, auth []string) {
	t.Helper()
	_, files := parsePackage(t)
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
				continue
			}
			switch id, _ := fn.Type.Results.List[0].Type.(*ast.Ident); {
			case id == nil:
			case id.Name == "Option":
				socket = append(socket, fn.Name.Name)
			case id.Name == "AuthOption":
				auth = append(auth, fn.Name.Name)
			}
		}
	}
	return socket, auth
}

// docs/OPTIONS.md has a row for every option, and counts them right.
func TestOptionsDocCountsEveryOption(t *testing.T) {
	raw, err := os.ReadFile("docs/OPTIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	socket, auth := optionFuncs(t)
	m := regexp.MustCompile(`(\d+) socket options and one for the\s+` + "`Authenticator`").FindStringSubmatch(text)
	if m == nil {
		t.Fatal("OPTIONS.md does not say how many options there are")
	}
	if n, _ := strconv.Atoi(m[1]); n != len(socket) || len(auth) != 1 {
		t.Errorf("OPTIONS.md counts %d socket options and one for the Authenticator; the package has %d and %d", n, len(socket), len(auth))
	}
	for _, name := range append(socket, auth...) {
		if !strings.Contains(text, "| `"+name+"(") {
			t.Errorf("OPTIONS.md has no row for %s", name)
		}
	}
}

// The README's steps for using the module from a checkout work: a module
// beside the checkout follows them, offline, and builds the README's example.
func TestReadmeCheckoutSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command")
	}
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	steps := regexp.MustCompile("(?s)<!-- checkout-steps[^>]*-->\n```\n(.*?)```").FindStringSubmatch(readme)
	if steps == nil {
		t.Fatal("README.md has no checkout steps")
	}
	example := regexp.MustCompile("(?s)## Example\n\n```go\n(.*?)```").FindStringSubmatch(readme)
	if example == nil {
		t.Fatal("README.md has no example")
	}
	checkout, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(checkout, filepath.Join(dir, "purezmq")); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	if err := os.Mkdir(app, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(app, "go.mod"), "module example.com/app\n\ngo 1.24\n")
	write(t, filepath.Join(app, "main.go"), example[1])
	// Offline: what the steps need is in the module cache already.
	env := append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOFLAGS=")
	for _, line := range strings.Split(strings.TrimSpace(steps[1]), "\n") {
		run(t, app, env, strings.Fields(line)...)
	}
	run(t, app, env, "go", "build", "-o", os.DevNull, ".")
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
