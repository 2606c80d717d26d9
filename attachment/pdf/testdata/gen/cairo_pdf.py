# Typesets the sample report with Pango and writes it with cairo's PDF
# surface, which embeds the font as a Type0 (Identity-H) CID font with a
# ToUnicode CMap:
#   python3 cairo_pdf.py OUT.pdf "WenQuanYi Zen Hei"
import sys
import cairo
import gi
gi.require_version("Pango", "1.0")
gi.require_version("PangoCairo", "1.0")
from gi.repository import Pango, PangoCairo
from report import TITLE, BLOCKS

out = sys.argv[1]
family = sys.argv[2] if len(sys.argv) > 2 else "WenQuanYi Zen Hei"
W, H, M = 595, 842, 72          # A4 in points, margin
TW = W - 2 * M                  # text width
surface = cairo.PDFSurface(out, W, H)
cr = cairo.Context(surface)
y = M


def layout(text, size, width, bold=False, align=Pango.Alignment.LEFT, indent=0, justify=False):
    lo = PangoCairo.create_layout(cr)
    PangoCairo.context_set_resolution(lo.get_context(), 72)  # sizes in points
    lo.context_changed()
    fd = Pango.FontDescription.from_string(f"{family} {'Bold ' if bold else ''}{size}")
    lo.set_font_description(fd)
    lo.set_width(int(width * Pango.SCALE))
    lo.set_wrap(Pango.WrapMode.WORD_CHAR)
    lo.set_alignment(align)
    lo.set_indent(int(indent * Pango.SCALE))
    lo.set_justify(justify)
    lo.set_spacing(int(size * 0.5 * Pango.SCALE))
    lo.set_text(text, -1)
    return lo


def draw(lo, x=M, after=6):
    """Draws a layout line by line, breaking the page where needed."""
    global y
    it = lo.get_iter()
    top = None
    while True:
        ink, logical = it.get_line_extents()
        lh = logical.height / Pango.SCALE
        if top is None:
            top = logical.y / Pango.SCALE
        ly = logical.y / Pango.SCALE - top
        if y + ly + lh > H - M:
            cr.show_page()
            y = M - ly
        baseline = it.get_baseline() / Pango.SCALE - top
        cr.move_to(x + logical.x / Pango.SCALE, y + baseline)
        PangoCairo.show_layout_line(cr, it.get_line_readonly())
        if not it.next_line():
            y += ly + lh + after
            return


draw(layout(TITLE, 18, TW, bold=True, align=Pango.Alignment.CENTER), after=18)
for kind, v in BLOCKS:
    if kind == "h":
        draw(layout(v, 12, TW, bold=True, indent=24))
    elif kind == "p":
        draw(layout(v, 12, TW, indent=24, justify=True))
    elif kind == "r":
        draw(layout(v, 12, TW, align=Pango.Alignment.RIGHT))
    elif kind == "table":
        cw = TW / len(v[0])
        rh = 22
        if y + rh * len(v) > H - M:
            cr.show_page()
            y = M
        cr.set_line_width(0.5)
        for row in v:
            for i, cell in enumerate(row):
                cr.rectangle(M + i * cw, y, cw, rh)
                cr.stroke()
                lo = layout(cell, 10.5, cw - 4, align=Pango.Alignment.CENTER)
                _, logical = lo.get_pixel_extents()
                cr.move_to(M + i * cw + 2, y + (rh - logical.height) / 2)
                PangoCairo.show_layout(cr, lo)
            y += rh
        y += 8
surface.finish()
