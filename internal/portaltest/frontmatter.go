package portaltest

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// frontMatterPrefix starts the optional first line of a fixture file.
const frontMatterPrefix = "<!-- portaltest:"

// frontMatter is the parsed first line of a fixture file.
type frontMatter struct {
	gbk         bool          // encoding=gbk: serve the UTF-8 file as GBK bytes
	contentType string        // content-type="…": exact Content-Type header
	status      int           // status=NNN: response status (default 200)
	location    string        // location="…": Location header, for redirects
	delay       time.Duration // delay=2s: wait this long before answering
	fail        int           // fail=N: answer the first N requests with failStatus
	failStatus  int           // fail-status=NNN: the status of those failures (default 503)
	retryAfter  string        // retry-after="…": a Retry-After header
	drip        time.Duration // drip=1s: send the body one byte per interval
	disposition string        // content-disposition="…": a Content-Disposition header
	headerGBK   bool          // header-encoding=gbk: send header values as GBK bytes
}

// parseFrontMatter splits content into its front matter and the body to serve.
// A file without front matter is served as it is. An unknown key or a bad value
// is an error, so that a typo in a fixture fails loudly instead of being served.
func parseFrontMatter(content []byte) (frontMatter, []byte, error) {
	fm := frontMatter{status: http.StatusOK}
	if !bytes.HasPrefix(content, []byte(frontMatterPrefix)) {
		return fm, content, nil
	}
	line, body, _ := bytes.Cut(content, []byte("\n"))
	inner, ok := bytes.CutSuffix(bytes.TrimRight(line, "\r"), []byte("-->"))
	if !ok {
		return fm, nil, fmt.Errorf("front matter: line does not end with -->")
	}
	kvs, err := splitFields(string(inner[len(frontMatterPrefix):]))
	if err != nil {
		return fm, nil, fmt.Errorf("front matter: %w", err)
	}
	for _, kv := range kvs {
		key, val := kv[0], kv[1]
		switch key {
		case "encoding":
			switch strings.ToLower(val) {
			case "gbk":
				fm.gbk = true
			case "utf-8", "utf8":
				fm.gbk = false
			default:
				return fm, nil, fmt.Errorf("front matter: encoding %q: want gbk or utf-8", val)
			}
		case "content-type":
			if val == "" {
				return fm, nil, fmt.Errorf("front matter: empty content-type")
			}
			fm.contentType = val
		case "status":
			n, err := strconv.Atoi(val)
			if err != nil || n < 100 || n > 999 {
				return fm, nil, fmt.Errorf("front matter: status %q: want a number from 100 to 999", val)
			}
			fm.status = n
		case "location":
			fm.location = val
		case "delay":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 {
				return fm, nil, fmt.Errorf("front matter: delay %q: want a duration such as 2s", val)
			}
			fm.delay = d
		case "fail":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return fm, nil, fmt.Errorf("front matter: fail %q: want a number of requests", val)
			}
			fm.fail = n
		case "fail-status":
			n, err := strconv.Atoi(val)
			if err != nil || n < 100 || n > 999 {
				return fm, nil, fmt.Errorf("front matter: fail-status %q: want a number from 100 to 999", val)
			}
			fm.failStatus = n
		case "retry-after":
			if val == "" {
				return fm, nil, fmt.Errorf("front matter: empty retry-after")
			}
			fm.retryAfter = val
		case "drip":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return fm, nil, fmt.Errorf("front matter: drip %q: want a duration such as 1s", val)
			}
			fm.drip = d
		case "content-disposition":
			if val == "" {
				return fm, nil, fmt.Errorf("front matter: empty content-disposition")
			}
			fm.disposition = val
		case "header-encoding":
			switch strings.ToLower(val) {
			case "gbk":
				fm.headerGBK = true
			case "utf-8", "utf8":
				fm.headerGBK = false
			default:
				return fm, nil, fmt.Errorf("front matter: header-encoding %q: want gbk or utf-8", val)
			}
		default:
			return fm, nil, fmt.Errorf("front matter: unknown key %q", key)
		}
	}
	return fm, body, nil
}

// splitFields parses `key=value key="value with spaces"` into pairs. Quoted
// values have no escapes and end at the next double quote.
func splitFields(s string) ([][2]string, error) {
	var out [][2]string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out, nil
		}
		key, rest, ok := strings.Cut(s, "=")
		if !ok || key == "" || strings.ContainsAny(key, " \t\"") {
			return nil, fmt.Errorf("malformed field near %q", s)
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in %s", key)
			}
			val, s = rest[1:1+end], rest[2+end:]
			if s != "" && s[0] != ' ' && s[0] != '\t' {
				return nil, fmt.Errorf("missing space after %s=%q", key, val)
			}
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			val, s = rest[:end], rest[end:]
		}
		out = append(out, [2]string{strings.ToLower(key), val})
	}
}
