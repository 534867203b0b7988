"""The shared library exports exactly the functions the public headers declare TL_EXTERN.

    check_exports.py NM LIBTOKENLENS_SO INCLUDE_DIR

A function declared but not exported is a link error for every user; one exported but not
declared is ABI nobody can call (or an internal tl__ name leaking out).
"""
import pathlib
import re
import subprocess
import sys

nm, lib, inc = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])

declared = set()
for h in sorted(inc.glob("tokenlens/*.h")):
    text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
    text = re.sub(r"(?m)^\s*#.*$", "", text)
    for decl in re.findall(r"TL_EXTERN\b[^;{]*?\(", text):
        name = re.search(r"(\w+)\s*\($", decl)
        if name and name.group(1) != "TL_EXTERN":
            declared.add(name.group(1))

out = subprocess.run([nm, "-D", "--defined-only", lib], check=True, capture_output=True,
                     text=True).stdout
exported = {f[2] for f in (line.split() for line in out.splitlines())
            if len(f) == 3 and f[1] in "TtWiDdBbRr" and not f[2].startswith("_")
            and f[2] not in ("_init", "_fini")}

missing = sorted(declared - exported)
extra = sorted(exported - declared)
for name in missing:
    print("declared TL_EXTERN but not exported: %s" % name)
for name in extra:
    print("exported but not declared in include/tokenlens/*.h: %s" % name)
print("%d declared, %d exported" % (len(declared), len(exported)))
sys.exit(1 if missing or extra or not declared else 0)
