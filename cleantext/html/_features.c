/* Compiled fast path of the HTML line model's features (cleantext/html/features.py).
 *
 * Why it exists: features.py computes a page's feature matrix with numpy over the whole page at
 * once, but a page has a few hundred lines, and at that size each of its ~150 numpy calls costs
 * more in fixed overhead than in arithmetic: a quarter of clean_html's time went there. Here
 * one pass over the lines' code points gathers the text counts, and the rest is a few loops
 * over the lines and the blocks.
 *
 * One source of truth: features.py is the reference (and what training uses). Python hands this
 * file its tables (the block-tag groups, the sentence-end and separator characters, the flag
 * bits) with every call, and checks the column layout once at load (check_layout): a column
 * this file does not compute in that place is refused with an error naming it. The numeric
 * thresholds below mirror features.py's; the build stamp (cleantext/_build.py) refuses this
 * module once features.py changes, until it is rebuilt.
 *
 * Contract: the same values as features.py, bit for bit. The arithmetic is the same operation
 * by operation (sums in the same order: numpy's cumulative sums and weighted counts add in
 * index order, and its sum of a float array is pairwise, reproduced by pairwise_sum);
 * logarithms come from tables numpy computed (log1p_table, log_table), because numpy's log and
 * log1p may round differently from the C library's. When a table is too short for a page, the
 * call returns the length it needs and Python calls again with longer tables.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N_TEXT 16
#define N_PAGE 13
#define N_CONTAINER 17
#define N_NEIGHBOUR 12
#define ANCESTOR_LEVELS 4
/* features.py: _PROSE_WORDS, _PROSE_LINK, and the thresholds of _candidate_scores */
#define PROSE_WORDS 8.0
#define PROSE_LINK 0.3

static const char *const TEXT_NAMES[N_TEXT] = {
    "log_chars", "log_words", "letters", "digits", "capitals", "spaces", "punctuation",
    "commas", "ends_sentence", "ends_colon", "starts_capital", "starts_digit",
    "has_separator", "link_density", "bold_density", "is_headline",
};
static const char *const PAGE_NAMES[N_PAGE] = {
    "position", "chars_before", "log_page_lines", "depth", "relative_depth", "block_lines",
    "is_prose", "log_repeats", "repeated_before", "log_kind_blocks", "log_parent_kind_blocks",
    "after_headline", "from_headline",
};
static const char *const CONTAINER_NAMES[N_CONTAINER] = {
    "prose_share_0", "prose_share_1", "prose_share_2", "prose_share_3", "prose_share_4",
    "link_share_0", "link_share_1", "link_share_2", "link_share_3", "link_share_4",
    "in_main", "main_depth_gap", "main_prose_share", "in_best", "best_depth_gap",
    "best_ancestor_score", "best_score_share",
};
static const char *const NEIGHBOUR_NAMES[N_NEIGHBOUR] = {
    "is_prose_w1", "link_density_w1", "log_chars_w1", "ends_sentence_w1",
    "is_prose_w3", "link_density_w3", "log_chars_w3", "ends_sentence_w3",
    "prev_is_prose", "next_is_prose", "prose_before", "prose_after",
};
static const Py_ssize_t WINDOWS[2] = {1, 3};

/* ---- helpers ------------------------------------------------------------------------------ */

/* numpy's sum of a contiguous float64 array (pairwise, blocks of 8 up to 128 elements). */
static double pairwise_sum(const double *a, Py_ssize_t n) {
    if (n < 8) {
        double res = 0.0;
        for (Py_ssize_t i = 0; i < n; i++) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        Py_ssize_t i;
        for (int j = 0; j < 8; j++) r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

static double clip(double v, double low, double high) {
    return v < low ? low : (v > high ? high : v);
}
static double max2(double a, double b) { return a > b ? a : b; }
static double min2(double a, double b) { return a < b ? a : b; }

/* The integers of tuple ``obj`` (of length ``n``) into ``out``; false with an exception set. */
static int read_ints(PyObject *obj, Py_ssize_t n, int64_t *out, const char *what) {
    if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != n) {
        PyErr_Format(PyExc_ValueError, "_features: %s must be a tuple of %zd integers", what, n);
        return 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long long v = PyLong_AsLongLong(PyTuple_GET_ITEM(obj, i));
        if (v == -1 && PyErr_Occurred()) return 0;
        out[i] = (int64_t)v;
    }
    return 1;
}

/* Whether ``code`` is one of the code points of ``chars`` (a short table from Python). */
static int one_of(Py_UCS4 code, const Py_UCS4 *chars, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        if (chars[i] == code) return 1;
    return 0;
}

/* whether code is in one of the ranges [ranges[0], ranges[1]], [ranges[2], ranges[3]]... */
static int in_ranges(Py_UCS4 code, const Py_UCS4 *ranges, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i + 1 < count; i += 2)
        if (code >= ranges[i] && code <= ranges[i + 1]) return 1;
    return 0;
}

static Py_UCS4 *code_points(PyObject *text, Py_ssize_t *count) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "_features: character tables must be str");
        return NULL;
    }
    *count = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *out = PyUnicode_AsUCS4Copy(text);
    return out;
}

static int check_part(PyObject *names, Py_ssize_t at, const char *const *expected, int count) {
    for (int k = 0; k < count; k++) {
        PyObject *name = PyTuple_GET_ITEM(names, at + k);
        if (!PyUnicode_Check(name) || PyUnicode_CompareWithASCIIString(name, expected[k]) != 0) {
            PyErr_Format(PyExc_ValueError,
                         "_features: feature column %zd is %R where this build computes %s; "
                         "rebuild the extension (pip install -e .)",
                         at + k, name, expected[k]);
            return 0;
        }
    }
    return 1;
}

/* check_layout(names, n_groups, n_flags): refuse a column layout other than the one computed. */
static PyObject *check_layout(PyObject *self, PyObject *args) {
    PyObject *names;
    Py_ssize_t n_groups, n_flags;
    if (!PyArg_ParseTuple(args, "O!nn:check_layout", &PyTuple_Type, &names, &n_groups, &n_flags))
        return NULL;
    Py_ssize_t total = N_TEXT + n_groups + n_flags + N_PAGE + N_CONTAINER + N_NEIGHBOUR;
    if (n_groups < 0 || n_flags < 0 || n_flags > 63 || PyTuple_GET_SIZE(names) != total) {
        PyErr_Format(PyExc_ValueError,
                     "_features: %zd feature columns where this build computes %zd; rebuild "
                     "the extension (pip install -e .)",
                     PyTuple_GET_SIZE(names), total);
        return NULL;
    }
    Py_ssize_t page = N_TEXT + n_groups + n_flags;
    if (!check_part(names, 0, TEXT_NAMES, N_TEXT) || !check_part(names, page, PAGE_NAMES, N_PAGE) ||
        !check_part(names, page + N_PAGE, CONTAINER_NAMES, N_CONTAINER) ||
        !check_part(names, page + N_PAGE + N_CONTAINER, NEIGHBOUR_NAMES, N_NEIGHBOUR))
        return NULL;
    Py_RETURN_NONE;
}

/* ---- the features ------------------------------------------------------------------------- */

typedef struct {
    /* per line */
    int64_t *block, *flags, *link_chars, *bold_chars, *repeat_index, *repeat_count;
    double *fchars, *letters, *link, *prose, *ends, *line_depth, *log_chars, *prefix;
    double *own_score;
    /* per block */
    int64_t *parent, *depth, *bflags, *kinds, *ends_at, *group, *per_block, *per_kind;
    double *cum, *candidate;
    /* code points of the lines joined by newlines */
    Py_UCS4 *codes;
    Py_UCS4 *sentence_end, *separators, *unspaced;
} Work;

static void free_work(Work *w) {
    void *all[] = {w->block, w->flags, w->link_chars, w->bold_chars, w->repeat_index,
                   w->repeat_count, w->fchars, w->letters, w->link, w->prose, w->ends,
                   w->line_depth, w->log_chars, w->prefix, w->own_score, w->parent,
                   w->depth, w->bflags, w->kinds, w->ends_at, w->group, w->per_block,
                   w->per_kind, w->cum, w->candidate, w->codes};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]);
    PyMem_Free(w->sentence_end);
    PyMem_Free(w->separators);
    PyMem_Free(w->unspaced);
}

/*
 * features(spec, lines, block, flags, link_chars, bold_chars, block_tags, block_parents,
 *          block_depths, block_flags, block_kinds, block_ends, headline, out, log1p_table,
 *          log_table) -> int
 *
 * spec: (groups: dict tag -> group or -1, sentence_end: str, separators: str, h1_bit: int,
 *        positive_bits: int, negative_bits: int, n_groups: int, n_flags: int,
 *        unspaced: str of (first, last) code point pairs, unspaced_chars_per_word: float).
 * Fills ``out`` (C-contiguous float64, one row per line) and returns 0, or returns the length
 * both tables need when one is too short for this page (``out`` is then incomplete).
 */
static PyObject *features(PyObject *self, PyObject *args) {
    PyObject *spec, *lines, *o_block, *o_flags, *o_link, *o_bold, *tags, *o_parents, *o_depths,
        *o_bflags, *o_kinds, *o_ends, *headline, *out_obj, *log1p_obj, *log_obj;
    if (!PyArg_ParseTuple(args, "O!O!OOOOO!OOOOOUOOO:features", &PyTuple_Type, &spec,
                          &PyTuple_Type, &lines, &o_block, &o_flags, &o_link, &o_bold,
                          &PyTuple_Type, &tags, &o_parents, &o_depths, &o_bflags, &o_kinds,
                          &o_ends, &headline, &out_obj, &log1p_obj, &log_obj))
        return NULL;
    PyObject *groups, *sentence_obj, *separator_obj, *unspaced_obj;
    long long h1_bit, positive_bits, negative_bits;
    Py_ssize_t n_groups, n_flags;
    double unspaced_per_word;
    if (!PyArg_ParseTuple(spec, "O!UULLLnnUd;features spec", &PyDict_Type, &groups,
                          &sentence_obj, &separator_obj, &h1_bit, &positive_bits,
                          &negative_bits, &n_groups, &n_flags, &unspaced_obj,
                          &unspaced_per_word))
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(lines), count = PyTuple_GET_SIZE(tags);
    Py_ssize_t ncols = N_TEXT + n_groups + n_flags + N_PAGE + N_CONTAINER + N_NEIGHBOUR;
    if (n == 0 || count == 0 || n_flags > 63 || h1_bit < 0 || h1_bit >= n_flags) {
        PyErr_SetString(PyExc_ValueError, "_features: a page with lines and blocks is needed");
        return NULL;
    }

    Py_buffer out = {0}, t1p = {0}, tlog = {0};
    PyObject *result = NULL;
    Work w;
    memset(&w, 0, sizeof w);
    if (PyObject_GetBuffer(out_obj, &out, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    if (out.ndim != 2 || out.itemsize != 8 || strcmp(out.format, "d") != 0 ||
        out.shape[0] != n || out.shape[1] != ncols) {
        PyErr_SetString(PyExc_ValueError,
                        "_features: out must be a float64 array (lines, columns)");
        goto done;
    }
    if (PyObject_GetBuffer(log1p_obj, &t1p, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(log_obj, &tlog, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    if (t1p.ndim != 1 || tlog.ndim != 1 || t1p.itemsize != 8 || tlog.itemsize != 8 ||
        strcmp(t1p.format, "d") != 0 || strcmp(tlog.format, "d") != 0) {
        PyErr_SetString(PyExc_ValueError, "_features: the log tables must be float64 vectors");
        goto done;
    }
    const double *LOG1P = t1p.buf, *LOG = tlog.buf;
    Py_ssize_t n_log1p = t1p.shape[0], n_log = tlog.shape[0];
    double *x = out.buf;
    Py_ssize_t sentence_count, separator_count, unspaced_count;
    w.sentence_end = code_points(sentence_obj, &sentence_count);
    w.separators = code_points(separator_obj, &separator_count);
    w.unspaced = code_points(unspaced_obj, &unspaced_count);
    if (!w.sentence_end || !w.separators || !w.unspaced) goto done;
    Py_UCS4 unspaced_from = unspaced_count ? w.unspaced[0] : 0x110000;
    for (Py_ssize_t i = 0; i < unspaced_count; i += 2)
        if (w.unspaced[i] < unspaced_from) unspaced_from = w.unspaced[i];

#define ALLOC(field, len, type)                                        \
    do {                                                               \
        w.field = calloc((size_t)(len) > 0 ? (size_t)(len) : 1, sizeof(type)); \
        if (!w.field) { PyErr_NoMemory(); goto done; }                 \
    } while (0)
    ALLOC(block, n, int64_t); ALLOC(flags, n, int64_t); ALLOC(link_chars, n, int64_t);
    ALLOC(bold_chars, n, int64_t); ALLOC(repeat_index, n, int64_t); ALLOC(repeat_count, n, int64_t);
    ALLOC(fchars, n, double); ALLOC(letters, n, double); ALLOC(link, n, double);
    ALLOC(prose, n, double); ALLOC(ends, n, double); ALLOC(line_depth, n, double);
    ALLOC(log_chars, n, double); ALLOC(prefix, (n + 1) * 4, double);
    ALLOC(own_score, count, double);
    ALLOC(parent, count, int64_t); ALLOC(depth, count, int64_t); ALLOC(bflags, count, int64_t);
    ALLOC(kinds, count, int64_t); ALLOC(ends_at, count, int64_t); ALLOC(group, count, int64_t);
    ALLOC(per_block, count, int64_t); ALLOC(cum, (count + 1) * 4, double);
    ALLOC(candidate, count, double);
    if (!read_ints(o_block, n, w.block, "block") || !read_ints(o_flags, n, w.flags, "flags") ||
        !read_ints(o_link, n, w.link_chars, "link_chars") ||
        !read_ints(o_bold, n, w.bold_chars, "bold_chars") ||
        !read_ints(o_parents, count, w.parent, "block_parents") ||
        !read_ints(o_depths, count, w.depth, "block_depths") ||
        !read_ints(o_bflags, count, w.bflags, "block_flags") ||
        !read_ints(o_kinds, count, w.kinds, "block_kinds") ||
        !read_ints(o_ends, count, w.ends_at, "block_ends"))
        goto done;
    int64_t max_kind = 0;
    for (Py_ssize_t b = 0; b < count; b++) {
        if (w.parent[b] < 0 || w.parent[b] >= count || w.kinds[b] < 0 || w.ends_at[b] <= b ||
            w.ends_at[b] > count) {
            PyErr_Format(PyExc_ValueError, "_features: block %zd has a parent, kind or end "
                         "out of range", b);
            goto done;
        }
        if (w.kinds[b] > max_kind) max_kind = w.kinds[b];
        PyObject *g = PyDict_GetItemWithError(groups, PyTuple_GET_ITEM(tags, b));
        if (!g) {
            if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, PyTuple_GET_ITEM(tags, b));
            goto done;
        }
        w.group[b] = PyLong_AsLongLong(g);
        if (w.group[b] == -1 && PyErr_Occurred()) goto done;
        if (w.group[b] >= n_groups) {
            PyErr_SetString(PyExc_ValueError, "_features: a block group out of range");
            goto done;
        }
    }
    ALLOC(per_kind, max_kind + 1, int64_t);
    for (Py_ssize_t b = 0; b < count; b++) w.per_kind[w.kinds[b]]++;

    /* lines: lengths, code points joined by newlines, repeats */
    Py_ssize_t total = n - 1, max_len = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyTuple_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line) || PyUnicode_GET_LENGTH(line) == 0) {
            PyErr_SetString(PyExc_ValueError, "_features: lines must be non-empty str");
            goto done;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(line);
        total += len;
        if (len > max_len) max_len = len;
        if (w.block[i] < 0 || w.block[i] >= count) {
            PyErr_Format(PyExc_ValueError, "_features: line %zd has a block out of range", i);
            goto done;
        }
        w.per_block[w.block[i]]++;
    }
    /* both tables are indexed by counts: characters and words of a line (up to its length + 1),
     * lines of the page or of a block, blocks of a kind */
    Py_ssize_t need = (max_len > n ? max_len : n) + 2;
    if (count + 1 > need) need = count + 1;
    if (n_log1p < need || n_log < need) {
        result = PyLong_FromSsize_t(need);
        goto done;
    }
    ALLOC(codes, total, Py_UCS4);
    {
        PyObject *first = PyDict_New();
        if (!first) goto done;
        Py_ssize_t at = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *line = PyTuple_GET_ITEM(lines, i);
            Py_ssize_t len = PyUnicode_GET_LENGTH(line);
            int kind = PyUnicode_KIND(line);
            const void *data = PyUnicode_DATA(line);
            for (Py_ssize_t k = 0; k < len; k++) w.codes[at + k] = PyUnicode_READ(kind, data, k);
            at += len;
            if (i + 1 < n) w.codes[at++] = '\n';
            PyObject *index = PyLong_FromSsize_t(i);
            if (!index) { Py_DECREF(first); goto done; }
            PyObject *seen = PyDict_SetDefault(first, line, index);
            Py_DECREF(index);
            if (!seen) { Py_DECREF(first); goto done; }
            w.repeat_index[i] = PyLong_AsSsize_t(seen);
            w.repeat_count[w.repeat_index[i]]++;
        }
        Py_DECREF(first);
    }

    Py_ssize_t c_group = N_TEXT, c_flag = c_group + n_groups, c_page = c_flag + n_flags;
    Py_ssize_t c_cont = c_page + N_PAGE, c_nb = c_cont + N_CONTAINER;
    memset(x, 0, sizeof(double) * (size_t)(n * ncols));

    /* --- text shape */
    Py_ssize_t headline_at = -1;
    int has_headline = PyUnicode_GET_LENGTH(headline) > 0;
    {
        Py_ssize_t start = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *line = PyTuple_GET_ITEM(lines, i);
            Py_ssize_t len = PyUnicode_GET_LENGTH(line);
            const Py_UCS4 *c = w.codes + start;
            double letters = 0, capitals = 0, spaces = 0, digits = 0, punct = 0, commas = 0;
            double unspaced = 0;
            for (Py_ssize_t k = 0; k < len; k++) {
                Py_UCS4 u = c[k];
                int upper = u >= 65 && u <= 90;
                letters += upper || (u >= 97 && u <= 122) || u >= 0xC0;
                capitals += upper;
                spaces += u == 32;
                digits += u >= 48 && u <= 57;
                punct += (u >= 33 && u <= 47) || (u >= 58 && u <= 64);
                commas += u == 44;
                if (u >= unspaced_from) unspaced += in_ranges(u, w.unspaced, unspaced_count);
            }
            double fchars = (double)len;
            double words = spaces + 1.0 + floor(unspaced / unspaced_per_word);
            Py_UCS4 first = c[0], last = c[len - 1];
            double link = min2((double)w.link_chars[i] / fchars, 1.0);
            double *row = x + i * ncols;
            w.fchars[i] = fchars;
            w.letters[i] = letters;
            w.link[i] = link;
            w.ends[i] = one_of(last, w.sentence_end, sentence_count);
            w.prose[i] = words >= PROSE_WORDS && link < PROSE_LINK;
            row[0] = LOG1P[len];
            row[1] = LOG1P[(Py_ssize_t)words];
            row[2] = letters / fchars;
            row[3] = digits / fchars;
            row[4] = capitals / max2(letters, 1.0);
            row[5] = spaces / fchars;
            row[6] = punct / fchars;
            row[7] = commas / words;
            row[8] = w.ends[i];
            row[9] = last == 58;
            row[10] = first >= 65 && first <= 90;
            row[11] = first >= 48 && first <= 57;
            /* row[12], has_separator, below */
            row[13] = link;
            row[14] = min2((double)w.bold_chars[i] / fchars, 1.0);
            if (has_headline) {
                int same = PyUnicode_Compare(line, headline);
                if (same == -1 && PyErr_Occurred()) goto done;
                row[15] = same == 0;
                if (same == 0 && headline_at < 0) headline_at = i;
            }
            start += len + 1;
        }
    }
    /* has_separator: a "|" anywhere, or a separator between two spaces (a newline counts as
     * one); a hit belongs to the line holding the "|" or the space before the separator, the
     * newline that ends a line being that line's */
    {
        Py_ssize_t line = 0, line_end = PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(lines, 0));
        for (Py_ssize_t p = 0; p < total; p++) {
            while (p > line_end) {
                line++;
                line_end += 1 + PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(lines, line));
            }
            Py_UCS4 u = w.codes[p];
            int hit = u == 124;
            if (!hit && total > 2 && p + 2 < total && (u == 32 || u == 10)) {
                Py_UCS4 v = w.codes[p + 2];
                hit = (v == 32 || v == 10) && one_of(w.codes[p + 1], w.separators, separator_count);
            }
            if (hit) x[line * ncols + 12] = 1.0;
        }
    }

    /* --- the block's tag group and the flags */
    for (Py_ssize_t i = 0; i < n; i++) {
        double *row = x + i * ncols;
        int64_t g = w.group[w.block[i]];
        if (g >= 0) row[c_group + g] = 1.0;
        for (Py_ssize_t k = 0; k < n_flags; k++) row[c_flag + k] = (double)((w.flags[i] >> k) & 1);
    }

    /* --- position, depth, repetition */
    double total_chars = 0, max_depth = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        total_chars += w.fchars[i];
        w.line_depth[i] = (double)w.depth[w.block[i]];
        if (i == 0 || w.line_depth[i] > max_depth) max_depth = w.line_depth[i];
    }
    total_chars = max2(total_chars, 1.0);
    max_depth = max2(max_depth, 1.0);
    if (headline_at < 0)
        for (Py_ssize_t i = 0; i < n && headline_at < 0; i++)
            if ((w.flags[i] >> h1_bit) & 1) headline_at = i;
    {
        double position_scale = (double)(n > 1 ? n - 1 : 1), before = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            double *row = x + i * ncols + c_page;
            int64_t b = w.block[i];
            before += w.fchars[i];
            row[0] = (double)i / position_scale;
            row[1] = (before - w.fchars[i]) / total_chars;
            row[2] = LOG1P[n];
            row[3] = w.line_depth[i];
            row[4] = w.line_depth[i] / max_depth;
            row[5] = LOG1P[w.per_block[b]];
            row[6] = w.prose[i];
            row[7] = LOG[w.repeat_count[w.repeat_index[i]]];
            row[8] = w.repeat_index[i] != i;
            row[9] = LOG[w.per_kind[w.kinds[b]]];
            row[10] = LOG[w.per_kind[w.kinds[w.parent[b]]]];
            if (headline_at >= 0) {
                row[11] = i >= headline_at;
                row[12] = (double)(i - headline_at) / (double)n;
            }
        }
    }

    /* --- containers: prose and link shares of the block's ancestors */
    {
        double *own = w.cum; /* reuse: own sums in rows 1.., then prefix sums in place */
        for (Py_ssize_t i = 0; i < n; i++) {
            double *o = own + (w.block[i] + 1) * 4;
            o[0] += w.prose[i] ? w.fchars[i] : 0.0;
            o[1] += w.fchars[i];
            o[2] += min2((double)w.link_chars[i], w.fchars[i]);
        }
        for (Py_ssize_t b = 0; b < count; b++) {
            double *prev = own + b * 4, *here = own + (b + 1) * 4;
            here[3] = 1.0;
            for (int k = 0; k < 4; k++) here[k] = prev[k] + here[k];
        }
    }
#define SUB(b, k) (w.cum[w.ends_at[b] * 4 + (k)] - w.cum[(b) * 4 + (k)])
    double total_prose = max2(SUB(0, 0), 1.0);
    Py_ssize_t main = 0;
    if (SUB(0, 0) > 0) {
        double half = 0.5 * SUB(0, 0);
        int64_t best_depth = -1;
        for (Py_ssize_t b = 0; b < count; b++)
            if (SUB(b, 0) >= half && w.depth[b] > best_depth) {
                best_depth = w.depth[b];
                main = b;
            }
    }
    /* the content score of each block (features._candidate_scores) */
    for (Py_ssize_t i = 0; i < n; i++) {
        double chars = w.fchars[i];
        int usable = chars >= 25 && w.link[i] < 0.5 && w.letters[i] > 0.5 * chars;
        w.own_score[w.block[i]] += usable ? 1.0 + min2(chars / 100.0, 3.0) : 0.0;
    }
    for (Py_ssize_t b = 0; b < count; b++) w.candidate[w.parent[b]] += w.own_score[b];
    for (Py_ssize_t b = 0; b < count; b++)
        w.candidate[w.parent[w.parent[b]]] += w.own_score[b] / 2.0;
    for (Py_ssize_t b = 0; b < count; b++) {
        int64_t own_flags = w.bflags[b] & ~w.bflags[w.parent[b]];
        double score = w.candidate[b];
        score += ((own_flags & positive_bits) ? 5.0 : 0.0) * (double)(score > 0);
        score *= (own_flags & negative_bits) ? 0.25 : 1.0;
        score *= 1.0 - SUB(b, 2) / max2(SUB(b, 1), 1.0);
        w.candidate[b] = score;
    }
    w.candidate[0] = 0.0;
    Py_ssize_t best = 0;
    for (Py_ssize_t b = 1; b < count; b++)
        if (w.candidate[b] > w.candidate[best]) best = b;
    double top = max2(w.candidate[best], 1e-9);
    double score_share = top / max2(pairwise_sum(w.candidate, count), 1e-9);
    for (Py_ssize_t i = 0; i < n; i++) {
        double *row = x + i * ncols + c_cont;
        int64_t a = w.block[i];
        double best_ancestor = 0.0;
        for (int level = 0; level <= ANCESTOR_LEVELS; level++) {
            row[level] = SUB(a, 0) / total_prose;
            row[ANCESTOR_LEVELS + 1 + level] = SUB(a, 2) / max2(SUB(a, 1), 1.0);
            double v = w.candidate[a] / top;
            best_ancestor = v > best_ancestor ? v : best_ancestor;
            a = w.parent[a];
        }
        int64_t b = w.block[i];
        row[10] = b >= main && b < w.ends_at[main];
        row[11] = clip(w.line_depth[i] - (double)w.depth[main], -5, 10) / 10.0;
        row[12] = SUB(main, 0) / total_prose;
        row[13] = b >= best && b < w.ends_at[best];
        row[14] = clip(w.line_depth[i] - (double)w.depth[best], -5, 10) / 10.0;
        row[15] = best_ancestor;
        row[16] = score_share;
    }
#undef SUB

    /* --- neighbourhood: the same signals averaged over windows, prose around */
    {
        double *signals[4] = {w.prose, w.link, w.log_chars, w.ends};
        for (Py_ssize_t i = 0; i < n; i++) w.log_chars[i] = LOG1P[(Py_ssize_t)w.fchars[i]];
        double *prefix = w.prefix;
        for (int s = 0; s < 4; s++) prefix[s] = 0.0;
        for (Py_ssize_t i = 0; i < n; i++)
            for (int s = 0; s < 4; s++) prefix[(i + 1) * 4 + s] = prefix[i * 4 + s] + signals[s][i];
        double prose_total = prefix[n * 4 + 0], scale = max2(prose_total, 1.0);
        for (Py_ssize_t i = 0; i < n; i++) {
            double *row = x + i * ncols + c_nb;
            for (int k = 0; k < 2; k++) {
                Py_ssize_t low = i - WINDOWS[k] < 0 ? 0 : i - WINDOWS[k];
                Py_ssize_t high = i + WINDOWS[k] + 1 > n ? n : i + WINDOWS[k] + 1;
                for (int s = 0; s < 4; s++)
                    row[k * 4 + s] =
                        (prefix[high * 4 + s] - prefix[low * 4 + s]) / (double)(high - low);
            }
            row[8] = i > 0 ? w.prose[i - 1] : 0.0;
            row[9] = i + 1 < n ? w.prose[i + 1] : 0.0;
            double upto = prefix[(i + 1) * 4 + 0];
            row[10] = (upto - w.prose[i]) / scale;
            row[11] = (prose_total - upto) / scale;
        }
    }
    result = PyLong_FromLong(0);

done:
    free_work(&w);
    if (out.obj) PyBuffer_Release(&out);
    if (t1p.obj) PyBuffer_Release(&t1p);
    if (tlog.obj) PyBuffer_Release(&tlog);
    return result;
}

/* ---- stage-2 inputs (model.smooth_features) ------------------------------------------------ */

#define N_SMOOTH_SCORES 17
static const char *const SMOOTH_SCORE_NAMES[N_SMOOTH_SCORES] = {
    "p", "p_w1", "p_w2", "p_w4", "p_w8", "p_prev", "p_next", "p_max_before", "p_max_after",
    "p_page_mean", "p_page_max", "p_rel_max", "p_rank", "p_container_0", "p_container_1",
    "p_container_2", "p_container_3",
};
static const Py_ssize_t SMOOTH_WINDOWS[4] = {1, 2, 4, 8};
#define CONTAINER_LEVELS 4

/* check_smooth_layout(names, n_line_columns): refuse stage-2 columns other than computed. */
static PyObject *check_smooth_layout(PyObject *self, PyObject *args) {
    PyObject *names;
    Py_ssize_t n_line;
    if (!PyArg_ParseTuple(args, "O!n:check_smooth_layout", &PyTuple_Type, &names, &n_line))
        return NULL;
    if (n_line < 0 || PyTuple_GET_SIZE(names) != N_SMOOTH_SCORES + n_line) {
        PyErr_Format(PyExc_ValueError,
                     "_features: %zd stage-2 columns where this build computes %zd; rebuild "
                     "the extension (pip install -e .)",
                     PyTuple_GET_SIZE(names), N_SMOOTH_SCORES + n_line);
        return NULL;
    }
    if (!check_part(names, 0, SMOOTH_SCORE_NAMES, N_SMOOTH_SCORES)) return NULL;
    Py_RETURN_NONE;
}

typedef struct {
    double value;
    Py_ssize_t index;
} Ranked;

/* numpy's stable argsort: by value, ties in index order */
static int by_value_then_index(const void *a, const void *b) {
    const Ranked *x = a, *y = b;
    if (x->value < y->value) return -1;
    if (x->value > y->value) return 1;
    return (x->index > y->index) - (x->index < y->index);
}

/*
 * smooth(p, x, line_columns, block, block_parents, out) -> None
 *
 * Stage-2 inputs of each line from the stage-1 scores ``p`` (float64, one per line), the
 * columns ``line_columns`` of the stage-1 inputs ``x`` copied after them; ``out`` is a
 * C-contiguous float64 array (lines, 17 + len(line_columns)).
 */
static PyObject *smooth(PyObject *self, PyObject *args) {
    PyObject *p_obj, *x_obj, *columns, *o_block, *o_parents, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO!O!O!O:smooth", &p_obj, &x_obj, &PyTuple_Type, &columns,
                          &PyTuple_Type, &o_block, &PyTuple_Type, &o_parents, &out_obj))
        return NULL;
    Py_buffer pb = {0}, xb = {0}, ob = {0};
    PyObject *result = NULL;
    int64_t *block = NULL, *parent = NULL, *ancestor = NULL, *counts = NULL, *cols = NULL;
    double *cum = NULL, *sums = NULL;
    Ranked *ranked = NULL;
    if (PyObject_GetBuffer(p_obj, &pb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(x_obj, &xb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0 ||
        PyObject_GetBuffer(out_obj, &ob, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        goto done;
    Py_ssize_t n = PyTuple_GET_SIZE(o_block), count = PyTuple_GET_SIZE(o_parents);
    Py_ssize_t n_line = PyTuple_GET_SIZE(columns), width = N_SMOOTH_SCORES + n_line;
    if (pb.ndim != 1 || pb.itemsize != 8 || strcmp(pb.format, "d") != 0 || pb.shape[0] != n ||
        xb.ndim != 2 || xb.itemsize != 8 || strcmp(xb.format, "d") != 0 || xb.shape[0] != n ||
        ob.ndim != 2 || ob.itemsize != 8 || strcmp(ob.format, "d") != 0 || ob.shape[0] != n ||
        ob.shape[1] != width || n == 0 || count == 0) {
        PyErr_SetString(PyExc_ValueError,
                        "_features: smooth needs float64 scores, inputs and out of one row per "
                        "line, out as wide as the stage-2 columns");
        goto done;
    }
    const double *p = pb.buf, *x = xb.buf;
    double *z = ob.buf;
    Py_ssize_t ncols = xb.shape[1];
    block = malloc(sizeof(int64_t) * (size_t)n);
    ancestor = malloc(sizeof(int64_t) * (size_t)n);
    parent = malloc(sizeof(int64_t) * (size_t)count);
    counts = malloc(sizeof(int64_t) * (size_t)count);
    sums = malloc(sizeof(double) * (size_t)count);
    cols = malloc(sizeof(int64_t) * (size_t)(n_line > 0 ? n_line : 1));
    cum = malloc(sizeof(double) * (size_t)(n + 1));
    ranked = malloc(sizeof(Ranked) * (size_t)n);
    if (!block || !ancestor || !parent || !counts || !sums || !cols || !cum || !ranked) {
        PyErr_NoMemory();
        goto done;
    }
    if (!read_ints(o_block, n, block, "block") ||
        !read_ints(o_parents, count, parent, "block_parents") ||
        !read_ints(columns, n_line, cols, "line_columns"))
        goto done;
    for (Py_ssize_t i = 0; i < n; i++)
        if (block[i] < 0 || block[i] >= count) {
            PyErr_Format(PyExc_ValueError, "_features: line %zd has a block out of range", i);
            goto done;
        }
    for (Py_ssize_t b = 0; b < count; b++)
        if (parent[b] < 0 || parent[b] >= count) {
            PyErr_Format(PyExc_ValueError, "_features: block %zd has a parent out of range", b);
            goto done;
        }
    for (Py_ssize_t k = 0; k < n_line; k++)
        if (cols[k] < 0 || cols[k] >= ncols) {
            PyErr_SetString(PyExc_ValueError, "_features: a line column out of range");
            goto done;
        }

    cum[0] = 0.0;
    double top = p[0];
    for (Py_ssize_t i = 0; i < n; i++) {
        cum[i + 1] = cum[i] + p[i];
        if (p[i] > top) top = p[i];
        ranked[i].value = p[i];
        ranked[i].index = i;
    }
    qsort(ranked, (size_t)n, sizeof(Ranked), by_value_then_index);
    double rank_scale = (double)(n > 1 ? n - 1 : 1), mean = cum[n] / (double)n;
    double rel_scale = max2(top, 1e-6), before = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *row = z + i * width;
        row[0] = p[i];
        for (int k = 0; k < 4; k++) {
            Py_ssize_t low = i - SMOOTH_WINDOWS[k] < 0 ? 0 : i - SMOOTH_WINDOWS[k];
            Py_ssize_t high = i + SMOOTH_WINDOWS[k] + 1 > n ? n : i + SMOOTH_WINDOWS[k] + 1;
            row[1 + k] = (cum[high] - cum[low]) / (double)(high - low);
        }
        row[5] = i > 0 ? p[i - 1] : 0.0;
        row[6] = i + 1 < n ? p[i + 1] : 0.0;
        row[7] = before; /* the highest score before this line (0 for the first) */
        if (i == 0 || p[i] > before) before = p[i];
        row[9] = mean;
        row[10] = top;
        row[11] = p[i] / rel_scale;
    }
    {
        double after = 0.0;
        for (Py_ssize_t i = n - 1; i >= 0; i--) {
            z[i * width + 8] = after;
            if (i == n - 1 || p[i] > after) after = p[i];
        }
    }
    for (Py_ssize_t k = 0; k < n; k++) z[ranked[k].index * width + 12] = (double)k / rank_scale;
    for (Py_ssize_t i = 0; i < n; i++) ancestor[i] = block[i];
    for (int level = 0; level < CONTAINER_LEVELS; level++) {
        if (level > 0)
            for (Py_ssize_t i = 0; i < n; i++) ancestor[i] = parent[ancestor[i]];
        memset(sums, 0, sizeof(double) * (size_t)count);
        memset(counts, 0, sizeof(int64_t) * (size_t)count);
        for (Py_ssize_t i = 0; i < n; i++) {
            sums[ancestor[i]] += p[i];
            counts[ancestor[i]]++;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            z[i * width + 13 + level] = sums[ancestor[i]] / (double)counts[ancestor[i]];
    }
    for (Py_ssize_t i = 0; i < n; i++)
        for (Py_ssize_t k = 0; k < n_line; k++)
            z[i * width + N_SMOOTH_SCORES + k] = x[i * ncols + cols[k]];
    Py_INCREF(Py_None);
    result = Py_None;

done:
    free(block); free(ancestor); free(parent); free(counts); free(sums); free(cols); free(cum);
    free(ranked);
    if (pb.obj) PyBuffer_Release(&pb);
    if (xb.obj) PyBuffer_Release(&xb);
    if (ob.obj) PyBuffer_Release(&ob);
    return result;
}

static PyMethodDef features_methods[] = {
    {"check_layout", check_layout, METH_VARARGS,
     "check_layout(names, n_groups, n_flags): refuse a feature layout this build does not "
     "compute."},
    {"check_smooth_layout", check_smooth_layout, METH_VARARGS,
     "check_smooth_layout(names, n_line_columns): refuse stage-2 columns this build does not "
     "compute."},
    {"smooth", smooth, METH_VARARGS,
     "smooth(p, x, line_columns, block, block_parents, out): the stage-2 inputs into out."},
    {"features", features, METH_VARARGS,
     "features(spec, lines, block, flags, link_chars, bold_chars, block_tags, block_parents, "
     "block_depths, block_flags, block_kinds, block_ends, headline, out, log1p_table, "
     "log_table) -> 0, or the table length the page needs."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef features_module = {
    PyModuleDef_HEAD_INIT, "_features",
    "Compiled fast path of cleantext's HTML line features.", -1, features_methods,
};

/* BUILD_STAMP: the hash of the Python twin this was built from (setup.py, cleantext/_build.py). */
PyMODINIT_FUNC PyInit__features(void) {
    PyObject *m = PyModule_Create(&features_module);
    if (!m) return NULL;
    if (PyModule_AddStringConstant(m, "BUILD_STAMP", CLEANTEXT_BUILD_STAMP) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
