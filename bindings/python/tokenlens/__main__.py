"""``python -m tokenlens``: the tokenlens command line, verb for verb.

The package ships the CLI it was built with (``tokenlens/_bin/tokenlens``, linked against the
same static library as the extension), and this runs it with the given arguments, so every
verb, option, output byte and exit status (0 ok, 1 finding/denied, 2 usage, 3 error) is the
CLI's own. On POSIX the process is replaced (signals and stdin behave as for the CLI); on
Windows the CLI runs as a child and its exit status is passed on.
"""
import os
import pathlib
import subprocess
import sys
from typing import List, Optional


def cli_path() -> Optional[pathlib.Path]:
    """The bundled CLI, or ``None`` when this package was installed without it."""
    exe = "tokenlens.exe" if os.name == "nt" else "tokenlens"
    p = pathlib.Path(__file__).resolve().parent / "_bin" / exe
    return p if p.is_file() else None


def main(argv: Optional[List[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    exe = cli_path()
    if exe is None:
        sys.stderr.write("tokenlens: this package was installed without the tokenlens CLI "
                         "(tokenlens/_bin); reinstall it from a source checkout with pip\n")
        return 3
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "nt" and argv is None:
        os.execv(str(exe), ["tokenlens"] + args)
    return subprocess.call([str(exe)] + args)


if __name__ == "__main__":
    sys.exit(main())
