# Writes the sample report as a flat OpenDocument text (.fodt), with the
# page number in the footer (— 1 —), for LibreOffice to export to PDF:
#   python3 lo_fodt.py "Noto Serif CJK SC" > /tmp/report.fodt
#   soffice --headless --convert-to pdf --outdir OUT /tmp/report.fodt
import sys
from xml.sax.saxutils import escape
from report import TITLE, BLOCKS

font = sys.argv[1] if len(sys.argv) > 1 else "Noto Serif CJK SC"
rows = next(v for k, v in BLOCKS if k == "table")
ncol = len(rows[0])

head = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="CJK" svg:font-family="&apos;{font}&apos;"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:line-height="150%"/>
  <style:text-properties style:font-name="CJK" style:font-name-asian="CJK" style:font-name-complex="CJK"
    fo:font-size="12pt" style:font-size-asian="12pt" fo:language="zh" fo:country="CN"
    style:language-asian="zh" style:country-asian="CN"/>
 </style:default-style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="2.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.8cm" fo:margin-right="2.6cm"/>
  <style:footer-style><style:header-footer-properties fo:min-height="1cm"/></style:footer-style></style:page-layout>
 <style:style style:name="Foot" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="10.5pt" style:font-size-asian="10.5pt"/></style:style>
 <style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/>
  <style:text-properties fo:font-size="18pt" style:font-size-asian="18pt" fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="H" style:family="paragraph"><style:paragraph-properties fo:text-indent="0.85cm"/>
  <style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style>
 <style:style style:name="P" style:family="paragraph"><style:paragraph-properties fo:text-indent="0.85cm" fo:text-align="justify"/></style:style>
 <style:style style:name="R" style:family="paragraph"><style:paragraph-properties fo:text-align="end"/></style:style>
 <style:style style:name="C" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:line-height="100%"/>
  <style:text-properties fo:font-size="10.5pt" style:font-size-asian="10.5pt"/></style:style>
 <style:style style:name="Tbl" style:family="table"><style:table-properties style:width="15.6cm" table:align="margins"/></style:style>
 <style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #000000"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
 <style:footer><text:p text:style-name="Foot">— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
'''
out = [head, f'<text:p text:style-name="Title">{escape(TITLE)}</text:p>']
for kind, v in BLOCKS:
    if kind == "h":
        out.append(f'<text:p text:style-name="H">{escape(v)}</text:p>')
    elif kind == "p":
        out.append(f'<text:p text:style-name="P">{escape(v)}</text:p>')
    elif kind == "r":
        out.append(f'<text:p text:style-name="R">{escape(v)}</text:p>')
    elif kind == "table":
        out.append(f'<table:table table:name="T1" table:style-name="Tbl"><table:table-column table:number-columns-repeated="{ncol}"/>')
        for row in v:
            out.append("<table:table-row>" + "".join(
                f'<table:table-cell table:style-name="Cell" office:value-type="string"><text:p text:style-name="C">{escape(c)}</text:p></table:table-cell>'
                for c in row) + "</table:table-row>")
        out.append("</table:table>")
out.append("</office:text></office:body></office:document>")
print("\n".join(out))
