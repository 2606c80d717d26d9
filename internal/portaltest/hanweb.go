package portaltest

import (
	"embed"
	"io/fs"
)

// hanwebFixtures holds a column of a Hanweb (大汉) portal (hanweb/), written
// by hand after the shape of real jpage columns (see ../shared/DOMAIN.md,
// Hanweb).
//
//go:embed hanweb
var hanwebFixtures embed.FS

// HanwebColumn is the column page of the Hanweb fixture tree: 100 records,
// 15 a page and 3 pages a group, so the page carries records 1–45 in its
// <script type="text/xml"><datastore> and the rest come only from
// /module/web/jpage/dataproxy.jsp by POST (startrecord=46&endrecord=90 and
// startrecord=91&endrecord=135, perpage=15, each a file of its own; any
// other range answers an empty datastore). The form the site's script
// would send is col=1, appid=1, webid=7, path=/, columnid=103,
// unitid=4171245, webname=示范市人民政府, permissiontype=0; the fixture
// does not check it (every method is served alike): crawler's tests do.
const HanwebColumn = "/col/col103/index.html"

// HanwebReports are the paths of the reports of the Hanweb column, in
// record order: one in the column page's own records, one more in them, one
// in the second group and one in the third. The other records are notices,
// whose pages the fixture does not have.
var HanwebReports = []string{
	"/art/2025/3/2/art_103_70001.html",
	"/art/2025/3/21/art_103_70020.html",
	"/art/2020/3/7/art_103_70060.html",
	"/art/2017/3/15/art_103_70095.html",
}

// Hanweb returns the fixture tree of the Hanweb column (HanwebColumn), as
// an fs.FS for NewServer.
func Hanweb() fs.FS {
	sub, err := fs.Sub(hanwebFixtures, "hanweb")
	if err != nil {
		panic(err) // the embedded tree has the folder
	}
	return sub
}
