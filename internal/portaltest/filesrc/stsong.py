# stsong.py writes the paragraphs of an HTML report as a PDF in reportlab's
# STSong-Light: a CID font that is not embedded, with the predefined CMap
# UniGB-UCS2-H and no ToUnicode map, as older government PDFs are made.
import re, sys, html
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import SimpleDocTemplate, Paragraph
from reportlab.lib.styles import ParagraphStyle

src, dst = sys.argv[1], sys.argv[2]
pdfmetrics.registerFont(UnicodeCIDFont('STSong-Light'))
text = open(src, encoding='utf-8').read()
blocks = re.findall(r'<(h1|p)>(.*?)</\1>', text, re.S)
body = ParagraphStyle('b', fontName='STSong-Light', fontSize=12, leading=20, wordWrap='CJK')
head = ParagraphStyle('h', parent=body, fontSize=16, leading=28, alignment=1)
story = [Paragraph(html.escape(html.unescape(t)), head if tag == 'h1' else body) for tag, t in blocks]
doc = SimpleDocTemplate(dst, pagesize=A4, invariant=1, title='', author='', creator='', producer='')
doc.build(story)
