/*
 * access_fast.i - the Python binding's access check in one C call (issue 17).
 *
 * tokenlens.access_check() used to build a whole AccessResult on every call (five getter
 * calls, a tuple of reasons, the explanation text): 0.3x Samba through Python. Here one
 * METH_FASTCALL function runs tl_access_check() and returns an instance of a small C type
 * whose verdict and masks are plain members; the reasons and the explanation are read from
 * the kept tl_access_result only when asked for (the Python subclass in _sd.py caches them).
 *
 *   _native.tl_py_access_check(sd_proxy, token_proxy, desired, flags, object_kind)
 *   _native.tl_py_set_access_result_class(cls)   cls: a subclass of _native.AccessResultBase
 */
#ifdef SWIGPYTHON
%{
#include <structmember.h>

typedef struct tl_py_access {
    PyObject_HEAD
    tl_access_result *r;
    char allowed;
    unsigned int granted, grantable, desired;
} tl_py_access;

static PyTypeObject *tl_py_access_cls; /* what tl_py_access_check creates */

static void tl_py_access_dealloc(PyObject *o)
{
    tl_py_access *self = (tl_py_access *)o;
    tl_access_result_free(self->r);
    self->r = NULL;
    /* A Python subclass's subtype_dealloc drops its type reference itself (our base type
     * is static). */
    Py_TYPE(o)->tp_free(o);
}

/* _reason(i) -> (kind word, restricted pass, ace index or None, mask, ace SDDL or None, text) */
static PyObject *tl_py_access_reason(PyObject *o, PyObject *arg)
{
    tl_py_access *self = (tl_py_access *)o;
    Py_ssize_t i = PyLong_AsSsize_t(arg);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    const tl_access_reason *x = i >= 0 ? tl_access_result_reason_at(self->r, (size_t)i) : NULL;
    if (!x) {
        PyErr_SetString(PyExc_IndexError, "reason index out of range");
        return NULL;
    }
    PyObject *idx = x->ace_index < 0 ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLong(x->ace_index);
    PyObject *ace = x->ace ? PyUnicode_FromString(x->ace) : (Py_INCREF(Py_None), Py_None);
    PyObject *t = NULL;
    if (idx && ace)
        t = Py_BuildValue("(sOOkOs)", tl_access_reason_kind_name(x->kind),
                          x->pass ? Py_True : Py_False, idx, (unsigned long)x->mask, ace,
                          x->text);
    Py_XDECREF(idx);
    Py_XDECREF(ace);
    return t;
}

static PyObject *tl_py_access_reason_count(PyObject *o, PyObject *unused)
{
    (void)unused;
    return PyLong_FromSize_t(tl_access_result_reason_count(((tl_py_access *)o)->r));
}

static PyObject *tl_py_access_explain(PyObject *o, PyObject *unused)
{
    (void)unused;
    char *text = NULL;
    int rc = tl_access_result_explain(&text, ((tl_py_access *)o)->r);
    if (rc) {
        tl_swig_py_raise(rc, "tl_access_result_explain");
        return NULL;
    }
    PyObject *s = PyUnicode_FromString(text);
    tl_free(text);
    return s;
}

static PyMethodDef tl_py_access_methods[] = {
    {"_reason", tl_py_access_reason, METH_O, "reason i as a tuple"},
    {"_reason_count", tl_py_access_reason_count, METH_NOARGS, "number of reasons"},
    {"_explain", tl_py_access_explain, METH_NOARGS, "tl_access_result_explain()"},
    {NULL, NULL, 0, NULL}};

static PyMemberDef tl_py_access_members[] = {
    {"allowed", T_BOOL, offsetof(tl_py_access, allowed), READONLY, "every desired bit granted"},
    {"granted", T_UINT, offsetof(tl_py_access, granted), READONLY, "GrantedAccess"},
    {"grantable", T_UINT, offsetof(tl_py_access, grantable), READONLY,
     "bits granted even when denied as a whole"},
    {"desired", T_UINT, offsetof(tl_py_access, desired), READONLY, "desired, generic-mapped"},
    {NULL, 0, 0, 0, NULL}};

static PyTypeObject tl_py_access_type = {
    PyVarObject_HEAD_INIT(NULL, 0) "tokenlens._native.AccessResultBase", /* tp_name */
    sizeof(tl_py_access),                                                /* tp_basicsize */
};

static int tl_py_unwrap(PyObject *obj, void **out, swig_type_info *ty, const char *what)
{
    if (SWIG_ConvertPtr(obj, out, ty, 0) < 0 || !*out) {
        PyErr_Format(PyExc_TypeError, "tl_py_access_check: %s expected", what);
        return -1;
    }
    return 0;
}

static PyObject *tl_py_access_check(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
    (void)mod;
    void *sd = NULL, *tok = NULL;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "tl_py_access_check(sd, token, desired, flags, object)");
        return NULL;
    }
    if (tl_py_unwrap(args[0], &sd, SWIGTYPE_p_tl_sd, "tl_sd") ||
        tl_py_unwrap(args[1], &tok, SWIGTYPE_p_tl_token, "tl_token"))
        return NULL;
    unsigned long desired = PyLong_AsUnsignedLongMask(args[2]);
    unsigned long flags = PyLong_AsUnsignedLongMask(args[3]);
    long kind = PyLong_AsLong(args[4]);
    if (PyErr_Occurred())
        return NULL;
    tl_access_options o = TL_ACCESS_OPTIONS_INIT;
    o.flags = (uint32_t)flags;
    o.object = (tl_object_kind)kind;
    tl_access_result *r = NULL;
    int rc = tl_access_check(&r, (const tl_sd *)sd, (const tl_token *)tok, (uint32_t)desired, &o);
    if (rc) {
        tl_swig_py_raise(rc, "tl_access_check");
        return NULL;
    }
    PyTypeObject *cls = tl_py_access_cls ? tl_py_access_cls : &tl_py_access_type;
    tl_py_access *self = (tl_py_access *)cls->tp_alloc(cls, 0);
    if (!self) {
        tl_access_result_free(r);
        return NULL;
    }
    self->r = r;
    self->allowed = (char)tl_access_result_allowed(r);
    self->granted = tl_access_result_granted(r);
    self->grantable = tl_access_result_grantable(r);
    self->desired = tl_access_result_desired(r);
    return (PyObject *)self;
}

static PyObject *tl_py_set_access_result_class(PyObject *mod, PyObject *cls)
{
    (void)mod;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &tl_py_access_type)) {
        PyErr_SetString(PyExc_TypeError, "a subclass of AccessResultBase expected");
        return NULL;
    }
    Py_INCREF(cls);
    Py_XDECREF((PyObject *)tl_py_access_cls);
    tl_py_access_cls = (PyTypeObject *)cls;
    Py_RETURN_NONE;
}

static PyMethodDef tl_py_access_functions[] = {
    {"tl_py_access_check", (PyCFunction)(void (*)(void))tl_py_access_check, METH_FASTCALL,
     "tl_access_check() in one call: (sd, token, desired, flags, object_kind) -> result"},
    {"tl_py_set_access_result_class", tl_py_set_access_result_class, METH_O,
     "the AccessResultBase subclass tl_py_access_check returns"},
    {NULL, NULL, 0, NULL}};
%}

%init %{
    tl_py_access_type.tp_dealloc = tl_py_access_dealloc;
    tl_py_access_type.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE;
    tl_py_access_type.tp_doc = "The verdict of one access check; reasons on demand.";
    tl_py_access_type.tp_methods = tl_py_access_methods;
    tl_py_access_type.tp_members = tl_py_access_members;
    if (PyType_Ready(&tl_py_access_type) == 0) {
        Py_INCREF(&tl_py_access_type);
        PyDict_SetItemString(d, "AccessResultBase", (PyObject *)&tl_py_access_type);
        for (PyMethodDef *f = tl_py_access_functions; f->ml_name; f++) {
            PyObject *fn = PyCFunction_NewEx(f, NULL, NULL);
            if (fn) {
                PyDict_SetItemString(d, f->ml_name, fn);
                Py_DECREF(fn);
            }
        }
    }
%}
#endif
