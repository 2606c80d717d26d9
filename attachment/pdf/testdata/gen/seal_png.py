# Draws a red round official seal (公章) as a small PNG, to be placed alone
# on a last page with img2pdf, like a scanned signature page:
#   python3 seal_png.py seal.png
import sys
from PIL import Image, ImageDraw

im = Image.new("P", (240, 240), 0)
im.putpalette([255, 255, 255, 200, 20, 20])
d = ImageDraw.Draw(im)
d.ellipse((10, 10, 230, 230), outline=1, width=8)
# a five-pointed star in the middle
import math
pts = []
for i in range(10):
    r = 50 if i % 2 == 0 else 20
    a = math.pi / 2 + i * math.pi / 5
    pts.append((120 + r * math.cos(a), 120 - r * math.sin(a)))
d.polygon(pts, fill=1)
im.save(sys.argv[1], optimize=True)
