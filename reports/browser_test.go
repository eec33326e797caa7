//go:build unix

package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corobench/corobench/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browserEnv, set, makes a missing browser a failure rather than a skip
// (.ci/run sets it after installing Chromium).
const browserEnv = "COROBENCH_BROWSER"

// probe goes into a copy of the page, first in its head: it records every
// script error, failed load and blocked fetch, then once the page has
// loaded checks that every image decoded and every table was laid out,
// and writes its verdict into the page for the test to read.
const probe = `<script>
(function () {
  var problems = [];
  window.addEventListener("error", function (e) {
    var el = e.target;
    problems.push(el && el.tagName ? "failed to load: <" + el.tagName.toLowerCase() + "> " + (el.alt || "").slice(0, 60) : "error: " + e.message);
  }, true);
  document.addEventListener("securitypolicyviolation", function (e) {
    problems.push("blocked: " + e.violatedDirective + " " + e.blockedURI);
  });
  var consoleError = console.error;
  console.error = function () {
    problems.push("console.error: " + Array.prototype.join.call(arguments, " "));
    consoleError.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    var images = document.images, tables = document.querySelectorAll("table");
    for (var i = 0; i < images.length; i++) {
      if (!images[i].complete || images[i].naturalWidth === 0) problems.push("image not shown: " + images[i].alt);
    }
    for (var j = 0; j < tables.length; j++) {
      var t = tables[j], box = t.getBoundingClientRect();
      if (t.rows.length < 2 || t.rows[0].cells.length < 2 || box.height <= 0 || box.width <= 0) problems.push("table " + (j + 1) + " not rendered");
    }
    var out = document.createElement("pre");
    out.id = "verdict";
    out.textContent = JSON.stringify({images: images.length, tables: tables.length, problems: problems});
    document.body.appendChild(out);
  });
})();
</script>
`

// TestHTMLInBrowser opens the HTML report in headless Chromium, as a
// reader would open it from a CI artifact: no script error, no blocked or
// failed load, every chart shown and every table laid out.
func TestHTMLInBrowser(t *testing.T) {
	browser := findBrowser(t)
	t.Parallel()
	f := fixture()
	var page bytes.Buffer
	require.NoError(t, HTML(&page, f))
	v := browse(t, browser, page.String())
	assert.Empty(t, v.Problems)
	assert.Equal(t, len(Charts(f)), v.Images, "every chart is an image")
	var md bytes.Buffer
	require.NoError(t, Markdown(&md, f))
	assert.Equal(t, strings.Count(md.String(), "\n|---|"), v.Tables, "every table")
}

// TestBrowserProbeSeesProblems: the probe reports what a reader would see
// go wrong: an image that does not decode, a fetch the page may not make,
// a table with nothing in it.
func TestBrowserProbeSeesProblems(t *testing.T) {
	browser := findBrowser(t)
	t.Parallel()
	var page bytes.Buffer
	require.NoError(t, HTML(&page, &results.File{Version: 1}))
	broken := strings.Replace(page.String(), "</body>", `<img src="data:image/svg+xml;base64,PHN2Zw==" alt="undecodable">
<img src="https://example.invalid/chart.png" alt="remote">
<table><tr><td>alone</td></tr></table>
</body>`, 1)
	v := browse(t, browser, broken)
	all := strings.Join(v.Problems, "\n")
	assert.Contains(t, all, "image not shown: undecodable")
	assert.Contains(t, all, "blocked: img-src")
	assert.Regexp(t, `table \d+ not rendered`, all)
}

// verdict is what the probe found.
type verdict struct {
	Images, Tables int
	Problems       []string
}

// browse loads page, probed, in Chromium and returns the probe's verdict.
func browse(t *testing.T, browser, page string) verdict {
	t.Helper()
	// The page allows no script; its copy allows the probe alone.
	const csp = `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`
	probed := strings.Replace(page, csp, `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`, 1)
	require.NotEqual(t, page, probed, "the page's content security policy")
	probed = strings.Replace(probed, "<head>\n", "<head>\n"+probe, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, HTMLName)
	require.NoError(t, os.WriteFile(path, []byte(probed), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// No network: the browser resolves no name (the page's own policy
	// forbids any fetch), and none of its background services run.
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-breakpad", "--disable-extensions", "--disable-default-apps",
		"--mute-audio", "--no-first-run", "--no-default-browser-check", "--host-resolver-rules=MAP * ~NOTFOUND",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--virtual-time-budget=10000",
		"--dump-dom", "file://"+path)
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=disabled:")
	// Chromium starts helper processes: the whole group ends with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers that outlive it
	}
	require.NoError(t, err, "chromium: %s", stderr.String())

	m := regexp.MustCompile(`<pre id="verdict">(.*?)</pre>`).FindStringSubmatch(stdout.String())
	require.NotNil(t, m, "the page did not finish loading; chromium said: %s", stderr.String())
	var v verdict
	require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &v))
	return v
}

// findBrowser is Chromium's path, or skips the test (fails it when
// browserEnv is set).
func findBrowser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserEnv) != "" {
		t.Fatalf("%s is set and no Chromium is on PATH (apt-get install chromium)", browserEnv)
	}
	t.Skipf("no Chromium on PATH (apt-get install chromium; %s=1 makes this a failure)", browserEnv)
	return ""
}
