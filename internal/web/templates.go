package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// shared are parsed into every page: the layout and the partials it and the
// pages call.
var shared = []string{"layout.html", "partials.html", "record_extras.html", "list_partials.html"}

// loadTemplates parses every page once per language, into one set per
// language. Binding the language at parse time lets templates call
// {{t "id"}} without threading a localizer through every partial, and
// costs only one set per catalogue. Each page's own templates are named
// after it ("offers/content"), so that the pages share one copy of the
// layout and partials: a set cloned per page held 36 MB of parse trees,
// more than half of a fresh server's heap. The map is keyed "lang/page";
// the pages of a language share its set.
func (s *Server) loadTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, lang := range i18n.Languages() {
		funcs := s.funcs(s.i18n.For(lang))
		set := template.New("layout").Funcs(funcs)
		for _, f := range shared {
			if set, err = set.ParseFS(templateFS, "templates/"+f); err != nil {
				return nil, fmt.Errorf("templates: %w", err)
			}
		}
		for _, n := range names {
			file := path.Base(n)
			if slices.Contains(shared, file) {
				continue
			}
			page := strings.TrimSuffix(file, ".html")
			// Parsed alone, then added under the page's names: parsing
			// does not resolve the partials a page calls.
			alone, err := template.New(file).Funcs(funcs).ParseFS(templateFS, n)
			if err != nil {
				return nil, fmt.Errorf("templates: %w", err)
			}
			own := map[string]bool{}
			for _, t := range alone.Templates() {
				// A page's template of a partial's name would not replace
				// the partial where the layout calls it, as it did when each
				// page had a set of its own: refused rather than ignored.
				if t.Name() != file && set.Lookup(t.Name()) != nil {
					return nil, fmt.Errorf("templates: %s defines %q, which the shared templates define", file, t.Name())
				}
				own[t.Name()] = true
			}
			for _, t := range alone.Templates() {
				if t.Tree == nil {
					continue
				}
				renameCalls(t.Tree.Root, page, own)
				if _, err := set.AddParseTree(page+"/"+t.Name(), t.Tree); err != nil {
					return nil, fmt.Errorf("templates: %s: %w", file, err)
				}
			}
			if set.Lookup(page+"/content") == nil {
				return nil, fmt.Errorf("templates: %s defines no content", file)
			}
			out[lang+"/"+page] = set
		}
	}
	return out, nil
}

// renameCalls names the calls in n of the templates a page defines (own)
// as the page's set names them.
func renameCalls(n parse.Node, page string, own map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			renameCalls(c, page, own)
		}
	case *parse.TemplateNode:
		if own[n.Name] {
			n.Name = page + "/" + n.Name
		}
	case *parse.IfNode:
		renameCalls(n.List, page, own)
		renameCalls(n.ElseList, page, own)
	case *parse.RangeNode:
		renameCalls(n.List, page, own)
		renameCalls(n.ElseList, page, own)
	case *parse.WithNode:
		renameCalls(n.List, page, own)
		renameCalls(n.ElseList, page, own)
	}
}

// funcs are the template functions, bound to one language.
func (s *Server) funcs(l *i18n.Localizer) template.FuncMap {
	lang := l.Lang()
	tag := language.Make(lang)
	return template.FuncMap{
		// t translates; extra arguments are name/value pairs for the
		// message ("Count" picks the plural form).
		"t": func(id string, kv ...any) (string, error) {
			data, err := pairs(kv)
			if err != nil {
				return "", fmt.Errorf("t %q: %w", id, err)
			}
			return l.T(id, data), nil
		},
		// label names a code: label "sector" "energy" is the text of "sector.energy".
		"label": func(kind string, code any) string {
			c := fmt.Sprint(code)
			if c == "" {
				return ""
			}
			return l.T(kind + "." + c)
		},
		"codes":  codes,
		"static": s.static.URL,
		"money":  func(amount int64, code string) string { return money.Format(amount, code, lang) },
		"eur":    func(amount int64) string { return money.Format(amount, "EUR", lang) },
		// rate writes an ECB rate with the reader's decimal separator.
		"rate":    func(r string) string { return strings.Replace(r, ".", l.T("number.decimal_separator"), 1) },
		"instant": func(t time.Time) string { return formatInstant(l, t) },
		"date": func(d model.Date) string {
			if d.IsZero() {
				return "—"
			}
			return d.String()
		},
		"num":     l.Number,
		"percent": func(permille int) string { return percentText(l, int64(permille)) },
		"share":   share,
		"tlpClass": func(t any) string {
			return "tlp tlp-" + strings.ReplaceAll(fmt.Sprint(t), "+", "-")
		},
		// action names an audit action; one no catalogue knows yet shows its code.
		"action": func(a string) string {
			if id := "audit.action." + a; l.Has(id) {
				return l.T(id)
			}
			return a
		},
		"country": func(code string) string {
			if code == "" {
				return "—"
			}
			r, err := language.ParseRegion(code)
			if err != nil {
				return code
			}
			if n := display.Regions(tag).Name(r); n != "" {
				return n
			}
			return code
		},
		"regions":  func() []region { return regionsFor(l) },
		"problems": problemsOf,
		// amountExample is an amount as the reader writes numbers, for
		// the hint of an amount field.
		"amountExample": func() string { return money.AmountExample(l.Lang()) },
		// orgName is an organisation's name in the reader's language.
		"orgName": func(o model.Organisation) string { return o.NameIn(lang) },
		"dict": func(kv ...any) (map[string]any, error) {
			return pairs(kv)
		},
		// abbr is an organisation's short name for a compact row; the full
		// name goes in its title and on the detail page.
		"abbr": model.ShortName,
		"short": func(h string) string {
			if len(h) > 12 {
				return h[:12] + "…"
			}
			return h
		},
	}
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	}
	return 0
}

func pairs(kv []any) (map[string]any, error) {
	if len(kv) == 0 {
		return nil, nil
	}
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("argument %d is not a name", i)
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// formatInstant writes an instant in UTC, labelled: without JavaScript the
// server cannot know the reader's time zone, and an unlabelled time in an
// international group would be read wrongly by someone.
func formatInstant(l *i18n.Localizer, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	return l.T("date.instant", map[string]any{
		"Day": t.Day(), "Month": l.T(fmt.Sprintf("date.month.%d", t.Month())), "Year": t.Year(),
		"Time": t.Format("15:04"),
	})
}

// share is the width, in percent of a bar, of value against max.
func share(v, m any) string {
	value, max := toInt64(v), toInt64(m)
	if max <= 0 || value <= 0 {
		return "0"
	}
	if value >= max {
		return "100"
	}
	return strconv.FormatFloat(float64(value)*100/float64(max), 'f', 2, 64)
}

// codeLists are the codes a label helper names, by the prefix of their
// message ids; the catalogue test checks every one of them.
var codeLists = map[string]func() []string{
	"status":        func() []string { return strs(model.RequirementStatuses) },
	"pledge_status": func() []string { return strs(model.PledgeStatuses) },
	"sector":        func() []string { return strs(model.Sectors) },
	"category":      func() []string { return strs(model.Categories) },
	"line":          func() []string { return strs(model.Lines) },
	"priority":      func() []string { return strs(model.Priorities) },
	"tlp":           func() []string { return strs(model.TLPs) },
	"role":          func() []string { return strs(model.Roles) },
	"kind":          func() []string { return strs(model.OrgKinds) },
	"participation": func() []string { return strs(model.Participations) },
	"coverage": func() []string {
		return strs([]model.Coverage{model.CoverageNone, model.CoveragePartial, model.CoverageCovered, model.CoverageOver})
	},
	"pledge_kind": func() []string { return strs([]model.PledgeKind{model.PledgeMoney, model.PledgeInKind}) },
	"channel":     func() []string { return strs([]model.Channel{model.ChannelMechanism, model.ChannelBilateral}) },
	"review": func() []string {
		return strs([]model.Review{model.ReviewNotRequired, model.ReviewPending, model.ReviewApproved, model.ReviewRejected})
	},
	"decision": func() []string {
		return strs([]model.ValidationDecision{model.DecisionApprove, model.DecisionReturn, model.DecisionReject})
	},
	"tlp_hint": func() []string { return strs(model.TLPs) },
	"decision_done": func() []string {
		return strs([]model.ValidationDecision{model.DecisionApprove, model.DecisionReturn, model.DecisionReject})
	},
	"line_hint":           func() []string { return strs(model.Lines) },
	"pledge_kind_hint":    func() []string { return strs([]model.PledgeKind{model.PledgeMoney, model.PledgeInKind}) },
	"channel_hint":        func() []string { return strs([]model.Channel{model.ChannelMechanism, model.ChannelBilateral}) },
	"participation_group": func() []string { return strs(model.Participations) },
	"participation_hint":  func() []string { return strs(model.Participations) },
	"role_hint":           func() []string { return strs(model.Roles) },
	"object":              func() []string { return auditObjects },
	"region": func() []string {
		out := make([]string, len(model.Regions))
		for i, r := range model.Regions {
			out[i] = r.Code
		}
		return out
	},
	"lang":         i18n.Languages,
	"audit.action": func() []string { return auditActions },
}

// auditActions are the actions the domain records today; the catalogue
// test holds the catalogue to them.
var auditActions = []string{
	"requirement.create", "requirement.update", "requirement.submit", "requirement.validate",
	"requirement.withdraw", "requirement.share", "pledge.create", "pledge.update", "pledge.confirm",
	"pledge.withdraw", "pledge.review", "organisation.create", "organisation.update",
	"user.create", "session.start", "token.issue", "token.revoke",
}

func codes(kind string) ([]string, error) {
	f, ok := codeLists[kind]
	if !ok {
		return nil, fmt.Errorf("codes: no list %q", kind)
	}
	return f(), nil
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

type region struct{ Code, Name string }

// regionsFor lists the oblasts by their name in the reader's language, in
// that language's alphabetical order.
func regionsFor(l *i18n.Localizer) []region {
	out := make([]region, len(model.Regions))
	for i, r := range model.Regions {
		out[i] = region{r.Code, l.T("region." + r.Code)}
	}
	c := collate.New(language.Make(l.Lang()))
	slices.SortFunc(out, func(a, b region) int { return c.CompareString(a.Name, b.Name) })
	return out
}

// staticFiles serves the embedded stylesheet and images. Their URLs carry a
// hash of the content, so a browser may keep a file for a year and still
// never use a stale one after an upgrade.
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body  []byte
	hash  string
	ctype string
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		sf.files[strings.TrimPrefix(p, "static/")] = staticFile{body: body, hash: hex.EncodeToString(sum[:])[:16], ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: %w", err)
	}
	return sf, nil
}

// URL is the cache-busting address of a static file; an unknown name is an
// error, so that a template naming a missing file fails its test.
func (sf *staticFiles) URL(name string) (string, error) {
	f, ok := sf.files[name]
	if !ok {
		return "", fmt.Errorf("static: no file %q", name)
	}
	return "/static/" + name + "?v=" + f.hash, nil
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := sf.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or missing hash: serve the current file, but let no cache
		// keep it under an address that does not name its content.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}
