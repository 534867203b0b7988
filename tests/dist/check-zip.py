#!/usr/bin/env python3
"""Check the win-x64 zip: every PE file in it (exe, dll) imports only DLLs that are in the zip
or that Windows itself has (tests/dist/windows-system-dlls.txt, each with its source), and the
files the distribution promises are there. Imports are read with x86_64-w64-mingw32-objdump -p.

    tests/dist/check-zip.py dist/tokenlens-0.1.0-win-x64.zip
Prints one line per PE file and "N passed, M failed"; exit 1 on any failure."""
import os
import re
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OBJDUMP = os.environ.get("TL_OBJDUMP", "x86_64-w64-mingw32-objdump")


def system_dlls():
    names = set()
    with open(os.path.join(HERE, "windows-system-dlls.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line.lower())
    return names


def imports(path):
    out = subprocess.run([OBJDUMP, "-p", path], check=True, capture_output=True, text=True).stdout
    return [m.group(1) for m in re.finditer(r"^\s*DLL Name: (\S+)", out, re.M)]


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    zpath = argv[1]
    system = system_dlls()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(zpath) as z:
        names = z.namelist()
        z.extractall(tmp)
        top = names[0].split("/", 1)[0]
        shipped = {os.path.basename(n).lower() for n in names}
        for want in ("tokenlens.exe", "tokenlens.dll", "Modules/TokenLens/TokenLens.psd1",
                     "Modules/TokenLens/TokenLens.dll",
                     "Modules/TokenLens/runtimes/win-x64/native/tokenlens_csharp.dll"):
            if f"{top}/{want}" in names:
                passed += 1
            else:
                failed += 1
                print(f"FAIL: {want} is not in {zpath}")
        for n in sorted(names):
            if not n.lower().endswith((".exe", ".dll")):
                continue
            deps = imports(os.path.join(tmp, n))
            missing = [d for d in deps if d.lower() not in shipped and d.lower() not in system]
            if missing:
                failed += 1
                print(f"FAIL: {n} imports {', '.join(missing)}: neither in the zip nor a Windows system DLL")
            else:
                passed += 1
                print(f"ok: {n} imports {', '.join(deps) or 'nothing'}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
