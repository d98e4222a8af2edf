package model_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/model"
)

// sentenceLangs are the languages every error sentence is written in.
var sentenceLangs = []string{"en", "uk", "fr"}

// catalogues reads every catalogue file of each language, as the sentences
// of the errors area and all ids of every area.
func catalogues(t *testing.T) (errorsArea, all map[string]map[string]string) {
	t.Helper()
	errorsArea, all = map[string]map[string]string{}, map[string]map[string]string{}
	for _, lang := range sentenceLangs {
		errorsArea[lang], all[lang] = map[string]string{}, map[string]string{}
		names, err := filepath.Glob(filepath.Join("..", "i18n", "locales", "*."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			buf, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(buf, &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for id, v := range m {
				s, _ := v.(string)
				all[lang][id] = s
				if strings.HasPrefix(filepath.Base(name), "errors.") {
					errorsArea[lang][id] = s
				}
			}
		}
	}
	return errorsArea, all
}

// call is one place in the sources that makes an error for people.
type call struct {
	pos, fn, format string
	literalFormat   bool
}

// errorCalls walks the program's sources (not its tests) for the calls
// that word an error: model.Invalid, Broken, Conflict and Code, and the
// fields named by the helpers that pass a field name on to them.
func errorCalls(t *testing.T) (calls []call, fields map[string]string, codes map[string]string) {
	t.Helper()
	fields, codes = map[string]string{}, map[string]string{}
	formatArg := map[string]int{"Invalid": 1, "Broken": 2, "Conflict": 1, "Code": 4}
	fieldArg := map[string]bool{"Invalid": true, "Broken": true, "Code": true, "Text": true, "CleanText": true, "Amount": true, "CodeSet": true, "InvalidMsg": true, "BrokenMsg": true}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				// &model.FieldError{Code: "…"} and &model.Throttled{…}
				// are worded by their code's sentence.
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key, _ := kv.Key.(*ast.Ident)
					lit, _ := kv.Value.(*ast.BasicLit)
					if key == nil || lit == nil || lit.Kind != token.STRING {
						continue
					}
					v, _ := strconv.Unquote(lit.Value)
					switch {
					case key.Name == "Field" && typeName(n.Type) == "Required":
						fields[v] = fset.Position(lit.Pos()).String()
					case key.Name == "Code" && (typeName(n.Type) == "FieldError" || typeName(n.Type) == "Throttled"):
						codes[v] = fset.Position(lit.Pos()).String()
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "model" {
						name = fn.Sel.Name
					}
				case *ast.Ident:
					if f.Name.Name == "model" {
						name = fn.Name
					}
				case *ast.IndexExpr, *ast.IndexListExpr:
					// model.Code[T](…) spelt with its type argument.
				}
				if name == "" {
					// web's required("title", v, "sector", v, …) names fields.
					if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "required" && f.Name.Name == "web" {
						for i := 0; i < len(n.Args); i += 2 {
							if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
								v, _ := strconv.Unquote(lit.Value)
								fields[v] = fset.Position(lit.Pos()).String()
							}
						}
					}
					return true
				}
				if fieldArg[name] && len(n.Args) > 0 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						if v != "" {
							fields[v] = fset.Position(lit.Pos()).String()
						}
					}
				}
				if idArg := map[string]int{"InvalidMsg": 1, "BrokenMsg": 2}[name]; idArg > 0 && len(n.Args) > idArg {
					c := call{pos: fset.Position(n.Pos()).String(), fn: name}
					if lit, ok := n.Args[idArg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						c.format, _ = strconv.Unquote(lit.Value)
						c.literalFormat = true
					}
					calls = append(calls, c)
					return true
				}
				i, ok := formatArg[name]
				if !ok || len(n.Args) <= i {
					return true
				}
				c := call{pos: fset.Position(n.Pos()).String(), fn: name}
				if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					c.format, _ = strconv.Unquote(lit.Value)
					c.literalFormat = true
				}
				calls = append(calls, c)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return calls, fields, codes
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// endsWithError lists the sentences whose last words are another error's
// own sentence (a plan line's refusal, why an amount has no euro value).
var endsWithError = map[string]bool{"error.msg.line_error": true, "error.msg.not_valued": true}

// checkSentence fails unless text is a full sentence: a capital (or a
// quoted value or a filled-in name) first, a full stop, question or
// exclamation mark last.
func checkSentence(t *testing.T, lang, id, text string) {
	t.Helper()
	if strings.TrimSpace(text) == "" {
		t.Errorf("%s: %s is empty", lang, id)
		return
	}
	first, _ := utf8.DecodeRuneInString(text)
	if !unicode.IsUpper(first) && !strings.ContainsRune("“«{", first) && !unicode.IsDigit(first) {
		t.Errorf("%s: %s does not begin a sentence: %q", lang, id, text)
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	if !strings.ContainsRune(".!?", last) && !(endsWithError[id] && strings.HasSuffix(text, "}}")) {
		t.Errorf("%s: %s does not end a sentence: %q", lang, id, text)
	}
}

// TestErrorSentences fails when an error a person may read is not a full
// sentence of the catalogue in every language: each wording the sources
// give Invalid, Broken, Conflict or Code must name a catalogue sentence,
// written in English, Ukrainian and French with the same blanks; each field
// named must have its words; each code of an error built by hand must have
// its sentence.
func TestErrorSentences(t *testing.T) {
	sentences, all := catalogues(t)
	calls, fields, codes := errorCalls(t)
	if len(calls) < 100 {
		t.Fatalf("found only %d error calls; is the walk broken?", len(calls))
	}
	ids := map[string]bool{}
	for _, c := range calls {
		if !c.literalFormat {
			// Code passes its caller's wording on; the caller is checked.
			if c.fn == "Invalid" && strings.HasSuffix(filepath.ToSlash(c.pos), "model/fields.go:63:11") {
				continue
			}
			if strings.Contains(filepath.ToSlash(c.pos), "model/fields.go") {
				continue
			}
			t.Errorf("%s: %s is given a wording that is not a constant; give it one the catalogue words", c.pos, c.fn)
			continue
		}
		id := model.MessageIDOf(c.format)
		if c.fn == "InvalidMsg" || c.fn == "BrokenMsg" {
			id = c.format
		}
		if id == "" {
			t.Errorf("%s: %s(%q) has no catalogue sentence: add it to messageIDs and to errors.{en,uk,fr}.json", c.pos, c.fn, c.format)
			continue
		}
		ids["error.msg."+id] = true
	}
	for id := range sentences["en"] {
		if strings.HasPrefix(id, "error.msg.") || strings.HasPrefix(id, "error.sentinel.") {
			ids[id] = true
		}
	}
	for _, s := range []string{"not_found", "unauthenticated", "forbidden", "rate_limited", "invalid", "rule", "duplicate", "conflict", "method_not_allowed", "too_large", "internal"} {
		ids["error.sentinel."+s] = true
	}
	for id := range ids {
		en, ok := sentences["en"][id]
		if !ok {
			t.Errorf("errors.en.json lacks %s", id)
			continue
		}
		want := placeholders(en)
		for _, lang := range sentenceLangs {
			text, ok := sentences[lang][id]
			if !ok {
				t.Errorf("errors.%s.json lacks %s", lang, id)
				continue
			}
			checkSentence(t, lang, id, text)
			if got := placeholders(text); !slices.Equal(got, want) {
				t.Errorf("%s: %s fills %v, English fills %v", lang, id, got, want)
			}
			if lang != "en" && text == en {
				t.Errorf("%s: %s is not translated: %q", lang, id, text)
			}
		}
	}
	for field, pos := range fields {
		for _, lang := range sentenceLangs {
			if sentences[lang]["error.field."+field] == "" {
				t.Errorf("%s: the field %q has no words in errors.%s.json (error.field.%s)", pos, field, lang, field)
			}
		}
	}
	for code, pos := range codes {
		for _, lang := range []string{"en", "uk"} {
			if _, ok := all[lang]["error.code."+code]; !ok && sentences[lang]["error.sentinel."+code] == "" {
				t.Errorf("%s: the code %q has no sentence in the %s catalogue (error.code.%s)", pos, code, lang, code)
			}
		}
	}
}

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}
