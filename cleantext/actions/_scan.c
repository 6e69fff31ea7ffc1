/* Compiled line scans of the rule actions, each with a pure-Python twin that is its reference.
 *
 * repeated_last_words(lines, table): the lines whose last word repeats that of the previous
 * line with words, which are the only lines that can concatenate a caption block
 * (captions._joined_line_candidates). The Python twin runs one regex over the reversed text;
 * on whole pages it cost about a tenth of the pipeline, most of it the regex engine stepping
 * over every character. Here each line is read backwards from its end and only its last word
 * is visited, without making a string of it.
 *
 * "Word" is the regex module's \w, read from a table of the Basic Multilingual Plane that the
 * caller builds with that regex (captions._word_table), so both agree by construction. When a
 * last word, or a character after it, lies beyond the table, the scan answers None and the
 * caller runs the regex instead. tests/actions/test_captions_scan.py compares the two.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define TABLE_SIZE 0x10000

enum { NOT_WORD = 0, WORD = 1, UNKNOWN = 2 };

static inline int word_class(Py_UCS4 c, const unsigned char *table) {
    return c < TABLE_SIZE ? table[c] != 0 : UNKNOWN;
}

/* Where the last word of `line` is: 1 with [*start, *end) set (empty when the line has no
 * word), or 0 when a character on the way is beyond the table. */
static int last_word_span(PyObject *line, const unsigned char *table, Py_ssize_t *start,
                          Py_ssize_t *end) {
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t e = PyUnicode_GET_LENGTH(line), s;
    int cls = NOT_WORD;
    while (e > 0 && (cls = word_class(PyUnicode_READ(kind, data, e - 1), table)) == NOT_WORD) e--;
    if (cls == UNKNOWN) return 0;
    s = e;
    while (s > 0 && (cls = word_class(PyUnicode_READ(kind, data, s - 1), table)) == WORD) s--;
    if (s > 0 && cls == UNKNOWN) return 0;
    *start = s;
    *end = e;
    return 1;
}

/* Whether a[as:as+n] and b[bs:bs+n] hold the same code points (the two may differ in kind). */
static int same_text(PyObject *a, Py_ssize_t as, PyObject *b, Py_ssize_t bs, Py_ssize_t n) {
    int ka = PyUnicode_KIND(a), kb = PyUnicode_KIND(b);
    const void *da = PyUnicode_DATA(a), *db = PyUnicode_DATA(b);
    if (ka == kb) return memcmp((const char *)da + as * ka, (const char *)db + bs * kb, n * ka) == 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (PyUnicode_READ(ka, da, as + k) != PyUnicode_READ(kb, db, bs + k)) return 0;
    return 1;
}

/* Check and read the arguments: a list of str and the word table. */
static int scan_args(PyObject *args, const char *format, PyObject **lines, Py_buffer *table) {
    if (!PyArg_ParseTuple(args, format, &PyList_Type, lines, table)) return 0;
    if (table->len != TABLE_SIZE) {
        PyErr_Format(PyExc_ValueError, "table: expected %d bytes, got %zd", TABLE_SIZE,
                     table->len);
        PyBuffer_Release(table);
        return 0;
    }
    Py_ssize_t n = PyList_GET_SIZE(*lines);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(*lines, i))) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
            PyBuffer_Release(table);
            return 0;
        }
    }
    return 1;
}

PyDoc_STRVAR(repeated_last_words_doc,
             "repeated_last_words(lines, table)\n--\n\n"
             "Ascending indexes of the lines whose last word equals that of the previous line\n"
             "with a word; None when a character beyond the table is in the way.\n"
             "table: 65,536 bytes, one per code point of the Basic Multilingual Plane,\n"
             "non-zero for word characters.");

static PyObject *scan_repeated_last_words(PyObject *module, PyObject *args) {
    PyObject *lines;
    Py_buffer table;
    if (!scan_args(args, "O!y*:repeated_last_words", &lines, &table)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines), start, end;
    PyObject *found = PyList_New(0), *previous = NULL;
    Py_ssize_t previous_start = 0, previous_length = 0;
    for (Py_ssize_t i = 0; found && i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!last_word_span(line, table.buf, &start, &end)) {
            Py_DECREF(found);
            PyBuffer_Release(&table);
            Py_RETURN_NONE;
        }
        if (start == end) continue;
        if (previous && end - start == previous_length &&
            same_text(line, start, previous, previous_start, previous_length)) {
            PyObject *index = PyLong_FromSsize_t(i);
            if (!index || PyList_Append(found, index) < 0) Py_CLEAR(found);
            Py_XDECREF(index);
        }
        previous = line;
        previous_start = start;
        previous_length = end - start;
    }
    PyBuffer_Release(&table);
    return found;
}

static PyMethodDef scan_methods[] = {
    {"repeated_last_words", (PyCFunction)scan_repeated_last_words, METH_VARARGS,
     repeated_last_words_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "_scan", "Compiled line scans of cleantext's rule actions.", -1,
    scan_methods,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&scan_module); }
