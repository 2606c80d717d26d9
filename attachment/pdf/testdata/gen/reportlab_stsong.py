# Typesets the sample report with reportlab in the non-embedded Adobe-GB1
# font STSong-Light (predefined CMap UniGB-UCS2-H, no ToUnicode), the way
# many older government PDFs were made:
#   python3 reportlab_stsong.py OUT.pdf
import sys
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.enums import TA_CENTER, TA_RIGHT, TA_JUSTIFY
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle, Spacer
from report import TITLE, BLOCKS

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
F = "STSong-Light"
title = ParagraphStyle("t", fontName=F, fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=12)
head = ParagraphStyle("h", fontName=F, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK")
body = ParagraphStyle("p", fontName=F, fontSize=12, leading=20, firstLineIndent=24, alignment=TA_JUSTIFY, wordWrap="CJK")
right = ParagraphStyle("r", fontName=F, fontSize=12, leading=20, alignment=TA_RIGHT)

story = [Paragraph(TITLE, title)]
for kind, v in BLOCKS:
    if kind == "h":
        story.append(Paragraph(v, head))
    elif kind == "p":
        story.append(Paragraph(v, body))
    elif kind == "r":
        story.append(Paragraph(v, right))
    elif kind == "table":
        t = Table(v, hAlign="CENTER")
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), F, 10.5),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        story += [Spacer(1, 6), t, Spacer(1, 6)]
SimpleDocTemplate(sys.argv[1], pagesize=A4, title=TITLE, invariant=1).build(story)
