# A landscape statistics table turned on a portrait page, the way some
# converters print wide tables: the page is A4 portrait and the content is
# rotated 90° counter-clockwise (the text runs upwards). The font is WQY
# Zen Hei, embedded: pdfium (go-pdfium v1.19.8's build) drops rotated Han
# glyphs of the non-embedded STSong-Light.
#   python3 reportlab_rotated.py OUT.pdf
import sys
from reportlab.lib.pagesizes import A4
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle
from report import BLOCKS

pdfmetrics.registerFont(TTFont("WQY", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", subfontIndex=0))
F = "WQY"
rows = next(v for k, v in BLOCKS if k == "table")
c = canvas.Canvas(sys.argv[1], pagesize=A4, invariant=1)
c.translate(A4[0] - 72, 72)
c.rotate(90)  # x now runs up the page, y to the left
c.setFont(F, 14)
c.drawString(0, 420, "附表：政府信息公开申请办理情况统计表")
t = Table(rows, colWidths=[110] + [90] * (len(rows[0]) - 1))
t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), F, 12),
                       ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                       ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
w, h = t.wrapOn(c, 700, 400)
t.drawOn(c, 0, 390 - h)
c.showPage()
c.save()
