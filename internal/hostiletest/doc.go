// Package hostiletest serves hostile and broken answers on 127.0.0.1, in
// the style of net/http/httptest, so that tests — and the table of hostile
// inputs in the README (`go test ./cmd/nianbao -run HostileTable -v`) —
// can crawl what a malicious or broken portal sends without the network.
//
// # Nouns
//
//   - A Case is one hostile answer a report link can lead to: a gzip bomb
//     under each way of saying "gzip", a deflate bomb, an unknown coding, an
//     endless page, pages of tag soup over the parser's budget, a redirect
//     off the site. Cases lists them with the outcome nianbao must give.
//   - The Handler serves a list page (/list.html, or /list.html?case=NAME
//     for one case) linking to every case (/r/<case>.html, each titled like
//     a report so that a crawl fetches it), the cases themselves, a list of
//     an ordinary report and one under /private/ (/robots-list.html), and a
//     robots.txt whose behaviour is set by Robots: an ordinary file that
//     disallows /private/, an endless one, gzip bombs, or one that stalls
//     mid-body.
//   - A Server is a Handler behind an httptest.Server on 127.0.0.1, closed
//     by t.Cleanup.
//
// Bombs are compressed on the fly while the client reads, so a client that
// stops at its limit costs the server as little as it costs the client, and
// one that does not stop would read Bomb bytes (10 GiB) of zeros.
package hostiletest
