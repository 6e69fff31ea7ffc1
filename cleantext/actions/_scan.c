/* Compiled line scans of the rule actions, each with a pure-Python twin that is its reference.
 *
 * caption_blocks(lines, table, min_parts, max_part_words): the caption blocks that
 * captions.drop_caption_blocks finds (captions one per line, then a line concatenating them).
 * Its Python twin found the candidate lines with one regex over the reversed text and
 * compared regex word tokens; on whole pages that cost about a seventh of the pipeline, most of
 * it the regex engine stepping over every character. Here each line is read backwards from its
 * end for its last word, and only the few candidate lines and the lines before them are
 * tokenized, without making strings of their words.
 *
 * open_line_ends(lines): the lines that can start a rejoin (repair._open_lines), which its
 * Python twin finds with one regex over the joined text.
 *
 * "Word" is the regex module's \w, read from a table of the Basic Multilingual Plane that the
 * caller builds with that regex (captions._word_table), so both agree by construction. When a
 * character the scan must classify lies beyond the table, it answers None and the caller runs
 * the Python twin instead.
 *
 * tests/actions/test_captions_fast.py and test_repair_fast.py compare each scan with its twin.
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

/* Indexes of the lines whose last word equals that of the previous line with a word, into
 * `found` (room for n): their count, or -1 when a character beyond the table is in the way. */
static Py_ssize_t repeated_last_words(PyObject *lines, const unsigned char *table,
                                      Py_ssize_t *found) {
    Py_ssize_t n = PyList_GET_SIZE(lines), count = 0, start, end;
    PyObject *previous = NULL;
    Py_ssize_t previous_start = 0, previous_length = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!last_word_span(line, table, &start, &end)) return -1;
        if (start == end) continue;
        if (previous && end - start == previous_length &&
            same_text(line, start, previous, previous_start, previous_length))
            found[count++] = i;
        previous = line;
        previous_start = start;
        previous_length = end - start;
    }
    return count;
}

/* The word tokens (maximal runs of word characters) of lines, found on first use. */
typedef struct {
    Py_ssize_t start, end;
} Span;

typedef struct {
    PyObject *lines;
    const unsigned char *table;
    Py_ssize_t *first, *count; /* per line: its first span in `spans` and how many; count -1:
                                  not tokenized yet */
    Span *spans;
    Py_ssize_t used, capacity;
} Tokens;

/* Tokenize line i once: 1, or 0 when a character is beyond the table, -1 on memory error. */
static int tokenize(Tokens *t, Py_ssize_t i) {
    if (t->count[i] >= 0) return 1;
    PyObject *line = PyList_GET_ITEM(t->lines, i);
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line), start = -1;
    t->first[i] = t->used;
    for (Py_ssize_t k = 0; k <= length; k++) {
        int cls = k < length ? word_class(PyUnicode_READ(kind, data, k), t->table) : NOT_WORD;
        if (cls == UNKNOWN) return 0;
        if (cls == WORD) {
            if (start < 0) start = k;
            continue;
        }
        if (start < 0) continue;
        if (t->used == t->capacity) {
            Py_ssize_t capacity = t->capacity ? 2 * t->capacity : 256;
            Span *grown = PyMem_Realloc(t->spans, sizeof(Span) * capacity);
            if (!grown) {
                PyErr_NoMemory();
                return -1;
            }
            t->spans = grown;
            t->capacity = capacity;
        }
        t->spans[t->used++] = (Span){start, k};
        start = -1;
    }
    t->count[i] = t->used - t->first[i];
    return 1;
}

/* Whether token a of line i and token b of line j are the same text. */
static int same_token(const Tokens *t, Py_ssize_t i, Py_ssize_t a, Py_ssize_t j, Py_ssize_t b) {
    Span x = t->spans[t->first[i] + a], y = t->spans[t->first[j] + b];
    return x.end - x.start == y.end - y.start &&
           same_text(PyList_GET_ITEM(t->lines, i), x.start, PyList_GET_ITEM(t->lines, j),
                     y.start, x.end - x.start);
}

/* First line of the captions that line j concatenates, -1 when it does not; -2 when a
 * character is beyond the table, -3 on memory error. Mirrors captions._caption_block_start. */
static Py_ssize_t block_start(Tokens *t, Py_ssize_t j, Py_ssize_t min_parts,
                              Py_ssize_t max_part_words) {
    Py_ssize_t remaining = t->count[j], parts = 0, first = -1;
    for (Py_ssize_t i = j - 1; i >= 0 && remaining > 0; i--) {
        if (PyUnicode_GET_LENGTH(PyList_GET_ITEM(t->lines, i)) == 0) continue;
        int status = tokenize(t, i);
        if (status <= 0) return status == 0 ? -2 : -3;
        Py_ssize_t size = t->count[i];
        if (size) {
            if (size > max_part_words || size > remaining) return -1;
            for (Py_ssize_t k = 0; k < size; k++)
                if (!same_token(t, i, k, j, remaining - size + k)) return -1;
            remaining -= size;
            parts++;
        }
        first = i;
    }
    return remaining == 0 && parts >= min_parts ? first : -1;
}

PyDoc_STRVAR(caption_blocks_doc,
             "caption_blocks(lines, table, min_parts, max_part_words)\n--\n\n"
             "The (first, end) line ranges of the caption blocks captions.drop_caption_blocks\n"
             "finds, in order; None when a character beyond the table is in the way.\n"
             "table: 65,536 bytes, one per code point of the Basic Multilingual Plane,\n"
             "non-zero for word characters.");

static PyObject *scan_caption_blocks(PyObject *module, PyObject *args) {
    PyObject *lines;
    Py_buffer table;
    Py_ssize_t min_parts, max_part_words;
    if (!PyArg_ParseTuple(args, "O!y*nn:caption_blocks", &PyList_Type, &lines, &table,
                          &min_parts, &max_part_words))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    Tokens t = {lines, table.buf, NULL, NULL, NULL, 0, 0};
    /* One allocation: candidates, then per line its first span and span count, then the
     * first and last line of each block found. */
    Py_ssize_t *candidates = PyMem_Malloc(sizeof(Py_ssize_t) * (5 * n + 1));
    if (!candidates) {
        PyErr_NoMemory();
        goto done;
    }
    if (table.len != TABLE_SIZE) {
        PyErr_Format(PyExc_ValueError, "table: expected %d bytes, got %zd", TABLE_SIZE,
                     table.len);
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(lines, i))) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
            goto done;
        }
    }
    t.first = candidates + n;
    t.count = candidates + 2 * n;
    for (Py_ssize_t i = 0; i < n; i++) t.count[i] = -1;
    Py_ssize_t found = repeated_last_words(lines, t.table, candidates);
    if (found < 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    Py_ssize_t *block_first = candidates + 3 * n, *block_last = candidates + 4 * n;
    Py_ssize_t blocks = 0, bound = n; /* lines from bound on belong to a block found */
    for (Py_ssize_t c = found - 1; c >= 0; c--) {
        Py_ssize_t j = candidates[c];
        if (j >= bound) continue;
        int status = tokenize(&t, j);
        if (status <= 0) {
            if (status == 0) result = Py_NewRef(Py_None);
            goto done;
        }
        if (t.count[j] < min_parts) continue;
        Py_ssize_t first = block_start(&t, j, min_parts, max_part_words);
        if (first == -2) result = Py_NewRef(Py_None);
        if (first < -1) goto done;
        if (first >= 0) {
            block_first[blocks] = first;
            block_last[blocks++] = j;
            bound = first;
        }
    }
    result = PyList_New(blocks);
    for (Py_ssize_t b = 0; result && b < blocks; b++) { /* found from the end: reverse */
        Py_ssize_t k = blocks - 1 - b;
        PyObject *range = Py_BuildValue("(nn)", block_first[k], block_last[k] + 1);
        if (!range) Py_CLEAR(result);
        else PyList_SET_ITEM(result, b, range);
    }
done:
    PyMem_Free(candidates);
    PyMem_Free(t.spans);
    PyBuffer_Release(&table);
    return result;
}

PyDoc_STRVAR(open_line_ends_doc,
             "open_line_ends(lines)\n--\n\n"
             "Ascending indexes of the lines repair._OPEN_LINE_END matches the end of: a\n"
             "non-empty line ending in an ASCII letter, digit or comma or in any non-ASCII\n"
             "character, followed by a blank line that is not the last or by a line starting\n"
             "with a-z or a non-ASCII character.");

static PyObject *scan_open_line_ends(PyObject *module, PyObject *lines) {
    if (!PyList_Check(lines)) {
        PyErr_SetString(PyExc_TypeError, "lines: expected a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(lines);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(lines, i)))
            return PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
    }
    PyObject *found = PyList_New(0);
    for (Py_ssize_t i = 0; found && i + 1 < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i), *next = PyList_GET_ITEM(lines, i + 1);
        Py_ssize_t length = PyUnicode_GET_LENGTH(line);
        if (length == 0) continue;
        Py_UCS4 last = PyUnicode_READ_CHAR(line, length - 1);
        if (!(last >= 0x80 || last == ',' || (last >= '0' && last <= '9') ||
              (last >= 'A' && last <= 'Z') || (last >= 'a' && last <= 'z')))
            continue;
        if (PyUnicode_GET_LENGTH(next) == 0) {
            if (i + 2 == n) continue; /* a blank last line: no newline follows it */
        } else {
            Py_UCS4 first = PyUnicode_READ_CHAR(next, 0);
            if (!(first >= 0x80 || (first >= 'a' && first <= 'z'))) continue;
        }
        PyObject *index = PyLong_FromSsize_t(i);
        if (!index || PyList_Append(found, index) < 0) Py_CLEAR(found);
        Py_XDECREF(index);
    }
    return found;
}

PyDoc_STRVAR(long_repeats_doc,
             "long_repeats(lines, min_chars)\n--\n\n"
             "Every line of min_chars characters or more that equals an earlier line, in\n"
             "order (a line found three times is listed twice): copies.long_repeats's twin.");

static PyObject *scan_long_repeats(PyObject *module, PyObject *args) {
    PyObject *lines;
    Py_ssize_t min_chars;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &lines, &min_chars)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyList_GET_ITEM(lines, i)))
            return PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
    }
    PyObject *seen = PySet_New(NULL), *found = PyList_New(0);
    if (!seen || !found) goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (PyUnicode_GET_LENGTH(line) < min_chars) continue;
        int present = PySet_Contains(seen, line);
        if (present < 0) goto fail;
        if (present ? PyList_Append(found, line) : PySet_Add(seen, line)) goto fail;
    }
    Py_DECREF(seen);
    return found;
fail:
    Py_XDECREF(seen);
    Py_XDECREF(found);
    return NULL;
}

static PyMethodDef scan_methods[] = {
    {"open_line_ends", (PyCFunction)scan_open_line_ends, METH_O, open_line_ends_doc},
    {"caption_blocks", (PyCFunction)scan_caption_blocks, METH_VARARGS, caption_blocks_doc},
    {"long_repeats", (PyCFunction)scan_long_repeats, METH_VARARGS, long_repeats_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef scan_module = {
    PyModuleDef_HEAD_INIT, "_scan", "Compiled line scans of cleantext's rule actions.", -1,
    scan_methods,
};

/* BUILD_STAMP: the hash of the Python twins this was built from (setup.py, cleantext/_build.py). */
PyMODINIT_FUNC PyInit__scan(void) {
    PyObject *m = PyModule_Create(&scan_module);
    if (m && PyModule_AddStringConstant(m, "BUILD_STAMP", CLEANTEXT_BUILD_STAMP) < 0) Py_CLEAR(m);
    return m;
}
