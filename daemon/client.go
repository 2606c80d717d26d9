package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client talks to a running daemon's API: `nianbao crawl --wait` uses it to
// have the daemon, the archive's one writer, crawl for it.
type Client struct {
	// BaseURL is the daemon's address, as "http://127.0.0.1:8427".
	BaseURL string
	// Token is sent with POSTs when set.
	Token string
	// HTTP is the client to use (nil: one with a 30 s timeout per request).
	HTTP *http.Client
	// Poll is how often Wait asks for the run's status (0: 500 ms).
	Poll time.Duration
}

// NewClient returns a client for a daemon listening on listen (a host:port
// as the lock file names it). A daemon listening on every interface
// (0.0.0.0, ::, or no host) is reached on loopback.
func NewClient(listen, token string) *Client {
	host, port, err := net.SplitHostPort(listen)
	if err == nil {
		switch host {
		case "", "0.0.0.0":
			host = "127.0.0.1"
		case "::":
			host = "::1"
		}
		listen = net.JoinHostPort(host, port)
	}
	return &Client{BaseURL: "http://" + listen, Token: token}
}

func (c *Client) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// Crawl asks the daemon to crawl a site now and returns the run to wait
// for: the new one, or the one already going (the daemon never runs a site
// twice at once, and a run going now is as fresh a crawl as a new one).
func (c *Client) Crawl(ctx context.Context, site string) (RunInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/api/sites/"+url.PathEscape(site)+"/crawl", nil)
	if err != nil {
		return RunInfo{}, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return RunInfo{}, fmt.Errorf("ask the daemon at %s to crawl %s: %w", c.BaseURL, site, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return RunInfo{}, fmt.Errorf("ask the daemon at %s to crawl %s: %w", c.BaseURL, site, err)
	}
	switch resp.StatusCode {
	case http.StatusAccepted:
		var r RunInfo
		if err := json.Unmarshal(body, &r); err != nil || r.ID == "" {
			return RunInfo{}, fmt.Errorf("the daemon at %s answered a crawl of %s with %q", c.BaseURL, site, truncate(body))
		}
		return r, nil
	case http.StatusConflict:
		var eb errorBody
		if err := json.Unmarshal(body, &eb); err == nil && eb.Run != nil {
			return *eb.Run, nil
		}
	}
	return RunInfo{}, &APIError{Status: resp.StatusCode, Msg: apiMessage(body)}
}

// Runs lists a site's recent runs, newest first.
func (c *Client) Runs(ctx context.Context, site string) ([]RunInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+"/api/runs?site="+url.QueryEscape(site), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("ask the daemon at %s for the runs of %s: %w", c.BaseURL, site, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return nil, &APIError{Status: resp.StatusCode, Msg: apiMessage(body)}
	}
	var rr RunsResponse
	if err := json.NewDecoder(resp.Body).Decode(&rr); err != nil {
		return nil, fmt.Errorf("the daemon at %s: runs of %s: %w", c.BaseURL, site, err)
	}
	return rr.Runs, nil
}

// Wait polls the daemon until the run is over and returns it.
func (c *Client) Wait(ctx context.Context, site, id string) (RunInfo, error) {
	poll := c.Poll
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		runs, err := c.Runs(ctx, site)
		if err != nil {
			if ctx.Err() != nil {
				return RunInfo{}, ctx.Err()
			}
			return RunInfo{}, err
		}
		found := false
		for _, r := range runs {
			if r.ID == id {
				if r.Done() {
					return r, nil
				}
				found = true
			}
		}
		if !found {
			return RunInfo{}, fmt.Errorf("the daemon at %s no longer lists run %s of %s", c.BaseURL, id, site)
		}
		select {
		case <-ctx.Done():
			return RunInfo{}, ctx.Err()
		case <-t.C:
		}
	}
}

// APIError is an answer of the daemon other than the one expected.
type APIError struct {
	Status int
	Msg    string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("the daemon answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
}

// IsUnknownSite reports whether err says the daemon has no such site.
func IsUnknownSite(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

func apiMessage(body []byte) string {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		return eb.Error
	}
	return truncate(body)
}

func truncate(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
