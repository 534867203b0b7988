"""The exception hierarchy: one table maps TL_E* codes to classes with two bases."""
import pickle

import pytest

import tokenlens
from tokenlens import errors


@pytest.mark.parametrize("code, cls, std", [
    (-2, errors.OutOfMemoryError, MemoryError),
    (-3, errors.InvalidArgumentError, ValueError),
    (-4, errors.ParseError, ValueError),
    (-5, errors.OutOfRangeError, ValueError),
    (-6, errors.NotFoundError, LookupError),
    (-7, errors.NotSupportedError, NotImplementedError),
    (-8, errors.NativeError, OSError),
    (-9, errors.FileError, OSError),
    (-10, errors.LimitError, ValueError),
    (-11, errors.AuthError, tokenlens.TokenLensError),
    (-12, errors.StateError, RuntimeError),
    (-13, errors.NotImplementedFeatureError, errors.NotSupportedError),
    (-1, errors.TokenLensError, Exception),
    (-99, errors.TokenLensError, Exception),
])
def test_code_table(code, cls, std):
    exc = errors._from_native(code, "TL_X", "msg", 3, "$.a", 5)
    assert type(exc) is cls
    assert isinstance(exc, std) and isinstance(exc, tokenlens.TokenLensError)
    assert (exc.code, exc.message, exc.offset, exc.path, exc.native) == (code, "msg", 3, "$.a", 5)


def test_every_code_the_library_names_is_mapped():
    native = tokenlens._native
    for code in range(-13, -1):
        assert native.tl_error_name(code) != "TL_E?"
        assert native.tl_error_name(code) in errors._BY_NAME


def test_str_names_the_location():
    exc = errors._from_native(-4, "TL_EPARSE", "bad SID", 6, "", 0)
    assert str(exc) == "bad SID (offset 6)"
    assert exc.path is None
    exc = errors._from_native(-4, "TL_EPARSE", "wrong type", None, "$.groups[2].sid", 0)
    assert str(exc) == "wrong type ($.groups[2].sid)"


def test_exceptions_pickle():
    exc = errors._from_native(-4, "TL_EPARSE", "bad", 2, "$.x", 0)
    exc.input = "S-1-x"
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is errors.ParseError
    assert (back.offset, back.path, back.input, back.message) == (2, "$.x", "S-1-x", "bad")


def test_native_errors_come_through_the_status_typemap():
    # A real failing call, end to end: C error -> typemap -> tokenlens._errors.
    with pytest.raises(errors.ParseError) as info:
        tokenlens._native.tl_sid_from_string("S-1-5-18x")
    assert info.value.offset == 8
    assert "TL_EPARSE" == info.value.code_name


def test_os_error_subclasses_keep_native():
    exc = errors._from_native(-8, "TL_EOS", "OpenProcessToken failed", None, "", 5)
    assert isinstance(exc, OSError) and exc.native == 5
    assert "native=0x5" in repr(exc)


def test_a_success_after_a_failure_does_not_raise():
    # The status typemap keys on the return code: an error an earlier call left in
    # tl_error_last() never turns a later successful call into an exception.
    native = tokenlens._native
    with pytest.raises(errors.ParseError):
        native.tl_sid_from_string("S-1-5-x")
    for call in (lambda: native.tl_sid_from_string("S-1-5-18"),
                 lambda: tokenlens.Sid("BA"),
                 lambda: native.tl_sd_from_sddl("D:(A;;FA;;;BA)", None)):
        with pytest.raises(errors.ParseError):
            native.tl_sid_from_string("S-1-5-x")
        assert call() is not None


def test_a_binding_helper_failure_says_what_failed():
    # tl_swig_sid_copy(NULL) fails in the SWIG layer, not in the library: the exception
    # still names the call and the code, and not a stale message of an earlier failure.
    with pytest.raises(errors.ParseError):
        tokenlens._native.tl_sid_from_string("S-1-5-x")
    with pytest.raises(errors.InvalidArgumentError) as info:
        tokenlens._native.tl_swig_sid_copy(None)
    assert str(info.value) == "tl_swig_sid_copy failed: TL_EINVAL"


def test_plain_int_results_are_values_not_statuses():
    native = tokenlens._native
    a, b = native.tl_sid_from_string("S-1-5-18"), native.tl_sid_from_string("S-1-5-32-544")
    assert native.tl_sid_compare(a, b) < 0 < native.tl_sid_compare(b, a)
    assert native.tl_sid_compare(a, a) == 0


def test_native_kind_says_what_native_is(tmp_path):
    # A file that cannot be read: TL_EIO with the errno, and native_kind says it is an errno.
    with pytest.raises(errors.FileError) as info:
        tokenlens.Token.load(tmp_path / "missing.json")
    assert info.value.native == 2 and info.value.native_kind == "errno"
    with pytest.raises(errors.ParseError) as info:
        tokenlens.Sid("S-1-5-x")
    assert (info.value.native, info.value.native_kind) == (0, "none")
    names = [tokenlens._native.tl_native_kind_name(k) for k in range(7)]
    assert names == ["none", "other", "win32", "ntstatus", "security-status", "gss-major", "errno"]
    assert tokenlens._native.tl_native_kind_name(99) == "unknown"
