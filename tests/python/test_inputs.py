"""Issue 18 items 3, 5 and 6 through the Python API: Token/Scenario/IisAudit/WebConfig .load
refuse a FIFO at once (it blocked forever), JSON takes a UTF-8 BOM, names UTF-16 and refuses a
NUL byte, and Token.load takes the `tokenlens whoami --json` output its docstring points to."""
import os
import signal

import pytest

import tokenlens
from tokenlens import FileError, ParseError

from conftest import SOURCE_DIR

DATA = SOURCE_DIR / "tests" / "data"
TOKEN = DATA / "token" / "wine-process.json"
WHOAMI = DATA / "token" / "wine-whoami.json"
SCENARIO = SOURCE_DIR / "examples" / "scenarios" / "after-revert.json"

LOADERS = [
    ("Token", lambda p: tokenlens.Token.load(p)),
    ("Scenario", lambda p: tokenlens.Scenario.load(p)),
    ("IisAudit", lambda p: tokenlens.IisAudit.load(p)),
    ("webconfig", lambda p: tokenlens.webconfig(p)),
]


@pytest.fixture
def deadline():
    """A loader that blocks again fails the test (SIGALRM) instead of hanging the suite."""
    def timeout(signum, frame):
        raise TimeoutError("the loader blocked on its input")
    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name,load", LOADERS, ids=[n for n, _ in LOADERS])
def test_fifo_refused_without_blocking(tmp_path, deadline, name, load):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(FileError, match="is a FIFO, not a regular file"):
        load(fifo)


@pytest.mark.parametrize("name,load", LOADERS, ids=[n for n, _ in LOADERS])
def test_directory_and_device_refused(tmp_path, name, load):
    with pytest.raises(FileError, match="is a directory, not a regular file"):
        load(tmp_path)
    with pytest.raises(FileError, match="is a character device, not a regular file"):
        load("/dev/null")


JSON_LOADERS = [
    (TOKEN, lambda p: tokenlens.Token.load(p)),
    (WHOAMI, lambda p: tokenlens.Token.load(p)),
    (SCENARIO, lambda p: tokenlens.Scenario.load(p)),
]


@pytest.mark.parametrize("src,load", JSON_LOADERS, ids=["token", "whoami", "scenario"])
def test_json_encodings(tmp_path, src, load):
    text = src.read_bytes()
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + text)
    load(bom)  # a UTF-8 byte order mark is accepted
    for enc, mark in (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""), ("utf-16-le", b"")):
        f = tmp_path / "utf16.json"
        f.write_bytes(mark + text.decode().encode(enc))
        with pytest.raises(ParseError, match=r"UTF-16 .*re-save it as UTF-8"):
            load(f)
    f = tmp_path / "nul.json"
    i = next(k for k, c in enumerate(text) if 48 <= c <= 57)
    f.write_bytes(text[:i + 1] + b"\0" + text[i + 1:])
    with pytest.raises(ParseError, match="NUL byte") as exc:
        load(f)
    assert exc.value.offset == i + 1


def test_token_from_whoami_json(tmp_path):
    """The effective token: the thread's when the document has one, else the process's."""
    assert str(tokenlens.Token.load(WHOAMI).user) == "S-1-5-21-0-0-0-1000"
    thread = DATA / "token" / "iis-ntlm-impersonation.json"
    doc = '{"process": %s, "thread": %s, "effective": null}' % (TOKEN.read_text(),
                                                               thread.read_text())
    want = str(tokenlens.Token.load(thread).user)
    assert str(tokenlens.Token.from_json(doc).user) == want
    f = tmp_path / "whoami.json"
    f.write_text(doc)
    assert str(tokenlens.Token.load(f).user) == want
