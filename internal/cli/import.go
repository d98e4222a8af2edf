package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
)

// importIATI reads a donor's published IATI activity file, from disk or
// from the web, as bilateral reports.
func (e *env) importIATI(args []string) error {
	fs, db := newFlagSet("import iati", e)
	pub := iatiPublisherFlags(fs)
	maxSize := byteSize(exchange.DefaultMaxImportSize)
	fs.Var(&maxSize, "max-size", "the largest file to import, such as 512MiB or 2GiB; a larger one is refused")
	strict := fs.Bool("strict", false, "refuse the whole file for one faulty activity; by default it is skipped and the others imported")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"import iati takes one FILE or URL"}
	}
	src, size, err := e.openSource(fs.Arg(0), int64(maxSize))
	if err != nil {
		return err
	}
	defer src.Close()
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Only the services an import needs: the whole program would also
	// compute the sign-in service's 64 MiB password hash at start-up, more
	// memory than the import itself takes.
	country := accounts.Defaults.BeneficiaryCountry
	p := pledges.NewService(s, time.Now, country, nil)
	// The publisher's identifier recognises the organisations of the
	// mechanism's own exported files.
	x, err := exchange.NewService(s, time.Now, country, *pub, p, offers.NewService(s, time.Now, p), lessons.NewService(s, time.Now))
	if err != nil {
		return err
	}
	x.SetMaxImportSize(int64(maxSize))
	bar := e.progressBar(size)
	res, err := x.ImportIATIAsSystem(e.ctx, src, exchange.ImportOptions{Strict: *strict, Progress: bar.update})
	bar.finish()
	var fe *exchange.FileError
	if errors.As(err, &fe) {
		fmt.Fprintf(e.stderr, "cyberaid: %s was refused; nothing was imported:\n", fs.Arg(0))
		for _, le := range fe.Errors {
			fmt.Fprintf(e.stderr, "  %s\n", le)
		}
		return errRefused
	}
	if err != nil {
		return err
	}
	writeImportReport(e.stdout, e.stderr, res)
	return nil
}

// errRefused ends the command with status 1 once the reasons are printed.
var errRefused = errors.New("import refused")

// fetchTimeout bounds the download of an IATI file, body included.
var fetchTimeout = 10 * time.Minute

// fetchTransport carries downloads; nil is http.DefaultTransport. Tests
// set one that trusts their own TLS server.
var fetchTransport http.RoundTripper

// httpsOnly refuses to follow a redirect off HTTPS.
func httpsOnly(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to %s: only https:// URLs are fetched", req.URL.Redacted())
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// openSource opens a file or fetches a URL over HTTPS; size is -1 when
// unknown. A file or download larger than maxSize is refused; the import
// counts the bytes it reads as well, whatever a server announced.
func (e *env) openSource(name string, maxSize int64) (io.ReadCloser, int64, error) {
	if lower := strings.ToLower(name); strings.HasPrefix(lower, "http://") {
		return nil, 0, fmt.Errorf("fetch %s: only https:// URLs are fetched, so that the file cannot be changed on its way; use the https:// address, or download the file and import it from disk", name)
	} else if strings.HasPrefix(lower, "https://") {
		req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, name, nil)
		if err != nil {
			return nil, 0, fmt.Errorf("fetch %s: %w", name, err)
		}
		c := &http.Client{Timeout: fetchTimeout, CheckRedirect: httpsOnly, Transport: fetchTransport}
		res, err := c.Do(req)
		if err != nil {
			return nil, 0, fmt.Errorf("fetch %s: %w", name, err)
		}
		if res.StatusCode != http.StatusOK {
			res.Body.Close()
			return nil, 0, fmt.Errorf("fetch %s: %s", name, res.Status)
		}
		if res.ContentLength > maxSize {
			res.Body.Close()
			return nil, 0, fmt.Errorf("fetch %s: the file is %d bytes, more than the limit of %s; raise it with --max-size", name, res.ContentLength, byteSize(maxSize))
		}
		return res.Body, res.ContentLength, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	if size > maxSize {
		f.Close()
		return nil, 0, fmt.Errorf("%s is %d bytes, more than the limit of %s; raise it with --max-size", name, size, byteSize(maxSize))
	}
	return f, size, nil
}

// byteSize is a size flag: a number of bytes with an optional unit (KiB,
// MiB, GiB, TiB, or K, M, G, T, all powers of 1024).
type byteSize int64

func (b byteSize) String() string {
	for _, u := range []struct {
		name  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if b > 0 && b%(1<<u.shift) == 0 {
			return strconv.FormatInt(int64(b)>>u.shift, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

func (b *byteSize) Set(s string) error {
	num := strings.TrimRight(s, "KMGTBkmgtib")
	unit := strings.ToUpper(strings.TrimSuffix(strings.TrimSuffix(s[len(num):], "B"), "iB"))
	unit = strings.TrimSuffix(unit, "I")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a size such as 512MiB", s)
	}
	shift := map[string]uint{"": 0, "K": 10, "M": 20, "G": 30, "T": 40}
	sh, ok := shift[unit]
	if !ok || n > (1<<62)>>sh {
		return fmt.Errorf("%q is not a size such as 512MiB", s)
	}
	*b = byteSize(n << sh)
	return nil
}

// progress draws a bar on the terminal while a file is read; on anything
// but a terminal (a pipe, a log file, a test) it draws nothing.
type progress struct {
	w     io.Writer
	size  int64
	drawn bool
}

func (e *env) progressBar(size int64) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{w: f, size: size}
}

func (p *progress) update(read int64) {
	if p.w == nil {
		return
	}
	p.drawn = true
	const width = 40
	if p.size <= 0 {
		fmt.Fprintf(p.w, "\rimporting… %d MB read", read>>20)
		return
	}
	frac := min(float64(read)/float64(p.size), 1)
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d MB", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100, read>>20, p.size>>20)
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// iatiPublisherFlags adds the flags naming who the mechanism's IATI files
// are published as.
func iatiPublisherFlags(fs *flag.FlagSet) *exchange.Publisher {
	var p exchange.Publisher
	fs.StringVar(&p.Ref, "iati-publisher-ref", envOr("CYBERAID_IATI_PUBLISHER_REF", exchange.DefaultPublisher.Ref),
		"the IATI organisation identifier the mechanism's IATI files are published under, as registered with IATI")
	fs.StringVar(&p.Name, "iati-publisher-name", envOr("CYBERAID_IATI_PUBLISHER_NAME", exchange.DefaultPublisher.Name),
		"the name the mechanism's IATI files are published under")
	return &p
}

// writeImportReport prints what was skipped and noted, then the counts per
// outcome and the most frequent reasons.
func writeImportReport(stdout, stderr io.Writer, res exchange.ImportResult) {
	for _, sk := range res.Skips {
		fmt.Fprintf(stderr, "skipped: %s\n", sk)
	}
	if n := res.Skipped - len(res.Skips); n > 0 {
		fmt.Fprintf(stderr, "skipped: %d more activities, counted below\n", n)
	}
	for _, n := range res.Notices {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	fmt.Fprintf(stdout, "%d activities: %d created, %d updated, %d unchanged, %d skipped; %d organisations created\n",
		res.Activities, res.Created, res.Updated, res.Unchanged, res.Skipped, res.Organisations)
	if res.NoEURValue > 0 {
		fmt.Fprintf(stdout, "%d reports kept in their own currency without a euro value (no ECB rate on their dates); they are in no euro total\n", res.NoEURValue)
	}
	if len(res.Reasons) > 0 {
		fmt.Fprintln(stdout, "most frequent reasons:")
		for _, r := range res.Reasons {
			fmt.Fprintf(stdout, "  %6d  %s\n", r.Count, r.Reason)
		}
	}
}
