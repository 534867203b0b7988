"""Every tl_error_code of include/tokenlens/common.h has a row in each binding's error table.

    check_error_tables.py SOURCE_DIR

The codes themselves (numbers, names) come from the library at run time (tl_error_name, the
SWIG-generated ErrorCode enum); what each binding decides by hand is which exception class or
PowerShell category a code gets. This keeps those three tables complete: a code added to the
header without a row fails here instead of surfacing as a bare base-class error.
"""
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1])
common = (src / "include/tokenlens/common.h").read_text()
enum = re.search(r"typedef enum tl_error_code \{(.*?)\} tl_error_code;", common, re.S).group(1)
codes = [n for n in re.findall(r"\b(TL_E?[A-Z]+)\s*=\s*-?\d+", enum) if n not in ("TL_OK", "TL_ERROR")]
if len(codes) < 10:
    sys.exit("could not read tl_error_code from common.h (found %r)" % codes)

tables = {
    "bindings/python/tokenlens/_errors.py": lambda n: '"%s":' % n,
    "bindings/powershell/src/TokenLensException.cs": lambda n: "case ErrorCode.%s:" % n[3:],
    "bindings/powershell/module/TokenLens.psm1": lambda n: "'%s' {" % n,
}
bad = 0
for path, row in tables.items():
    text = (src / path).read_text()
    for name in codes:
        if row(name) not in text:
            print("%s: no row for %s (%s)" % (path, name, row(name)))
            bad += 1
print("%d codes x %d tables checked, %d missing" % (len(codes), len(tables), bad))
sys.exit(1 if bad else 0)
