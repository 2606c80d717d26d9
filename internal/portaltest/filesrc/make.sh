#!/bin/sh
# make.sh rebuilds the attachment files of the files portal (../files/) from
# the HTML sources here, with real tools from Debian 12:
#   libreoffice-writer-nogui 7.4 (PDF, DOCX, DOC), python3-reportlab 3.6
#   (a PDF with a non-embedded CID font, as older portals publish),
#   poppler-utils 22.12 (pdftoppm) and img2pdf (a scanned PDF: an image,
#   no text layer); fonts-noto-cjk and fonts-wqy-zenhei.
# The files are committed; this script is only for changing them.
set -eu
cd "$(dirname "$0")"
out=$(mktemp -d)
lo="soffice --headless -env:UserInstallation=file://$out/profile"
$lo --convert-to pdf:writer_web_pdf_Export --outdir "$out" a-fzzf-2023.html >/dev/null
$lo --convert-to 'docx:MS Word 2007 XML' --outdir "$out" b-xxgk-2023.html >/dev/null
$lo --convert-to 'doc:MS Word 97' --outdir "$out" d-fzzf-2021.html >/dev/null
$lo --convert-to 'doc:MS Word 97' --outdir "$out" e-tables-2021.html >/dev/null
/usr/bin/python3 stsong.py c-fzzf-2022.html "$out/c-fzzf-2022.pdf"
pdftoppm -r 60 -gray -png -singlefile "$out/c-fzzf-2022.pdf" "$out/scan"
img2pdf --pagesize A4 -o "$out/scan.pdf" "$out/scan.png"
dst=../files/fzzf
mkdir -p "$dst/202403" "$dst/202303" "$dst/202203" "$dst/202103"
cp "$out/a-fzzf-2023.pdf" "$dst/202403/P020240301123456789.pdf"
cp "$out/b-xxgk-2023.docx" "$dst/202403/P020240302000000001.docx"
cp "$out/c-fzzf-2022.pdf" "$dst/202303/P020230301000000003.pdf"
cp "$out/d-fzzf-2021.doc" "$dst/202203/P020220301000000005.doc"
cp "$out/e-tables-2021.doc" "$dst/202203/P020220301000000006.wps"
cp "$out/scan.pdf" "$dst/202103/P020210301000000007.pdf"


# How the portal serves some of them, as real portals do: front matter
# (see the portaltest package) prepended to the bytes.
fm() { # file, front matter keys
	f=$1; shift
	{ printf '<!-- portaltest: %s -->\n' "$*"; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
}
fm "$dst/202203/P020220301000000005.doc" 'content-type="application/octet-stream" content-disposition="attachment; filename=江北区2021年度法治政府建设情况报告.doc" header-encoding=gbk'
fm "$dst/202203/P020220301000000006.wps" 'content-type="application/kswps"'
cp "$dst/202303/P020230301000000003.pdf" "$dst/202203/P020220301000000008.pdf"
fm "$dst/202203/P020220301000000008.pdf" 'content-type="text/html"'
rm -rf "$out"
# A ZIP of other material, which nianbao does not read.
/usr/bin/python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("说明.txt","相关材料"); z.close()' "$dst/202203/P020220301000000009.zip"
# The OFD: no OFD producer is packaged in Debian; this is the attachment
# package's test file (attachment/testdata/gen_ofd.go says how it is made),
# served behind a download endpoint with a GBK file name.
cp ../../../attachment/testdata/report.ofd "$dst/downfile.jsp%3Ffileid=4004"
fm "$dst/downfile.jsp%3Ffileid=4004" 'content-type="application/octet-stream" content-disposition="attachment;filename=江北区2022年度法治政府建设情况报告.ofd" header-encoding=gbk'
/usr/bin/python3 pages.py
