/*
 * python.i — the Python overlay of tokenlens.i (included from there; do not run SWIG on it).
 *
 * The raw module tokenlens._native returns results instead of filling out-parameters:
 *   tl_result            -> None (0) or an exception built by tokenlens._errors from
 *                           tl_error_last(): the ONE place codes become exceptions
 *   TYPE **out           -> a new proxy that owns the handle (destructor calls tl_TYPE_free)
 *   tl_sid *out          -> a new tl_sid proxy (a copy; the proxy owns it)
 *   char **out           -> str; the C string is released with tl_free on every path
 *   (char *out, size_t)  -> str from a stack buffer
 *   (const char *text, size_t len), (const void *data, size_t len) <- str (UTF-8) or bytes
 * Several results come back as a tuple in parameter order.
 */

%{
#include <Python.h>

/* Build the exception for status `rc` from tl_error_last() through the pure-Python table in
 * tokenlens._errors (so the class hierarchy lives in one readable place) and set it. */
static void tl_swig_py_raise(int rc, const char *function)
{
    const tl_error *e = tl_error_last();
    /* The thread-local record describes this failure only when it carries the same code. */
    int same = e->code == rc;
    char fallback[160];
    snprintf(fallback, sizeof fallback, "%s failed: %s", function, tl_error_name(rc));
    const char *message = same && e->message[0] ? e->message : fallback;
    const char *path = same ? e->path : "";
    size_t offset = same ? e->offset : TL_NO_OFFSET;
    long native = same ? e->native : 0;
    PyObject *mod = NULL, *factory = NULL, *exc = NULL;

    mod = PyImport_ImportModule("tokenlens._errors");
    if (mod)
        factory = PyObject_GetAttrString(mod, "_from_native");
    if (factory) {
        PyObject *msg = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
        PyObject *pth = PyUnicode_DecodeUTF8(path, (Py_ssize_t)strlen(path), "replace");
        PyObject *off = offset == TL_NO_OFFSET ? (Py_INCREF(Py_None), Py_None)
                                                : PyLong_FromSize_t(offset);
        if (msg && pth && off)
            exc = PyObject_CallFunction(factory, "isOOOls", rc, tl_error_name(rc), msg, off, pth,
                                        native, tl_native_kind_name(same ? e->native_kind
                                                                         : TL_NATIVE_NONE));
        Py_XDECREF(msg);
        Py_XDECREF(pth);
        Py_XDECREF(off);
    }
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    } else if (!PyErr_Occurred()) {
        PyErr_Format(PyExc_RuntimeError, "%s: %s", tl_error_name(rc), message);
    }
    Py_XDECREF(factory);
    Py_XDECREF(mod);
}

/* bytes or str (as UTF-8) -> pointer and length valid while `obj` lives. */
static int tl_swig_py_bytes(PyObject *obj, const char **data, size_t *len)
{
    Py_ssize_t n = 0;
    if (PyUnicode_Check(obj)) {
        const char *s = PyUnicode_AsUTF8AndSize(obj, &n);
        if (!s)
            return -1;
        *data = s;
        *len = (size_t)n;
        return 0;
    }
    if (PyBytes_Check(obj)) {
        char *s = NULL;
        if (PyBytes_AsStringAndSize(obj, &s, &n) < 0)
            return -1;
        *data = s;
        *len = (size_t)n;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "expected str or bytes, not %.200s", Py_TYPE(obj)->tp_name);
    return -1;
}
%}

/* ---- status ------------------------------------------------------------------------------ */
/* Keyed on the return type only: a successful call returns normally whatever error an earlier
 * call left in tl_error_last(). A failure the library did not describe (a binding helper's
 * TL_EINVAL) is named after the wrapped function ($symname). */
%typemap(out) tl_result {
    if ($1 < 0) {
        tl_swig_py_raise($1, "$symname");
        SWIG_fail;
    }
    $result = $1 == 0 ? SWIG_Py_Void() : SWIG_From_int($1);
}

/* ---- owned handles ----------------------------------------------------------------------- */
%define TL_OUT_HANDLE(TYPE, FREE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) { $1 = &tmp; }
%typemap(argout) TYPE **out {
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
    *$1 = NULL;
}
/* Runs on the failure path too; the C contract makes *out NULL on failure. */
%typemap(freearg) TYPE **out { if (*$1) FREE(*$1); }
%enddef

/* ---- values ------------------------------------------------------------------------------ */
/* A struct filled through `TYPE *NAME`: returned as a new proxy owning a malloc'd copy (SWIG's
 * default destructor for C structs is free()). */
%define TL_OUT_VALUE(TYPE, NAME)
%typemap(in, numinputs=0) TYPE *NAME (TYPE tmp) {
    memset(&tmp, 0, sizeof tmp);
    $1 = &tmp;
}
%typemap(argout) TYPE *NAME {
    TYPE *copy = (TYPE *)malloc(sizeof *copy);
    if (!copy) {
        PyErr_NoMemory();
        SWIG_fail;
    }
    *copy = *$1;
    $result = SWIG_Python_AppendOutput($result,
        SWIG_NewPointerObj(SWIG_as_voidptr(copy), $descriptor(TYPE *), SWIG_POINTER_OWN));
}
%enddef
TL_OUT_VALUE(tl_sid, out)
/* No typemap for tl_sid_split_rid's `tl_sid *domain`: it would also match `const tl_sid
 * *domain` inputs (SWIG drops qualifiers when matching); pass a tl_sid() to fill instead. */
TL_OUT_VALUE(tl_guid, out)

%define TL_OUT_ENUM(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE tmp) { tmp = (TYPE)0; $1 = &tmp; }
%typemap(argout) TYPE *out { $result = SWIG_Python_AppendOutput($result, PyLong_FromLong((long)*$1)); }
%enddef
TL_OUT_ENUM(tl_impersonation_level)
TL_OUT_ENUM(tl_logon_type)

/* ---- strings ----------------------------------------------------------------------------- */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) { $1 = &tmp; }
%typemap(argout) char **out {
    PyObject *s;
    if (*$1) {
        s = PyUnicode_DecodeUTF8(*$1, (Py_ssize_t)strlen(*$1), "surrogateescape");
        if (!s)
            SWIG_fail;
    } else {
        s = SWIG_Py_Void();
    }
    $result = SWIG_Python_AppendOutput($result, s);
}
%typemap(freearg) char **out { tl_free(*$1); }

%typemap(in, numinputs=0) (char *out, size_t out_size) (char buf[1024]) {
    buf[0] = '\0';
    $1 = buf;
    $2 = sizeof buf;
}
%typemap(argout) (char *out, size_t out_size) {
    PyObject *s = PyUnicode_DecodeUTF8($1, (Py_ssize_t)strlen($1), "surrogateescape");
    if (!s)
        SWIG_fail;
    $result = SWIG_Python_AppendOutput($result, s);
}

/* Binary out (tl_sid_to_binary): the whole buffer comes back with `written`; the Python layer
 * slices it. */
%typemap(in, numinputs=0) (void *out, size_t out_size) (unsigned char buf[256]) {
    memset(buf, 0, sizeof buf);
    $1 = buf;
    $2 = sizeof buf;
}
%typemap(argout) (void *out, size_t out_size) {
    $result = SWIG_Python_AppendOutput($result,
        PyBytes_FromStringAndSize((const char *)$1, (Py_ssize_t)$2));
}

/* Allocated binary out (tl_sd_to_binary): bytes; the buffer is released with tl_free. */
%typemap(in, numinputs=0) (uint8_t **out, size_t *len) (uint8_t *tmp = NULL, size_t n = 0) {
    $1 = &tmp;
    $2 = &n;
}
%typemap(argout) (uint8_t **out, size_t *len) {
    $result = SWIG_Python_AppendOutput($result,
        PyBytes_FromStringAndSize((const char *)(*$1 ? (const char *)*$1 : ""), (Py_ssize_t)*$2));
}
%typemap(freearg) (uint8_t **out, size_t *len) { tl_free(*$1); }

/* Length-delimited input: str (UTF-8) or bytes; embedded NULs are passed through. */
%typemap(in) (const char *text, size_t len), (const char *str, size_t len),
             (const void *data, size_t len), (const char *xml, size_t len) {
    const char *p = NULL;
    size_t n = 0;
    if (tl_swig_py_bytes($input, &p, &n) < 0)
        SWIG_fail;
    $1 = ($1_ltype)p;
    $2 = n;
}
%typemap(typecheck) (const char *text, size_t len), (const void *data, size_t len),
                     (const char *xml, size_t len) {
    $1 = PyUnicode_Check($input) || PyBytes_Check($input);
}

/* NUL-terminated input: str only (UTF-8), None for NULL. An embedded NUL would silently
 * truncate the input ("S-1-5-18\0junk" parsing as S-1-5-18), so it is a ValueError, as in
 * Python's own open(). */
%typemap(in) const char * {
    if ($input == Py_None) {
        $1 = NULL;
    } else if (PyUnicode_Check($input)) {
        Py_ssize_t n = 0;
        const char *s = PyUnicode_AsUTF8AndSize($input, &n);
        if (!s)
            SWIG_fail;
        if ((size_t)n != strlen(s)) {
            PyErr_SetString(PyExc_ValueError, "embedded null character");
            SWIG_fail;
        }
        $1 = ($1_ltype)s;
    } else {
        PyErr_Format(PyExc_TypeError, "expected str or None, not %.200s", Py_TYPE($input)->tp_name);
        SWIG_fail;
    }
}
/* The UTF-8 buffer belongs to the str object: nothing to free. */
%typemap(freearg) const char * "";
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char * {
    $1 = $input == Py_None || PyUnicode_Check($input);
}

/* Borrowed `const char *` results are copied into str; NULL becomes None (SWIG default). */

%include "python_lifetime.i"
