#!/bin/sh
# Regenerates the test PDFs in testdata/ from report.py (see ../README.md).
# Needs Debian 12 packages: libreoffice-writer-nogui fonts-wqy-zenhei
# python3-reportlab python3-cairo python3-gi python3-gi-cairo gir1.2-pango-1.0
# python3-pil img2pdf qpdf.
set -eu
cd "$(dirname "$0")"
out=..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3

# 1. LibreOffice export: simple (non-CID) TrueType subsets with ToUnicode, a table.
$PY lo_fodt.py "WenQuanYi Zen Hei" > "$tmp/lo_table.fodt"
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/lo_table.fodt" >/dev/null 2>&1
cp "$tmp/lo_table.pdf" $out/lo_table.pdf

# 2. cairo/pango: Type0 CIDFontType2 (TrueType) Identity-H with ToUnicode.
$PY cairo_pdf.py "$tmp/cairo_cid.pdf" "WenQuanYi Zen Hei"
cp "$tmp/cairo_cid.pdf" $out/cairo_cid.pdf

# 3. reportlab: non-embedded STSong-Light, CMap UniGB-UCS2-H, no ToUnicode.
$PY reportlab_stsong.py $out/stsong_cmap.pdf

# 4. A scan: page 1 of (2) rendered at 96 dpi, 1 bit, as an image-only PDF.
pdftoppm -r 96 -png -f 1 -l 1 -singlefile $out/cairo_cid.pdf "$tmp/scan"
$PY -c "from PIL import Image; Image.open('$tmp/scan.png').convert('1').save('$tmp/scan1.png')"
img2pdf "$tmp/scan1.png" --pagesize A4 -o $out/scanned.pdf

# 5. (2) with every ToUnicode removed: Identity-H glyph numbers only.
qpdf --qdf --object-streams=disable $out/cairo_cid.pdf "$tmp/qdf.pdf"
$PY strip_tounicode.py "$tmp/qdf.pdf" "$tmp/stripped.pdf"
qpdf "$tmp/stripped.pdf" $out/no_tounicode.pdf

# 6. (3) with its xref offsets shifted by 10 bytes.
$PY shift_xref.py $out/stsong_cmap.pdf $out/broken_xref.pdf

# 7. (3) encrypted, AES-256: with a user password ("secret"), and with an
#    owner password only (opens without a password; printing/copying "forbidden").
qpdf --encrypt secret owner 256 -- $out/stsong_cmap.pdf $out/encrypted.pdf
qpdf --encrypt "" owner 256 --print=none --modify=none --extract=n -- $out/stsong_cmap.pdf $out/owner_password.pdf

# 8. (3) followed by a page holding only a scanned red seal (an image).
$PY seal_png.py "$tmp/seal.png"
img2pdf "$tmp/seal.png" --pagesize A4 --imgsize 6cmx6cm -o "$tmp/seal.pdf"
qpdf --empty --pages $out/stsong_cmap.pdf "$tmp/seal.pdf" -- $out/seal_last_page.pdf

# 9. A table rotated 90° on a portrait page (text running upwards).
$PY reportlab_rotated.py $out/rotated_table.pdf
