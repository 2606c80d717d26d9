package daemon

import (
	"fmt"
	"io"
	"net/http"
	"testing"
)

// BenchmarkPages30k serves the status page, a page of /api/sites and
// /metrics of a daemon with 30,000 site files that never ran, over
// loopback HTTP:
//
//	go test ./daemon -run '^$' -bench Pages30k -benchtime 10x
func BenchmarkPages30k(b *testing.B) {
	files := map[string]string{}
	for i := range 30000 {
		name := fmt.Sprintf("farm-%05d", i)
		files[name+".yaml"] = siteFile(name, "http://127.0.0.1:9/list/", `schedule: "CRON_TZ=Asia/Shanghai 0 3 1 1 *"`, "title: 某县人民政府")
	}
	e := newEnv(b, envOptions{sites: files, discardLogs: true})
	e.start()
	for _, path := range []string{"/", "/api/sites", "/metrics"} {
		b.Run(path, func(b *testing.B) {
			var n int64
			for b.Loop() {
				resp, err := http.Get(e.url + path)
				if err != nil {
					b.Fatal(err)
				}
				n, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
