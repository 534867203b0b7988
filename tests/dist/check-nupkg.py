#!/usr/bin/env python3
"""Check TokenLens.<version>.nupkg: the layout PSResourceGet publishes (TokenLens.psd1 and the
nuspec at the root), both native libraries, and the gallery metadata in the nuspec.

    tests/dist/check-nupkg.py dist/TokenLens.0.1.0.nupkg 0.1.0
Prints "N passed, M failed"; exit 1 on any failure."""
import sys
import xml.etree.ElementTree as ET
import zipfile


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, version = argv[1], argv[2]
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: {what}")

    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for want in ("TokenLens.psd1", "TokenLens.psm1", "TokenLens.format.ps1xml", "TokenLens.dll",
                     "TokenLens.nuspec", "runtimes/win-x64/native/tokenlens_csharp.dll",
                     "runtimes/linux-x64/native/libtokenlens_csharp.so"):
            check(want in names, f"{want} is not at its place in {path}")
        check(any(n.startswith("runtimes/linux-x64/native/libtokenlens.so.") for n in names),
              "runtimes/linux-x64/native/libtokenlens.so.* (the wrapper's NEEDED library) is missing")
        spec = ET.fromstring(z.read("TokenLens.nuspec")) if "TokenLens.nuspec" in names else None
    if spec is not None:
        ns = {"n": spec.tag.split("}")[0].strip("{")} if spec.tag.startswith("{") else {"n": ""}
        meta = spec.find("n:metadata", ns)

        def field(name):
            e = meta.find(f"n:{name}", ns) if meta is not None else None
            return (e.text or "").strip() if e is not None else ""

        check(field("id") == "TokenLens", "nuspec id is not TokenLens")
        check(field("version") == version, f"nuspec version {field('version')!r} is not {version}")
        for name in ("projectUrl", "releaseNotes", "copyright", "description", "authors"):
            check(field(name) != "", f"nuspec has no {name}")
        check(field("licenseUrl") != "" or meta.find("n:license", ns) is not None, "nuspec has no license")
        tags = field("tags").split()
        for t in ("PSEdition_Core", "PSEdition_Desktop", "Windows", "Linux", "PSModule"):
            check(t in tags, f"nuspec tags lack {t} (tags: {tags})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
