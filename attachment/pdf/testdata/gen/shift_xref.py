# Breaks a PDF's classic cross-reference table by adding 10 to every
# in-use object offset, as a truncated or re-saved download does:
#   python3 shift_xref.py IN.pdf OUT.pdf
import re
import sys

data = open(sys.argv[1], "rb").read()
start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
assert data[start:start + 4] == b"xref", "no classic xref table at startxref"
end = data.index(b"trailer", start)
table = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + 10, m.group(2)), data[start:end])
open(sys.argv[2], "wb").write(data[:start] + table + data[end:])
