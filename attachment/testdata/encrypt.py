# encrypt.py IN OUT FILTER PASSWORD: open IN in a headless LibreOffice and
# store it as OUT with the filter and a password. The binary filters take
# the Password property (Word 97: RC4 CryptoAPI, fEncrypted set); OOXML
# takes EncryptionData (OOXPassword, CryptoType Standard) and is written as
# an OLE2 file holding EncryptionInfo and EncryptedPackage.
#
# Needs Debian's python3-uno: /usr/bin/python3 encrypt.py report.docx \
#     encrypted.docx "MS Word 2007 XML" secret
import os, subprocess, sys, time, traceback, uno
from com.sun.star.beans import PropertyValue, NamedValue

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

src, dst, filt, password = sys.argv[1:5]
office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
    "--accept=socket,host=127.0.0.1,port=2002;urp;"])
try:
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    for _ in range(100):
        try:
            remote = resolver.resolve("uno:socket,host=127.0.0.1,port=2002;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.2)
    desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),))
    if "2007" in filt:
        data = (NamedValue("OOXPassword", password), NamedValue("CryptoType", "Standard"))
        args = (prop("FilterName", filt), prop("EncryptionData", uno.Any("[]com.sun.star.beans.NamedValue", data)))
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(os.path.abspath(dst)), args))
    else:
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop("FilterName", filt), prop("Password", password)))
    doc.close(True)
except Exception:
    traceback.print_exc()
finally:
    office.terminate()
    office.wait(timeout=30)
