# Removes every /ToUnicode entry from a PDF written by
#   qpdf --qdf --object-streams=disable IN.pdf QDF.pdf
# (the keys are blanked with spaces so offsets stay valid):
#   python3 strip_tounicode.py QDF.pdf STRIPPED.pdf
#   qpdf STRIPPED.pdf OUT.pdf
import re
import sys

data = open(sys.argv[1], "rb").read()
data, n = re.subn(rb"/ToUnicode\s+\d+\s+\d+\s+R", lambda m: b" " * len(m.group(0)), data)
assert n > 0, "no /ToUnicode found"
open(sys.argv[2], "wb").write(data)
print("removed", n, "ToUnicode entries", file=sys.stderr)
