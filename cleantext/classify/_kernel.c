/* Compiled fast path of the generic line classifier: features, both MLP stages and the decision
 * policy, in one call per look at a document.
 *
 * Why it exists: the numpy implementation (features.py, model.py, decide.py) is the reference
 * and what the training scripts use, but it spends ~100 numpy calls per page plus several
 * passes over every character; on pages of a few hundred lines the fixed cost per call
 * dominates. Here one pass over each line's code points gathers every count, and the rest is a
 * few loops over the lines, so a page costs tens of microseconds.
 *
 * One source of truth: this file knows how to compute each feature *by name*, but not which
 * features the model uses or in what order. Python hands over the layout when it builds a
 * Kernel (the stage-1 column names, the stage-2 column names, the character-class and case
 * tables, the policy), and a name this file does not know is refused with an error naming it:
 * a layout mismatch can never silently compute something else.
 *
 * Contract: the same values as features.py, model.py and decide.py, with the same arithmetic
 * where it decides exact values (prefix sums, window widths, clipping, divisions); logarithms
 * of integer counts come from tables computed by numpy, so they are bit-identical too. What
 * differs is the perceptrons' precision: their layers run in single precision (twice the
 * products per vector instruction: a third less time for the classifier on whole pages), so
 * scores differ from numpy's double-precision ones by about 1e-6, and by up to 2e-3 where stage
 * 2's rank of a score on its page swaps two near-equal ones. The bits are the same on every
 * machine (sums in input order, no fused multiply-add). tests/test_classify_kernel.py compares
 * the two paths, and benchmarks/classifier/check_identical.py checks decisions on the corpus.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Character classes, numbered as in features.py (its CLASS_TABLE holds these numbers). */
enum {
    OTHER, SPACE, LOWER, UPPER, CASELESS, DIGIT, STOP, COMMA, SEP, QUOTE, DASH, MARKER,
    NEWLINE, CJK, COLON, N_CLASSES
};

static inline int is_word(int c) { return c == LOWER || c == UPPER || c == CASELESS || c == DIGIT; }

/* Word-start category by class: 0 lower, 1 upper, 2 digit, 3 caseless (+4 when short). */
static const int START_CAT[N_CLASSES] = {3, 3, 0, 1, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3};
/* Classes counted per word, in the order of the columns stop_rate .. marker_rate. */
static const int PER_WORD[6] = {STOP, COMMA, SEP, QUOTE, DASH, MARKER};

/* Every per-line quantity this file can compute, and its name in features.py. */
enum {
    B_LOG_CHARS, B_LOG_WORDS, B_MEAN_WORD_LEN, B_ENDS_STOP, B_ENDS_COLON, B_ENDS_OTHER,
    B_STARTS_UPPER, B_STARTS_DIGIT, B_STARTS_OTHER, B_STOP_RATE, B_COMMA_RATE, B_SEP_RATE,
    B_QUOTE_RATE, B_DASH_RATE, B_MARKER_RATE, B_DIGIT_RATE, B_UPPER_RATE, B_OTHER_RATE,
    B_LOWER_WORD_SHARE, B_SHORT_LOWER_SHARE, B_CAP_WORD_SHARE, B_DIGIT_WORD_SHARE, B_CJK_SHARE,
    B_LOG_REPEATS, B_RANK, B_TEXT_BEFORE, B_REL_LEN, B_SENTENCE_LIKE, B_LABEL_COLON,
    B_STARTS_DASH, B_PAGE_LOG_LINES, B_PAGE_SENTENCE_SHARE, B_MASS_BEFORE, B_MASS_AFTER,
    B_PREV_LOG_CHARS, B_NEXT_LOG_CHARS, B_TITLE_SHARE, B_TITLE_COVER, B_IS_FIRST,
    B_HEADLINE_SIDE, B_HEADLINE_OFFSET, B_IS_HEADLINE, B_PROSE_WORDS, N_BASE
};
static const char *const BASE_NAMES[N_BASE] = {
    "log_chars", "log_words", "mean_word_len", "ends_stop", "ends_colon", "ends_other",
    "starts_upper", "starts_digit", "starts_other", "stop_rate", "comma_rate", "sep_rate",
    "quote_rate", "dash_rate", "marker_rate", "digit_rate", "upper_rate", "other_rate",
    "lower_word_share", "short_lower_share", "cap_word_share", "digit_word_share", "cjk_share",
    "log_repeats", "rank", "text_before", "rel_len", "sentence_like", "label_colon",
    "starts_dash", "page_log_lines", "page_sentence_share", "mass_before", "mass_after",
    "prev_log_chars", "next_log_chars", "title_share", "title_cover", "is_first",
    "headline_side", "headline_offset", "is_headline", "prose_words",
};

/* The page detector's document-level features (kind.py), and their names. */
enum {
    K_LOG_LINES, K_SHORT_SHARE, K_TOP_SHORT_SHARE, K_BOTTOM_SHORT_SHARE, K_REMOVED_SHARE,
    K_HAS_HEADLINE, K_HEADLINE_POSITION, K_SENTENCE_SHARE, K_LOG_MEAN_CHARS, K_REPEATED_SHARE,
    N_KIND
};
static const char *const KIND_NAMES[N_KIND] = {
    "log_lines", "short_share", "top_short_share", "bottom_short_share", "removed_share",
    "has_headline", "headline_position", "sentence_share", "log_mean_chars", "repeated_share",
};
#define SHORT_CHARS 30
#define SHORT_SPACES 4
#define EDGE_LINES 10

/* Every stage-2 quantity this file can compute (model.smooth_features), besides copies of
 * stage-1 columns. */
enum {
    S_P, S_WINDOW, S_PREV, S_NEXT, S_MAX_BEFORE, S_MAX_AFTER, S_MEAN_BEFORE, S_MEAN_AFTER,
    S_PAGE_MEAN, S_PAGE_MAX, S_REL_MAX, S_QUANTILE, S_WHOLE_PAGE, S_FEATURE, N_SMOOTH_KINDS
};
static const char *const SMOOTH_KIND_NAMES[N_SMOOTH_KINDS] = {
    "p", NULL, "p_prev", "p_next", "p_max_before", "p_max_after", "p_mean_before",
    "p_mean_after", "p_page_mean", "p_page_max", "p_rel_max", "p_quantile", "whole_page", NULL,
};

/* One input column of a stage: what it holds (a B_ or S_ kind), and for windows the
 * half-width; for S_FEATURE the stage-1 column it copies. */
typedef struct {
    int kind;
    int arg;
} Column;

#define MAX_COLUMNS 256
#define PAGE_MIN_LINES 5 /* kind.PAGE_MIN_LINES: fewer lines are never a whole page */
#define MAX_HALF 64
#define MAX_BLOCK_STEPS 16 /* decide.MAX_BLOCK_STEPS: thresholds likeliest_article tries */

/* A name "<base>_w<k>" (k a positive integer): 1 with *half = k and the base's length in
 * *base_len, else 0. */
static int window_name(const char *name, Py_ssize_t len, Py_ssize_t *base_len, int *half) {
    Py_ssize_t at = len;
    while (at > 0 && name[at - 1] >= '0' && name[at - 1] <= '9') at--;
    if (at == len || at < 3 || name[at - 1] != 'w' || name[at - 2] != '_') return 0;
    if (len - at > 2) return 0;
    *half = atoi(name + at);
    *base_len = at - 2;
    return *half >= 1 && *half <= MAX_HALF;
}

static int base_id(const char *name, Py_ssize_t len) {
    for (int b = 0; b < N_BASE; b++)
        if ((Py_ssize_t)strlen(BASE_NAMES[b]) == len && memcmp(BASE_NAMES[b], name, len) == 0)
            return b;
    return -1;
}

/* Stage-1 columns from a tuple of names: a base name, or a base name and "_w<k>" for its mean
 * over the lines i-k .. i+k. 0, or -1 with a ValueError naming what is unknown. */
static int parse_features(PyObject *names, Column *cols, int *count) {
    if (!PyTuple_Check(names) || PyTuple_GET_SIZE(names) < 1 ||
        PyTuple_GET_SIZE(names) > MAX_COLUMNS) {
        PyErr_SetString(PyExc_ValueError, "layout: features must be a non-empty tuple of names");
        return -1;
    }
    *count = (int)PyTuple_GET_SIZE(names);
    for (int c = 0; c < *count; c++) {
        Py_ssize_t len;
        const char *name = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(names, c), &len);
        if (!name) return -1;
        int b = base_id(name, len), half = 0;
        Py_ssize_t base_len;
        if (b >= 0) {
            cols[c].kind = b;
            cols[c].arg = 0;
        } else if (window_name(name, len, &base_len, &half) && (b = base_id(name, base_len)) >= 0) {
            cols[c].kind = b;
            cols[c].arg = half;
        } else {
            PyErr_Format(PyExc_ValueError,
                         "layout: this kernel cannot compute the feature %R; rebuild it from "
                         "the installed sources (pip install .)",
                         PyTuple_GET_ITEM(names, c));
            return -1;
        }
    }
    return 0;
}

/* Stage-2 columns from a tuple of names: a SMOOTH_KIND_NAMES entry, "p_w<k>", or the name of
 * a stage-1 column (copied). */
static int parse_smooth(PyObject *names, PyObject *features, Column *cols, int *count) {
    if (!PyTuple_Check(names) || PyTuple_GET_SIZE(names) < 1 ||
        PyTuple_GET_SIZE(names) > MAX_COLUMNS) {
        PyErr_SetString(PyExc_ValueError, "layout: smooth must be a non-empty tuple of names");
        return -1;
    }
    *count = (int)PyTuple_GET_SIZE(names);
    for (int c = 0; c < *count; c++) {
        PyObject *item = PyTuple_GET_ITEM(names, c);
        Py_ssize_t len;
        const char *name = PyUnicode_AsUTF8AndSize(item, &len);
        if (!name) return -1;
        int found = 0, half;
        Py_ssize_t base_len;
        for (int k = 0; k < N_SMOOTH_KINDS && !found; k++) {
            const char *known = SMOOTH_KIND_NAMES[k];
            if (known && (Py_ssize_t)strlen(known) == len && memcmp(known, name, len) == 0) {
                cols[c].kind = k;
                cols[c].arg = 0;
                found = 1;
            }
        }
        if (!found && window_name(name, len, &base_len, &half) && base_len == 1 && name[0] == 'p') {
            cols[c].kind = S_WINDOW;
            cols[c].arg = half;
            found = 1;
        }
        for (Py_ssize_t f = 0; !found && f < PyTuple_GET_SIZE(features); f++) {
            int same = PyUnicode_Compare(PyTuple_GET_ITEM(features, f), item);
            if (same == -1 && PyErr_Occurred()) return -1;
            if (same == 0) {
                cols[c].kind = S_FEATURE;
                cols[c].arg = (int)f;
                found = 1;
            }
        }
        if (!found) {
            PyErr_Format(PyExc_ValueError,
                         "layout: this kernel cannot compute the stage-2 input %R; rebuild it "
                         "from the installed sources (pip install .)",
                         item);
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* ---------------------------------------------------------------------------------------- */
/* A folded perceptron (model.FoldedMlp): clip, first layer with one of several biases, then  */
/* ReLU layers, logistic output of one unit.                                                  */

#define MAX_LAYERS 8

typedef struct {
    int n_in;
    int n_layers;            /* weight matrices, the first included */
    int sizes[MAX_LAYERS + 1];  /* sizes[0] = n_in, sizes[l + 1] = outputs of layer l */
    int n_first_biases;
    double *low, *high;
    float *weights[MAX_LAYERS];  /* row-major, sizes[l] x sizes[l + 1] */
    float *biases[MAX_LAYERS];   /* layer 0: n_first_biases rows of sizes[1] */
    int widest;
} Mlp;

static void mlp_free(Mlp *m) {
    PyMem_Free(m->low);
    PyMem_Free(m->high);
    for (int l = 0; l < m->n_layers; l++) {
        PyMem_Free(m->weights[l]);
        PyMem_Free(m->biases[l]);
    }
    memset(m, 0, sizeof(*m));
}

/* Copy a C-contiguous float64 buffer of exactly `count` items; sets an error otherwise. */
static double *copy_doubles(PyObject *obj, Py_ssize_t count, const char *what) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    double *out = NULL;
    if (view.itemsize != (Py_ssize_t)sizeof(double) || view.format == NULL ||
        strcmp(view.format, "d") != 0 || view.len != count * (Py_ssize_t)sizeof(double)) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd float64 values", what, count);
    } else if ((out = PyMem_Malloc(view.len)) == NULL) {
        PyErr_NoMemory();
    } else {
        memcpy(out, view.buf, view.len);
    }
    PyBuffer_Release(&view);
    return out;
}

/* The same, rounded to single precision (the perceptrons' weights). */
static float *copy_singles(PyObject *obj, Py_ssize_t count, const char *what) {
    double *values = copy_doubles(obj, count, what);
    if (!values) return NULL;
    float *out = PyMem_Malloc(sizeof(float) * (count > 0 ? count : 1));
    if (!out) {
        PyErr_NoMemory();
    } else {
        for (Py_ssize_t i = 0; i < count; i++) out[i] = (float)values[i];
    }
    PyMem_Free(values);
    return out;
}

/* Build from (low, high, sizes, first_biases, [w0, w1, ...], [b1, b2, ...]). */
static int mlp_init(Mlp *m, PyObject *spec) {
    PyObject *low, *high, *sizes, *first_biases, *weights, *rest_biases;
    memset(m, 0, sizeof(*m));
    if (!PyArg_ParseTuple(spec, "OOO!O!O!O!;model spec", &low, &high, &PyTuple_Type, &sizes,
                          &PyTuple_Type, &first_biases, &PyTuple_Type, &weights, &PyTuple_Type,
                          &rest_biases))
        return -1;
    Py_ssize_t n_layers = PyTuple_GET_SIZE(weights);
    if (n_layers < 1 || n_layers > MAX_LAYERS || PyTuple_GET_SIZE(sizes) != n_layers + 1 ||
        PyTuple_GET_SIZE(rest_biases) != n_layers - 1 || PyTuple_GET_SIZE(first_biases) < 1) {
        PyErr_SetString(PyExc_ValueError, "model spec: inconsistent layer counts");
        return -1;
    }
    m->n_layers = (int)n_layers;
    for (Py_ssize_t i = 0; i <= n_layers; i++) {
        long size = PyLong_AsLong(PyTuple_GET_ITEM(sizes, i));
        if (size < 1) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "model spec: bad size");
            return -1;
        }
        m->sizes[i] = (int)size;
        if (size > m->widest) m->widest = (int)size;
    }
    if (m->sizes[n_layers] != 1) {
        PyErr_SetString(PyExc_ValueError, "model spec: the last layer must have one output");
        return -1;
    }
    m->n_in = m->sizes[0];
    m->n_first_biases = (int)PyTuple_GET_SIZE(first_biases);
    if (!(m->low = copy_doubles(low, m->n_in, "low"))) goto fail;
    if (!(m->high = copy_doubles(high, m->n_in, "high"))) goto fail;
    for (int l = 0; l < m->n_layers; l++) {
        m->weights[l] = copy_singles(PyTuple_GET_ITEM(weights, l),
                                     (Py_ssize_t)m->sizes[l] * m->sizes[l + 1], "weights");
        if (!m->weights[l]) goto fail;
    }
    m->biases[0] = PyMem_Malloc(sizeof(float) * m->n_first_biases * m->sizes[1]);
    if (!m->biases[0]) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int b = 0; b < m->n_first_biases; b++) {
        float *one = copy_singles(PyTuple_GET_ITEM(first_biases, b), m->sizes[1], "bias");
        if (!one) goto fail;
        memcpy(m->biases[0] + (Py_ssize_t)b * m->sizes[1], one, sizeof(float) * m->sizes[1]);
        PyMem_Free(one);
    }
    for (int l = 1; l < m->n_layers; l++) {
        m->biases[l] = copy_singles(PyTuple_GET_ITEM(rest_biases, l - 1), m->sizes[l + 1], "bias");
        if (!m->biases[l]) goto fail;
    }
    return 0;
fail:
    mlp_free(m);
    return -1;
}

/* Vectors of singles (GCC and clang). Multiplies and adds stay separate (no fused
 * multiply-add), so every build and every target clone rounds the same way. */
#if defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
/* The helpers below are always inlined, so the vector-ABI note gcc gives for them is moot. */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float v16f __attribute__((vector_size(64)));
#define ALWAYS_INLINE __attribute__((always_inline)) inline
static ALWAYS_INLINE v16f load16(const float *p) {
    v16f v;
    memcpy(&v, p, sizeof v);
    return v;
}
typedef float v8f __attribute__((vector_size(32)));
static ALWAYS_INLINE v8f load8(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}
#define STORE(p, v)                                                                          \
    do {                                                                                     \
        __typeof__(v) stored_ = (v);                                                         \
        memcpy((p), &stored_, sizeof stored_);                                               \
    } while (0)
#endif

/* Wider vector units make the products several times faster; gcc compiles the perceptron
 * once per listed target and picks one when the module loads (elsewhere: the portable build). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
/* With AVX-512 a 16-wide vector is one register: four rows of one leave four sums, each
 * waiting on its last addition, and the adders idle. There, two per row (32 outputs, 8 sums
 * in registers) keep them busy. Elsewhere that many would not fit in the registers. Set when
 * the module loads. */
static int wide_sums;
#define DETECT_WIDE_SUMS() (wide_sums = __builtin_cpu_supports("avx512f"))
#else
#define VECTOR_CLONES
#define wide_sums 0
#define DETECT_WIDE_SUMS() ((void)0)
#endif

/* out = in @ w + bias for `rows` rows (row-major; in: rows x n_in, out: rows x n_out), in
 * single precision. Four rows at a time share every weight they load; sixteen outputs of
 * each accumulate in two 8-wide vectors (one register each with AVX2; with AVX-512 and 32
 * outputs, in two 16-wide ones, see wide_sums), so all stay in registers; outputs beyond a
 * multiple of sixteen (the last layer's one) are summed one by one. Why 8-wide: gcc splits a
 * 16-wide vector into two halves for AVX2 but moved them through the stack on every product,
 * and the perceptrons took 5x the time (perf, 2026-12-07). Every output adds its products in
 * input order, then the bias, so the result is the same on every machine and in every
 * branch. */
#if !defined(ALWAYS_INLINE)
#define ALWAYS_INLINE inline
#endif
/* dense_rows' outputs j .. j + 2 * WIDTH - 1 of its four rows x0..x3 into o0..o3: two
 * WIDTH-wide sums (VEC, read with LOAD) per row, eight in all, each weight loaded once for the
 * four rows. */
#define SUM_FOUR_ROWS(VEC, LOAD, WIDTH)                                                      \
    do {                                                                                     \
        VEC a0 = {0.0f}, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;       \
        for (int i = 0; i < n_in; i++) {                                                     \
            const float *row = w + (Py_ssize_t)i * n_out + j;                                \
            VEC wa = LOAD(row), wb = LOAD(row + (WIDTH));                                    \
            a0 += x0[i] * wa, b0 += x0[i] * wb;                                              \
            a1 += x1[i] * wa, b1 += x1[i] * wb;                                              \
            a2 += x2[i] * wa, b2 += x2[i] * wb;                                              \
            a3 += x3[i] * wa, b3 += x3[i] * wb;                                              \
        }                                                                                    \
        VEC ba = LOAD(bias + j), bb = LOAD(bias + j + (WIDTH));                              \
        STORE(o0 + j, a0 + ba);                                                              \
        STORE(o0 + j + (WIDTH), b0 + bb);                                                    \
        STORE(o1 + j, a1 + ba);                                                              \
        STORE(o1 + j + (WIDTH), b1 + bb);                                                    \
        STORE(o2 + j, a2 + ba);                                                              \
        STORE(o2 + j + (WIDTH), b2 + bb);                                                    \
        STORE(o3 + j, a3 + ba);                                                              \
        STORE(o3 + j + (WIDTH), b3 + bb);                                                    \
    } while (0)

/* Inlined into each target clone of mlp_predict, so it is compiled for that target. */
static ALWAYS_INLINE void dense_rows(const float *in, int rows, int n_in, const float *w,
                                     int n_out, const float *bias, float *out) {
    int r = 0;
#if defined(__GNUC__)
    for (; r + 4 <= rows; r += 4) {
        const float *x0 = in + (Py_ssize_t)r * n_in, *x1 = x0 + n_in, *x2 = x1 + n_in,
                    *x3 = x2 + n_in;
        float *o0 = out + (Py_ssize_t)r * n_out, *o1 = o0 + n_out, *o2 = o1 + n_out,
              *o3 = o2 + n_out;
        int j = 0;
        for (; wide_sums && j + 32 <= n_out; j += 32) SUM_FOUR_ROWS(v16f, load16, 16);
        for (; j + 16 <= n_out; j += 16) SUM_FOUR_ROWS(v8f, load8, 8);
        for (; j < n_out; j++) {
            float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
            for (int i = 0; i < n_in; i++) {
                float wi = w[(Py_ssize_t)i * n_out + j];
                s0 += x0[i] * wi;
                s1 += x1[i] * wi;
                s2 += x2[i] * wi;
                s3 += x3[i] * wi;
            }
            o0[j] = s0 + bias[j];
            o1[j] = s1 + bias[j];
            o2[j] = s2 + bias[j];
            o3[j] = s3 + bias[j];
        }
    }
#endif
    for (; r < rows; r++) {
        const float *x = in + (Py_ssize_t)r * n_in;
        float *o = out + (Py_ssize_t)r * n_out;
        for (int j = 0; j < n_out; j++) {
            float sum = 0.0f;
            for (int i = 0; i < n_in; i++) sum += x[i] * w[(Py_ssize_t)i * n_out + j];
            o[j] = sum + bias[j];
        }
    }
}

#define BLOCK_ROWS 64 /* rows per pass through the layers: their activations stay in cache */

/* Probability of content for each of the n rows of x (n x n_in); work holds
 * 2 * BLOCK_ROWS * widest floats. The inputs are clipped in double precision, as numpy clips
 * them, then the layers run in single precision. */
VECTOR_CLONES static void mlp_predict(const Mlp *m, const double *x, Py_ssize_t n, int bias,
                                      double *out, float *work) {
    float *a = work, *b = work + BLOCK_ROWS * m->widest;
    for (Py_ssize_t r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
        int rows = n - r0 < BLOCK_ROWS ? (int)(n - r0) : BLOCK_ROWS;
        for (int r = 0; r < rows; r++) {
            const double *row = x + (r0 + r) * m->n_in;
            float *dst = a + r * m->n_in;
            for (int i = 0; i < m->n_in; i++) {
                double v = row[i];
                v = v < m->low[i] ? m->low[i] : v; /* np.maximum then np.minimum */
                dst[i] = (float)(v > m->high[i] ? m->high[i] : v);
            }
        }
        float *in = a, *h = b;
        for (int l = 0; l < m->n_layers; l++) {
            int n_in = m->sizes[l], n_out = m->sizes[l + 1];
            if (l > 0) /* ReLU of the previous layer */
                for (int i = 0; i < rows * n_in; i++) in[i] = in[i] < 0.0f ? 0.0f : in[i];
            const float *bb = l == 0 ? m->biases[0] + (Py_ssize_t)bias * n_out : m->biases[l];
            dense_rows(in, rows, n_in, m->weights[l], n_out, bb, h);
            float *t = in;
            in = h;
            h = t;
        }
        for (int r = 0; r < rows; r++) {
            double z = in[r];
            z = z < -30.0 ? -30.0 : z > 30.0 ? 30.0 : z;
            out[r0 + r] = 1.0 / (1.0 + exp(-z));
        }
    }
}


/* ---------------------------------------------------------------------------------------- */
/* The model object.                                                                         */

typedef struct {
    PyObject_HEAD
    unsigned char classes[0x10000]; /* class of every UTF-16 code unit */
    uint16_t fold[0x10000];         /* its case-folded unit, for comparing words */
    Py_ssize_t n_logs;
    double *log1p_of, *log_of, *expm1_log1p_of; /* numpy's values for 0 .. n_logs - 1 */
    int n_features, n_smooth, widest_half, widest_smooth_half;
    Column features[MAX_COLUMNS], smooth[MAX_COLUMNS];
    double headline_min_score, late_headline_min_score;
    Py_ssize_t prose_words; /* features.PROSE_WORDS */
    double block, inside, outside, edge, min_share_page, min_share_article;
    /* The page detector: for each of its inputs in Python's order, the K_ feature it is, and
     * its standardisation and weight; then bias and threshold. */
    int kind_order[N_KIND];
    double kind_mean[N_KIND], kind_scale[N_KIND], kind_weights[N_KIND], kind_bias,
        kind_threshold;
    Mlp stage1, stage2;
} Kernel;

static void kernel_dealloc(Kernel *self) {
    PyMem_Free(self->log1p_of);
    PyMem_Free(self->log_of);
    PyMem_Free(self->expm1_log1p_of);
    mlp_free(&self->stage1);
    mlp_free(&self->stage2);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A float from a mapping's key; -1 with an error naming the key when absent or not a number. */
static int float_item(PyObject *mapping, const char *key, double *out) {
    PyObject *value = PyMapping_GetItemString(mapping, key);
    if (!value) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "missing %s", key);
        return -1;
    }
    *out = PyFloat_AsDouble(value);
    Py_DECREF(value);
    return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
}

static int copy_table(PyObject *tables, const char *key, void *dst, Py_ssize_t size) {
    PyObject *obj = PyMapping_GetItemString(tables, key);
    if (!obj) return -1;
    Py_buffer view;
    int status = PyObject_GetBuffer(obj, &view, PyBUF_C_CONTIGUOUS);
    Py_DECREF(obj);
    if (status < 0) return -1;
    int ok = view.len == size;
    if (ok) memcpy(dst, view.buf, size);
    PyBuffer_Release(&view);
    if (!ok) PyErr_Format(PyExc_ValueError, "tables[%s]: expected %zd bytes", key, size);
    return ok ? 0 : -1;
}

/* The page detector from {"names": tuple, "mean", "scale", "weights": float64 x N_KIND,
 * "bias", "threshold"}; a name this file does not compute is a ValueError naming it. */
static int parse_kind(Kernel *self, PyObject *kind) {
    PyObject *names = PyDict_GetItemString(kind, "names");
    if (!names || !PyTuple_Check(names) || PyTuple_GET_SIZE(names) != N_KIND) {
        PyErr_Format(PyExc_ValueError, "kind: names must be a tuple of %d names", N_KIND);
        return -1;
    }
    for (int j = 0; j < N_KIND; j++) {
        Py_ssize_t len;
        const char *name = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(names, j), &len);
        if (!name) return -1;
        self->kind_order[j] = -1;
        for (int f = 0; f < N_KIND; f++)
            if ((Py_ssize_t)strlen(KIND_NAMES[f]) == len && memcmp(KIND_NAMES[f], name, len) == 0)
                self->kind_order[j] = f;
        if (self->kind_order[j] < 0) {
            PyErr_Format(PyExc_ValueError,
                         "kind: this kernel cannot compute the detector input %R; rebuild it "
                         "from the installed sources (pip install .)",
                         PyTuple_GET_ITEM(names, j));
            return -1;
        }
    }
    const char *arrays[3] = {"mean", "scale", "weights"};
    double *targets[3] = {self->kind_mean, self->kind_scale, self->kind_weights};
    for (int a = 0; a < 3; a++) {
        PyObject *obj = PyDict_GetItemString(kind, arrays[a]);
        if (!obj) {
            PyErr_Format(PyExc_ValueError, "kind: missing %s", arrays[a]);
            return -1;
        }
        double *values = copy_doubles(obj, N_KIND, arrays[a]);
        if (!values) return -1;
        memcpy(targets[a], values, sizeof(double) * N_KIND);
        PyMem_Free(values);
    }
    return float_item(kind, "bias", &self->kind_bias) < 0 ||
                   float_item(kind, "threshold", &self->kind_threshold) < 0
               ? -1
               : 0;
}

static int kernel_init(Kernel *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"tables", "layout", "policy", "kind", "stage1", "stage2", NULL};
    PyObject *tables, *layout, *policy, *kind, *stage1, *stage2;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!O!O!O!", kwlist, &PyDict_Type, &tables,
                                     &PyDict_Type, &layout, &PyDict_Type, &policy, &PyDict_Type,
                                     &kind, &PyTuple_Type, &stage1, &PyTuple_Type, &stage2))
        return -1;
    if (parse_kind(self, kind) < 0) return -1;
    if (copy_table(tables, "classes", self->classes, sizeof self->classes) < 0 ||
        copy_table(tables, "fold", self->fold, sizeof self->fold) < 0)
        return -1;
    PyObject *log1p_of = PyDict_GetItemString(tables, "log1p");
    PyObject *log_of = PyDict_GetItemString(tables, "log");
    PyObject *expm1_of = PyDict_GetItemString(tables, "expm1_log1p");
    if (!log1p_of || !log_of || !expm1_of) {
        PyErr_SetString(PyExc_ValueError, "tables: log1p, log and expm1_log1p are needed");
        return -1;
    }
    Py_ssize_t n_logs = PyObject_Length(log1p_of);
    if (n_logs < 2) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "log tables too short");
        return -1;
    }
    self->n_logs = n_logs;
    if (!(self->log1p_of = copy_doubles(log1p_of, n_logs, "log1p"))) return -1;
    if (!(self->log_of = copy_doubles(log_of, n_logs, "log"))) return -1;
    if (!(self->expm1_log1p_of = copy_doubles(expm1_of, n_logs, "expm1_log1p"))) return -1;

    PyObject *features = PyDict_GetItemString(layout, "features");
    PyObject *smooth = PyDict_GetItemString(layout, "smooth");
    if (!features || !smooth) {
        PyErr_SetString(PyExc_ValueError, "layout: features and smooth are needed");
        return -1;
    }
    if (parse_features(features, self->features, &self->n_features) < 0 ||
        parse_smooth(smooth, features, self->smooth, &self->n_smooth) < 0 ||
        float_item(layout, "headline_min_score", &self->headline_min_score) < 0 ||
        float_item(layout, "late_headline_min_score", &self->late_headline_min_score) < 0)
        return -1;
    PyObject *prose_words = PyDict_GetItemString(layout, "prose_words");
    if (!prose_words || (self->prose_words = PyLong_AsSsize_t(prose_words)) < 1) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "layout: prose_words (a positive count) is needed");
        return -1;
    }
    self->widest_half = self->widest_smooth_half = 0;
    for (int c = 0; c < self->n_features; c++)
        if (self->features[c].arg > self->widest_half) self->widest_half = self->features[c].arg;
    for (int c = 0; c < self->n_smooth; c++)
        if (self->smooth[c].kind == S_WINDOW && self->smooth[c].arg > self->widest_smooth_half)
            self->widest_smooth_half = self->smooth[c].arg;
    if (float_item(policy, "block", &self->block) < 0 ||
        float_item(policy, "inside", &self->inside) < 0 ||
        float_item(policy, "outside", &self->outside) < 0 ||
        float_item(policy, "edge", &self->edge) < 0 ||
        float_item(policy, "min_share_page", &self->min_share_page) < 0 ||
        float_item(policy, "min_share_article", &self->min_share_article) < 0)
        return -1;
    if (mlp_init(&self->stage1, stage1) < 0 || mlp_init(&self->stage2, stage2) < 0) return -1;
    if (self->stage1.n_in != self->n_features || self->stage1.n_first_biases != 2 ||
        self->stage2.n_in != self->n_smooth) {
        PyErr_SetString(PyExc_ValueError, "model spec: input sizes do not match the layout");
        return -1;
    }
    return 0;
}

static inline double table_log1p(const Kernel *k, double v) {
    return v < (double)k->n_logs ? k->log1p_of[(Py_ssize_t)v] : log1p(v);
}

static inline double table_log(const Kernel *k, double v) {
    return v < (double)k->n_logs ? k->log_of[(Py_ssize_t)v] : log(v);
}

/* Per-line counts gathered in one pass over the code points (UTF-16 units, as features.py
 * views the text: a character outside the BMP is two units of class OTHER), and the
 * case-folded hashes of the line's words for the title features. */
typedef struct {
    double counts[N_CLASSES];
    double word_cat[8];
    double word_chars;
    int first, last, label_colon;
    Py_ssize_t n_tokens; /* hashes written */
    Py_ssize_t spaces;   /* U+0020 characters, for the page detector's short lines */
} LineCounts;

static inline int unit_class(const Kernel *k, Py_UCS4 cp) {
    return cp < 0x10000 ? k->classes[cp] : OTHER;
}

/* A word's hash: one multiply a UTF-16 unit (the hashes only tell a page's words apart, so
 * any well-mixed 64-bit hash serves; a multiply a unit is the loop's longest dependency).
 * Its low bits depend only on the units' low bits: tables index by the high bits. */
#define HASH_START 14695981039346656037ULL
#define HASH_FACTOR 0x9E3779B97F4A7C15ULL

static inline uint64_t hash_unit(uint64_t h, uint16_t unit) { return (h ^ unit) * HASH_FACTOR; }

/* The loop of count_line for one storage kind; WIDE: code points may lie outside the BMP and
 * then count as two units of class OTHER (`extra` counts the second units so far). A word is a
 * run of word units (features.word_sets), hashed as its folded units; a CJK unit is a word of
 * its own. */
#define COUNT_UNITS(TYPE, WIDE)                                                              \
    do {                                                                                     \
        const TYPE *chars = (const TYPE *)data;                                              \
        for (Py_ssize_t i = 0; i < len; i++) {                                               \
            Py_UCS4 cp = chars[i];                                                           \
            int c = WIDE && cp >= 0x10000 ? OTHER : k->classes[cp];                          \
            counts[c]++;                                                                     \
            if (is_word(c)) {                                                                \
                if (run == 0) {                                                              \
                    start_class = c;                                                         \
                    hash = HASH_START;                                                       \
                }                                                                            \
                hash = hash_unit(hash, k->fold[cp]);                                         \
                run++;                                                                       \
                continue;                                                                    \
            }                                                                                \
            if (run) {                                                                       \
                cats[START_CAT[start_class] + 4 * (run <= 3)]++;                             \
                word_chars += run;                                                           \
                tokens[n_tokens++] = hash;                                                   \
                run = 0;                                                                     \
            }                                                                                \
            if (c == CJK) tokens[n_tokens++] = hash_unit(HASH_START, k->fold[cp]);           \
            if (cp == ' ') spaces++;                                                         \
            if (c == COLON && first_colon < 0) first_colon = i + extra;                      \
            if (WIDE && cp >= 0x10000) {                                                     \
                counts[OTHER]++;                                                             \
                extra++;                                                                     \
            }                                                                                \
        }                                                                                    \
    } while (0)

/* `tokens` has room for one hash per code point of the line. */
static void count_line(const Kernel *k, PyObject *line, LineCounts *lc, uint64_t *tokens) {
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t len = PyUnicode_GET_LENGTH(line);
    Py_ssize_t run = 0, first_colon = -1, extra = 0, n_tokens = 0, spaces = 0;
    int start_class = OTHER;
    uint64_t hash = HASH_START;
    long long counts[N_CLASSES] = {0}, cats[8] = {0}, word_chars = 0;
    if (kind == PyUnicode_1BYTE_KIND)
        COUNT_UNITS(Py_UCS1, 0);
    else if (kind == PyUnicode_2BYTE_KIND)
        COUNT_UNITS(Py_UCS2, 0);
    else
        COUNT_UNITS(Py_UCS4, 1);
    if (run) {
        cats[START_CAT[start_class] + 4 * (run <= 3)]++;
        word_chars += run;
        tokens[n_tokens++] = hash;
    }
    for (int c = 0; c < N_CLASSES; c++) lc->counts[c] = (double)counts[c];
    for (int c = 0; c < 8; c++) lc->word_cat[c] = (double)cats[c];
    lc->word_chars = (double)word_chars;
    lc->n_tokens = n_tokens;
    lc->spaces = spaces;
    /* First and last UTF-16 units; the unit before the last one is a surrogate (OTHER) when
     * the last character lies outside the BMP. */
    Py_UCS4 first_cp = PyUnicode_READ(kind, data, 0), last_cp = PyUnicode_READ(kind, data, len - 1);
    Py_ssize_t units = len + extra;
    int last = unit_class(k, last_cp), before_last;
    if (units == 1)
        before_last = last;
    else if (last_cp >= 0x10000)
        before_last = OTHER;
    else
        before_last = unit_class(k, PyUnicode_READ(kind, data, len - 2));
    lc->first = unit_class(k, first_cp);
    /* features.py: a closing quote after a full stop still ends a sentence. */
    lc->last = last == QUOTE && before_last == STOP ? STOP : last;
    lc->label_colon = first_colon >= 0 && first_colon <= 24 && first_colon < units - 1;
}

/* The distinct words of each line, how many of them the first line has, and how many some
 * other line of prose has (features.word_features), from one open-addressing table of the
 * page's word hashes: an entry remembers the last line that had the word (so a word counts once
 * per line) and whether the first line has it. Each token's entry is kept, so the later passes
 * do not hash again; they count, a byte per entry, whether none, one or more lines of prose
 * have the word (all the prose test needs). A word repeated within its line points one past
 * the table, at a byte that reads 0: no branch per word, which the processor mispredicts. */
typedef struct {
    uint64_t hash;
    Py_ssize_t last_line; /* -1: empty slot */
    int in_title;
} Word;

static int count_words(const uint64_t *tokens, const Py_ssize_t *start, Py_ssize_t n,
                       Py_ssize_t prose_words, Py_ssize_t *distinct, Py_ssize_t *in_title,
                       Py_ssize_t *in_prose) {
    Py_ssize_t total = start[n], size = 16;
    int shift = 60; /* 64 - log2(size): slots are the hashes' high bits (see hash_unit) */
    while (size < 2 * total) {
        size <<= 1;
        shift--;
    }
    Word *table = PyMem_Malloc(sizeof(Word) * size);
    Py_ssize_t *slot_of = PyMem_Malloc(sizeof(Py_ssize_t) * (total + 1));
    /* lines of prose with the word, up to 2; the last byte stands for repeats, and reads 0 */
    unsigned char *prose = PyMem_Calloc(size + 1, 1);
    if (!table || !slot_of || !prose) {
        PyMem_Free(table);
        PyMem_Free(slot_of);
        PyMem_Free(prose);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t s = 0; s < size; s++) table[s].last_line = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        distinct[i] = in_title[i] = 0;
        for (Py_ssize_t t = start[i]; t < start[i + 1]; t++) {
            uint64_t h = tokens[t];
            Py_ssize_t s = (Py_ssize_t)(h >> shift);
            while (table[s].last_line >= 0 && table[s].hash != h) s = (s + 1) & (size - 1);
            slot_of[t] = size;
            if (table[s].last_line < 0) {
                table[s].hash = h;
                table[s].in_title = i == 0;
            } else if (table[s].last_line == i) {
                continue;
            }
            slot_of[t] = s;
            table[s].last_line = i;
            distinct[i]++;
            in_title[i] += table[s].in_title;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (distinct[i] >= prose_words)
            for (Py_ssize_t t = start[i]; t < start[i + 1]; t++)
                prose[slot_of[t]] += prose[slot_of[t]] < 2;
    prose[size] = 0; /* what the repeats added */
    for (Py_ssize_t i = 0; i < n; i++) {
        int own = distinct[i] >= prose_words; /* prose does not count itself */
        in_prose[i] = 0;
        for (Py_ssize_t t = start[i]; t < start[i + 1]; t++)
            in_prose[i] += prose[slot_of[t]] > own;
    }
    PyMem_Free(table);
    PyMem_Free(slot_of);
    PyMem_Free(prose);
    return 0;
}

/* reps[i] = how many lines equal line i, as collections.Counter counts them: an open-addressing
 * table of first occurrences keyed by the strings' own (cached) hashes. */
typedef struct {
    Py_hash_t hash;
    Py_ssize_t first; /* -1: empty slot */
    Py_ssize_t count;
} Seen;

static int count_repeats(PyObject *lines, Py_ssize_t n, double *reps) {
    Py_ssize_t size = 8;
    while (size < 2 * n) size <<= 1;
    Seen *table = PyMem_Malloc(sizeof(Seen) * size);
    Py_ssize_t *slot_of = PyMem_Malloc(sizeof(Py_ssize_t) * n);
    if (!table || !slot_of) {
        PyMem_Free(table);
        PyMem_Free(slot_of);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t s = 0; s < size; s++) table[s].first = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line) || PyUnicode_GET_LENGTH(line) == 0) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a non-empty str", i);
            goto fail;
        }
        Py_hash_t hash = PyObject_Hash(line);
        if (hash == -1) goto fail;
        Py_ssize_t s = (Py_ssize_t)((size_t)hash & (size_t)(size - 1));
        while (table[s].first >= 0) {
            PyObject *other = PyList_GET_ITEM(lines, table[s].first);
            if (table[s].hash == hash && (other == line || PyUnicode_Compare(other, line) == 0))
                break;
            s = (s + 1) & (size - 1);
        }
        if (table[s].first < 0) {
            table[s].hash = hash;
            table[s].first = i;
            table[s].count = 0;
        }
        table[s].count++;
        slot_of[i] = s;
    }
    for (Py_ssize_t i = 0; i < n; i++) reps[i] = (double)table[slot_of[i]].count;
    PyMem_Free(table);
    PyMem_Free(slot_of);
    return 0;
fail:
    PyMem_Free(table);
    PyMem_Free(slot_of);
    return -1;
}

/* features.title_features: words shared with the first line, and the headline. */
static void title_features(const Kernel *k, Py_ssize_t n, const Py_ssize_t *distinct,
                           const Py_ssize_t *in_title, double *base) {
    double title_div = distinct[0] > 1 ? (double)distinct[0] : 1.0;
    Py_ssize_t limit = n / 2 > 3 ? n / 2 : 3, headline = 0;
    double best = -1.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *b = base + i * N_BASE;
        double shared = i ? (double)in_title[i] : 0.0;
        b[B_TITLE_SHARE] = i ? shared / (distinct[i] > 1 ? (double)distinct[i] : 1.0) : 0.0;
        b[B_TITLE_COVER] = i ? shared / title_div : 0.0;
        b[B_IS_FIRST] = i == 0;
        double score = i < limit ? b[B_TITLE_SHARE] * b[B_TITLE_COVER] : 0.0;
        if (score > best) {
            best = score;
            headline = i;
        }
    }
    int found = best > k->headline_min_score;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *b = base + i * N_BASE;
        b[B_HEADLINE_SIDE] = found ? (double)((i > headline) - (i < headline)) : 0.0;
        b[B_HEADLINE_OFFSET] = found ? ((double)i - (double)headline) / (double)n : 0.0;
        b[B_IS_HEADLINE] = found && i == headline;
    }
}

/* kind.kind_features: the page detector's inputs (N_KIND, in K_ order), from the base
 * quantities, the lines' lengths and whether each is short. */
static void kind_features(const Kernel *k, const double *base, const double *chars,
                          const unsigned char *is_short, Py_ssize_t n, Py_ssize_t lines_before,
                          double *kind) {
    Py_ssize_t edge = n < EDGE_LINES ? n : EDGE_LINES, shorts = 0, top = 0, bottom = 0;
    Py_ssize_t sentences = 0, repeated = 0, headline = -1;
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *b = base + i * N_BASE;
        shorts += is_short[i];
        top += i < edge && is_short[i];
        bottom += i >= n - edge && is_short[i];
        sentences += b[B_SENTENCE_LIKE] > 0.0;
        repeated += b[B_LOG_REPEATS] > 0.0;
        if (headline < 0 && b[B_IS_HEADLINE] > 0.0) headline = i;
        total += chars[i];
    }
    double removed = lines_before > 0 ? 1.0 - (double)n / (double)lines_before : 0.0;
    kind[K_LOG_LINES] = table_log(k, (double)n);
    kind[K_SHORT_SHARE] = (double)shorts / n;
    kind[K_TOP_SHORT_SHARE] = (double)top / edge;
    kind[K_BOTTOM_SHORT_SHARE] = (double)bottom / edge;
    kind[K_REMOVED_SHARE] = removed > 0.0 ? removed : 0.0;
    kind[K_HAS_HEADLINE] = headline >= 0;
    kind[K_HEADLINE_POSITION] = headline >= 0 ? (double)headline / n : 1.0;
    kind[K_SENTENCE_SHARE] = (double)sentences / n;
    kind[K_LOG_MEAN_CHARS] = table_log(k, total) - table_log(k, (double)n);
    kind[K_REPEATED_SHARE] = (double)repeated / n;
}

/* kind.KindModel.is_page on these features. */
static int is_page(const Kernel *k, const double *kind) {
    if (kind[K_LOG_LINES] < log(PAGE_MIN_LINES - 0.5)) return 0; /* kind.PAGE_MIN_LINES */
    double z = k->kind_bias;
    double sum = 0.0;
    for (int j = 0; j < N_KIND; j++) {
        int f = k->kind_order[j];
        sum += (kind[f] - k->kind_mean[j]) / k->kind_scale[j] * k->kind_weights[j];
    }
    z += sum;
    z = z < -30.0 ? -30.0 : z > 30.0 ? 30.0 : z;
    return 1.0 / (1.0 + exp(-z)) >= k->kind_threshold;
}

/* Every base quantity of every line (n x N_BASE), and with `kind` the page detector's
 * inputs (lines_before < 0: not known); -1 with an error set. */
static int base_features(const Kernel *k, PyObject *lines, Py_ssize_t n, double *base,
                         double *kind, Py_ssize_t lines_before) {
    Py_ssize_t total_units = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line)) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a non-empty str", i);
            return -1;
        }
        total_units += PyUnicode_GET_LENGTH(line);
    }
    double *chars = PyMem_Malloc(sizeof(double) * n * 2);
    Py_ssize_t *start = PyMem_Malloc(sizeof(Py_ssize_t) * (n * 4 + 1));
    uint64_t *tokens = PyMem_Malloc(sizeof(uint64_t) * (total_units + 1));
    unsigned char *is_short = PyMem_Malloc(n + 1);
    if (!chars || !start || !tokens || !is_short) {
        PyMem_Free(chars);
        PyMem_Free(start);
        PyMem_Free(tokens);
        PyMem_Free(is_short);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t *distinct = start + n + 1, *in_title = distinct + n, *in_prose = in_title + n;
    double *reps = chars + n;
    int status = -1;
    if (count_repeats(lines, n, reps) < 0) goto done;
    double total = 0.0, max_chars = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        chars[i] = (double)PyUnicode_GET_LENGTH(PyList_GET_ITEM(lines, i));
        total += chars[i];
        if (chars[i] > max_chars) max_chars = chars[i];
    }
    double log_max = table_log1p(k, max_chars);
    double rank_div = n - 1 > 1 ? (double)(n - 1) : 1.0;
    double cum_chars = 0.0;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        LineCounts lc;
        count_line(k, PyList_GET_ITEM(lines, i), &lc, tokens + at);
        start[i] = at;
        at += lc.n_tokens;
        is_short[i] = chars[i] < SHORT_CHARS && lc.spaces < SHORT_SPACES;
        double *f = base + i * N_BASE;
        const double *cnt = lc.counts, *wc = lc.word_cat;
        double n_runs = wc[0] + wc[1] + wc[2] + wc[3] + wc[4] + wc[5] + wc[6] + wc[7];
        double cjk = cnt[CJK], words = n_runs + cjk;
        double safe_words = words > 1.0 ? words : 1.0;
        double safe_chars = chars[i] > 1.0 ? chars[i] : 1.0;
        int ends_stop = lc.last == STOP, ends_colon = lc.last == COLON;
        double letters = cnt[LOWER] + cnt[UPPER] + cnt[CASELESS] + 1.0;
        double plain = 1.0 - (wc[1] + wc[5] + wc[2] + wc[6]) / safe_words;
        double mean_len = (lc.word_chars + cjk) / safe_words;
        cum_chars += chars[i];
        f[B_LOG_CHARS] = table_log1p(k, chars[i]);
        f[B_LOG_WORDS] = table_log1p(k, words);
        f[B_MEAN_WORD_LEN] = mean_len < 20.0 ? mean_len : 20.0;
        f[B_ENDS_STOP] = ends_stop;
        f[B_ENDS_COLON] = ends_colon;
        f[B_ENDS_OTHER] = !(ends_stop || ends_colon || is_word(lc.last));
        f[B_STARTS_UPPER] = lc.first == UPPER;
        f[B_STARTS_DIGIT] = lc.first == DIGIT;
        f[B_STARTS_OTHER] = !is_word(lc.first) && lc.first != CJK;
        for (int c = 0; c < 6; c++) f[B_STOP_RATE + c] = cnt[PER_WORD[c]] / safe_words;
        f[B_DIGIT_RATE] = cnt[DIGIT] / safe_chars;
        f[B_UPPER_RATE] = cnt[UPPER] / letters;
        f[B_OTHER_RATE] = cnt[OTHER] / safe_chars;
        f[B_LOWER_WORD_SHARE] = (wc[0] + wc[4]) / safe_words;
        f[B_SHORT_LOWER_SHARE] = wc[4] / safe_words;
        f[B_CAP_WORD_SHARE] = (wc[1] + wc[5]) / safe_words;
        f[B_DIGIT_WORD_SHARE] = (wc[2] + wc[6]) / safe_words;
        f[B_CJK_SHARE] = cjk / safe_chars;
        f[B_LOG_REPEATS] = table_log(k, reps[i]);
        f[B_RANK] = (double)i / rank_div;
        f[B_TEXT_BEFORE] = (cum_chars - chars[i]) / total;
        f[B_REL_LEN] = f[B_LOG_CHARS] - log_max;
        f[B_SENTENCE_LIKE] =
            ends_stop && words >= 6.0 ? (plain * 2.0 < 1.0 ? plain * 2.0 : 1.0) : 0.0;
        f[B_LABEL_COLON] = lc.label_colon;
        f[B_STARTS_DASH] = lc.first == DASH || lc.first == SEP;
    }
    /* Page context: sentence-like mass before and after each line. */
    double sentence_sum = 0.0, mass_total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *f = base + i * N_BASE;
        sentence_sum += f[B_SENTENCE_LIKE];
        double grown = chars[i] < (double)k->n_logs ? k->expm1_log1p_of[(Py_ssize_t)chars[i]]
                                                     : expm1(f[B_LOG_CHARS]);
        reps[i] = f[B_SENTENCE_LIKE] * grown; /* reps is free again: reuse it for the mass */
        mass_total += reps[i];
    }
    mass_total += 1.0;
    double page_log_lines = table_log(k, (double)n), sentence_share = sentence_sum / n;
    double cum_mass = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *f = base + i * N_BASE;
        cum_mass += reps[i];
        f[B_PAGE_LOG_LINES] = page_log_lines;
        f[B_PAGE_SENTENCE_SHARE] = sentence_share;
        f[B_MASS_BEFORE] = (cum_mass - reps[i]) / mass_total;
        f[B_MASS_AFTER] = (mass_total - 1.0 - cum_mass) / mass_total;
        f[B_PREV_LOG_CHARS] = i > 0 ? base[(i - 1) * N_BASE + B_LOG_CHARS] : 0.0;
        f[B_NEXT_LOG_CHARS] = i + 1 < n ? base[(i + 1) * N_BASE + B_LOG_CHARS] : 0.0;
    }
    start[n] = at;
    if (count_words(tokens, start, n, k->prose_words, distinct, in_title, in_prose) < 0) goto done;
    title_features(k, n, distinct, in_title, base);
    for (Py_ssize_t i = 0; i < n; i++) /* features.word_features */
        base[i * N_BASE + B_PROSE_WORDS] =
            distinct[i] ? (double)in_prose[i] / (double)distinct[i] : 0.0;
    if (kind) kind_features(k, base, chars, is_short, n, lines_before, kind);
    status = 0;
done:
    PyMem_Free(chars);
    PyMem_Free(start);
    PyMem_Free(tokens);
    PyMem_Free(is_short);
    return status;
}

/* The padded prefix sum of one column of `src` (stride columns) that window_from reads:
 * n + 2 * pad + 2 values in `padded`, pad at least the widest half-width. */
static void padded_prefix(const double *src, Py_ssize_t stride, Py_ssize_t n, int pad,
                          double *padded) {
    double acc = 0.0;
    for (int i = 0; i <= pad; i++) padded[i] = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) padded[pad + 1 + i] = acc += src[i * stride];
    for (Py_ssize_t i = pad + 1 + n; i < n + 2 * pad + 2; i++) padded[i] = acc;
}

/* Means over the lines i-half .. i+half (clipped at the page edges), as differences of the
 * padded prefix sum, as features.py computes them. */
static void window_from(const double *padded, Py_ssize_t n, int half, int pad, double *dst,
                        Py_ssize_t dst_stride) {
    for (Py_ssize_t i = 0; i < n; i++) {
        double hi = i + half + 1 < n ? (double)(i + half + 1) : (double)n;
        double lo = i - half > 0 ? (double)(i - half) : 0.0;
        dst[i * dst_stride] = (padded[pad + 1 + half + i] - padded[pad - half + i]) / (hi - lo);
    }
}

/* The stage-1 input (n x n_features) in the layout's column order, from the base quantities
 * (n x N_BASE); `padded` holds n + 2 * widest_half + 2 values of scratch. */
static void layout_columns(const Kernel *k, const double *base, Py_ssize_t n, double *padded,
                           double *x) {
    int width = k->n_features;
    /* The plain columns are copied a row at a time: x is row-major, and a column at a time
     * would touch a cache line of x for every value written. */
    int plain[MAX_COLUMNS], plain_kind[MAX_COLUMNS], n_plain = 0;
    for (int c = 0; c < width; c++) {
        if (!k->features[c].arg) {
            plain[n_plain] = c;
            plain_kind[n_plain++] = k->features[c].kind;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        double *row = x + i * width;
        const double *from = base + i * N_BASE;
        for (int j = 0; j < n_plain; j++) row[plain[j]] = from[plain_kind[j]];
    }
    unsigned char windowed[MAX_COLUMNS] = {0};
    for (int c = 0; c < width; c++) {
        const Column *col = k->features + c;
        if (col->arg && !windowed[c]) {
            /* One prefix sum serves every window of the same quantity. */
            padded_prefix(base + col->kind, N_BASE, n, k->widest_half, padded);
            for (int d = c; d < width; d++) {
                if (k->features[d].arg && k->features[d].kind == col->kind) {
                    window_from(padded, n, k->features[d].arg, k->widest_half, x + d, width);
                    windowed[d] = 1;
                }
            }
        }
    }
}

/* The base quantities with room for layout_columns' scratch after them, or NULL with an error
 * set. */
static double *new_base(const Kernel *k, Py_ssize_t n) {
    double *base = PyMem_Malloc(sizeof(double) * (n * N_BASE + n + 2 * k->widest_half + 2));
    if (!base) PyErr_NoMemory();
    return base;
}

/* The stage-1 input (n x n_features) in the layout's column order, and with `kind` the page
 * detector's inputs; -1 with an error set. */
static int page_features(const Kernel *k, PyObject *lines, Py_ssize_t n, double *x,
                         double *kind, Py_ssize_t lines_before) {
    double *base = new_base(k, n);
    if (!base) return -1;
    int status = base_features(k, lines, n, base, kind, lines_before);
    if (status == 0) layout_columns(k, base, n, base + n * N_BASE, x);
    PyMem_Free(base);
    return status;
}

/* The bits of p[i]: non-negative doubles order like their bit patterns. */
static inline uint64_t probability_bits(const double *p, Py_ssize_t i) {
    uint64_t bits;
    memcpy(&bits, p + i, sizeof bits);
    return bits;
}

/* Line numbers in ascending order of their probability, ties in line order: a stable merge
 * sort on the bits of the doubles, bottom-up, with the comparison inline. (A radix sort on the
 * bytes of the bits took eight passes of a 256-entry table each, more work than the page's
 * few hundred lines themselves.) */
static void order_by_probability(const double *p, Py_ssize_t n, Py_ssize_t *order,
                                 Py_ssize_t *spare) {
    Py_ssize_t *from = order, *to = spare;
    for (Py_ssize_t i = 0; i < n; i++) from[i] = i;
    for (Py_ssize_t width = 1; width < n; width *= 2) {
        for (Py_ssize_t low = 0; low < n; low += 2 * width) {
            Py_ssize_t mid = low + width < n ? low + width : n;
            Py_ssize_t high = low + 2 * width < n ? low + 2 * width : n;
            Py_ssize_t a = low, b = mid, out = low;
            while (a < mid && b < high) { /* the left one first on a tie: stable */
                /* no branch on the comparison, which no predictor guesses */
                int right = probability_bits(p, from[b]) < probability_bits(p, from[a]);
                to[out++] = right ? from[b] : from[a];
                b += right;
                a += !right;
            }
            while (a < mid) to[out++] = from[a++];
            while (b < high) to[out++] = from[b++];
        }
        Py_ssize_t *t = from;
        from = to;
        to = t;
    }
    if (from != order) memcpy(order, from, sizeof(Py_ssize_t) * n);
}

/* model.smooth_features in the layout's column order: stage-1 probabilities around each line
 * plus copies of stage-1 columns. */
static int smooth_features(const Kernel *k, const double *p, const double *x, Py_ssize_t n,
                           int whole_page, double *z) {
    const int pad = k->widest_smooth_half, width = k->n_smooth;
    double *padded = PyMem_Malloc(sizeof(double) * (n + 2 * pad + 2) + sizeof(double) * n * 4);
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * n);
    if (!padded || !order) {
        PyMem_Free(padded);
        PyMem_Free(order);
        PyErr_NoMemory();
        return -1;
    }
    double *cum = padded + n + 2 * pad + 2, *quantile = cum + n, *max_before = quantile + n,
           *max_after = max_before + n;
    double acc = 0.0, top = p[0];
    for (Py_ssize_t i = 0; i < n; i++) {
        cum[i] = acc += p[i];
        if (p[i] > top) top = p[i];
    }
    order_by_probability(p, n, order, order + n);
    padded_prefix(p, 1, n, pad, padded); /* shared by every window of p */
    double last = cum[n - 1], quantile_div = n - 1 > 1 ? (double)(n - 1) : 1.0;
    double rel_div = top > 1e-6 ? top : 1e-6;
    for (Py_ssize_t r = 0; r < n; r++) quantile[order[r]] = (double)r / quantile_div;
    double running = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        max_before[i] = running; /* the running maximum of the lines before */
        if (i == 0 || p[i] > running) running = p[i];
    }
    running = 0.0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        max_after[i] = running;
        if (i == n - 1 || p[i] > running) running = p[i];
    }
    for (int c = 0; c < width; c++) {
        const Column *col = k->smooth + c;
        if (col->kind == S_WINDOW) {
            window_from(padded, n, col->arg, pad, z + c, width);
            continue;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            double v, after = (double)(n - 1 - i);
            switch (col->kind) {
            case S_P: v = p[i]; break;
            case S_PREV: v = i > 0 ? p[i - 1] : 0.0; break;
            case S_NEXT: v = i + 1 < n ? p[i + 1] : 0.0; break;
            case S_MAX_BEFORE: v = max_before[i]; break;
            case S_MAX_AFTER: v = max_after[i]; break;
            case S_MEAN_BEFORE: v = (cum[i] - p[i]) / (i > 1 ? (double)i : 1.0); break;
            case S_MEAN_AFTER: v = (last - cum[i]) / (after > 1.0 ? after : 1.0); break;
            case S_PAGE_MEAN: v = last / n; break;
            case S_PAGE_MAX: v = top; break;
            case S_REL_MAX: v = p[i] / rel_div; break;
            case S_QUANTILE: v = quantile[i]; break;
            case S_WHOLE_PAGE: v = whole_page ? 1.0 : 0.0; break;
            default: v = x[i * k->n_features + col->arg]; break; /* S_FEATURE */
            }
            z[i * width + c] = v;
        }
    }
    PyMem_Free(padded);
    PyMem_Free(order);
    return 0;
}

static PyObject *check_lines(PyObject *lines, Py_ssize_t *n) {
    if (!PyList_Check(lines)) {
        PyErr_SetString(PyExc_TypeError, "lines: expected a list of str");
        return NULL;
    }
    *n = PyList_GET_SIZE(lines);
    return lines;
}

/* Writable C-contiguous float64 buffer of exactly `count` items. */
static int get_out(PyObject *obj, Py_buffer *view, Py_ssize_t count) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT) < 0)
        return -1;
    if (view->format == NULL || strcmp(view->format, "d") != 0 ||
        view->len != count * (Py_ssize_t)sizeof(double)) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "out: expected a writable float64 array of %zd values",
                     count);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(features_doc,
             "features(lines, out)\n--\n\n"
             "Write features.page_features(lines) into out (len(lines) x len(FEATURE_NAMES)\n"
             "float64, in the layout's column order).");

static PyObject *kernel_features(Kernel *self, PyObject *args) {
    PyObject *lines, *out;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "OO:features", &lines, &out) || !check_lines(lines, &n))
        return NULL;
    Py_buffer view;
    if (get_out(out, &view, n * self->n_features) < 0) return NULL;
    int status = n ? page_features(self, lines, n, view.buf, NULL, -1) : 0;
    PyBuffer_Release(&view);
    if (status < 0) return NULL;
    Py_RETURN_NONE;
}

/* decide.headline_of: the line the title features mark as the headline, else the first line
 * repeating the title best by more than late_headline_min_score, or -1. */
static Py_ssize_t headline_in(const Kernel *k, const double *base, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (base[i * N_BASE + B_IS_HEADLINE] > 0.0) return i;
    Py_ssize_t best = -1;
    double top = k->late_headline_min_score;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *b = base + i * N_BASE;
        double score = b[B_TITLE_SHARE] * b[B_TITLE_COVER];
        if (score > top) {
            top = score;
            best = i;
        }
    }
    return best;
}

/* Whether text of this kind can lose a line: extracted text loses only its edge runs scoring
 * below `edge`, and no probability is below 0 (decide.article_keep). */
static int can_drop(const Kernel *k, int whole_page) { return whole_page || k->edge > 0.0; }

/* Stage-2 probabilities into p from the base quantities (base_features; its scratch space
 * is used); -1 with an error set. */
static int score_lines(Kernel *self, double *base, Py_ssize_t n, int whole_page, double *p) {
    int widest = self->stage1.widest > self->stage2.widest ? self->stage1.widest
                                                           : self->stage2.widest;
    double *x = PyMem_Malloc(sizeof(double) * (n * (self->n_features + self->n_smooth + 1) +
                                               2 * BLOCK_ROWS * widest));
    if (!x) {
        PyErr_NoMemory();
        return -1;
    }
    double *z = x + n * self->n_features, *p1 = z + n * self->n_smooth;
    float *work = (float *)(p1 + n); /* 2 * BLOCK_ROWS * widest doubles hold as many floats */
    layout_columns(self, base, n, base + n * N_BASE, x);
    mlp_predict(&self->stage1, x, n, whole_page ? 1 : 0, p1, work);
    int status = smooth_features(self, p1, x, n, whole_page, z);
    if (status == 0) mlp_predict(&self->stage2, z, n, 0, p, work);
    PyMem_Free(x);
    return status;
}

/* Stage-2 probabilities of the n lines into p; *whole_page < 0 asks the page detector (told
 * lines_before, < 0: not known), which then sets it, and *fresh to its answer for the same
 * lines with nothing removed before (fresh may be NULL). Without `wanted`, the scores only
 * serve the decision: text that cannot lose a line (can_drop) is not scored, and 1 says so.
 * -1 with an error set. */
static int predict_into(Kernel *self, PyObject *lines, Py_ssize_t n, int *whole_page,
                        Py_ssize_t lines_before, double *p, int wanted, int *fresh,
                        Py_ssize_t *headline) {
    if (!wanted && *whole_page == 0 && !can_drop(self, 0)) return 1;
    double *base = new_base(self, n);
    if (!base) return -1;
    double kind[N_KIND];
    int status = base_features(self, lines, n, base, *whole_page < 0 ? kind : NULL, lines_before);
    if (status == 0) {
        if (headline) *headline = headline_in(self, base, n);
        if (*whole_page < 0) {
            *whole_page = is_page(self, kind);
            if (fresh) {
                kind[K_REMOVED_SHARE] = 0.0;
                *fresh = is_page(self, kind);
            }
        }
        status = wanted || can_drop(self, *whole_page) ? score_lines(self, base, n, *whole_page, p)
                                                       : 1;
    }
    PyMem_Free(base);
    return status;
}

PyDoc_STRVAR(predict_doc,
             "predict(lines, whole_page, out)\n--\n\n"
             "Write the stage-2 probability of content of each line into out (float64).");

static PyObject *kernel_predict(Kernel *self, PyObject *args) {
    PyObject *lines, *out;
    int whole_page;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "OpO:predict", &lines, &whole_page, &out) ||
        !check_lines(lines, &n))
        return NULL;
    Py_buffer view;
    if (get_out(out, &view, n) < 0) return NULL;
    int status = n ? predict_into(self, lines, n, &whole_page, -1, view.buf, 1, NULL, NULL) : 0;
    PyBuffer_Release(&view);
    if (status < 0) return NULL;
    Py_RETURN_NONE;
}

/* decide.best_block: [first, end) of the run with the largest sum of (p - threshold) * length;
 * end 0 when no run has a positive sum. prefix[j] = sum of the first j gains (sequential, as
 * np.cumsum adds); the best block ends at the first j reaching the largest
 * prefix[j] - min(prefix[0..j-1]) and starts at the last index of that minimum. */
static void best_block(const double *p, const double *length, Py_ssize_t n, double threshold,
                       Py_ssize_t *first_out, Py_ssize_t *end_out) {
    double prefix = 0.0, lowest = 0.0, best = -INFINITY;
    Py_ssize_t end = 1;
    for (Py_ssize_t j = 1; j <= n; j++) {
        double previous = prefix;
        prefix += (p[j - 1] - threshold) * length[j - 1];
        if (j == 1 || previous < lowest) lowest = previous;
        if (prefix - lowest > best) {
            best = prefix - lowest;
            end = j;
        }
    }
    Py_ssize_t first = 0;
    double running = 0.0, minimum = 0.0;
    if (!(best > 0.0)) end = 0; /* no run shows content: an empty block */
    for (Py_ssize_t j = 0; j < end; j++) {
        if (j > 0) running += (p[j - 1] - threshold) * length[j - 1];
        if (j == 0 || running <= minimum) {
            minimum = running;
            first = j;
        }
    }
    *first_out = first;
    *end_out = end;
}

/* decide.likeliest_article: the run of the highest expected F1, 2 C / (L + T), found by
 * Dinkelbach's iteration (the best block at half the last run's F1, from `highest` down). The
 * masses are sums from the first line, as np.cumsum takes them. */
static void likeliest_article(const double *p, const double *length, Py_ssize_t n,
                              double highest, Py_ssize_t *first_out, Py_ssize_t *end_out) {
    Py_ssize_t first, end;
    double threshold = highest;
    best_block(p, length, n, threshold, &first, &end);
    for (int step = 0; end > 0 && step < MAX_BLOCK_STEPS; step++) {
        double content = 0.0, size = 0.0, content_first = 0.0, size_first = 0.0;
        double content_end = 0.0, size_end = 0.0;
        for (Py_ssize_t i = 0; i <= n; i++) {
            if (i == first) {
                content_first = content;
                size_first = size;
            }
            if (i == end) {
                content_end = content;
                size_end = size;
            }
            if (i == n) break;
            content += p[i] * length[i];
            size += length[i];
        }
        double f1 = 2.0 * (content_end - content_first) / ((size_end - size_first) + content);
        double lower = f1 / 2.0 < highest ? f1 / 2.0 : highest;
        if (lower == threshold) break;
        threshold = lower;
        Py_ssize_t next_first, next_end;
        best_block(p, length, n, threshold, &next_first, &next_end);
        if (next_first == first && next_end == end) break;
        first = next_first;
        end = next_end;
    }
    *first_out = first;
    *end_out = end;
}

/* decide.page_keep: the likeliest article block (reaching up to the first line when every
 * line above it scores at least `inside`), kept from `inside` on, lines outside it from
 * `outside` on, and the headline (-1: none). */
static void page_keep(const Kernel *k, const double *p, const double *length, Py_ssize_t n,
                      Py_ssize_t headline, unsigned char *keep) {
    Py_ssize_t first, end;
    likeliest_article(p, length, n, k->block, &first, &end);
    if (end > 0) {
        Py_ssize_t top = first;
        while (top > 0 && p[top - 1] >= k->inside) top--;
        if (top == 0) first = 0;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        keep[i] = p[i] >= k->outside || (i >= first && i < end && p[i] >= k->inside);
    if (headline >= 0 && headline < n) keep[headline] = 1;
}

/* decide.article_keep: all but the leading and trailing lines below `edge`. */
static void article_keep(const Kernel *k, const double *p, Py_ssize_t n, unsigned char *keep) {
    Py_ssize_t first = -1, last = -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (p[i] >= k->edge) {
            if (first < 0) first = i;
            last = i;
        }
    for (Py_ssize_t i = 0; i < n; i++) keep[i] = first >= 0 && i >= first && i <= last;
}

/* A read-only C-contiguous float64 buffer of `count` items (count < 0: any count, set). */
static int get_in(PyObject *obj, Py_buffer *view, Py_ssize_t *count, const char *what) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    Py_ssize_t items = view->len / (Py_ssize_t)sizeof(double);
    if (view->format == NULL || strcmp(view->format, "d") != 0 || (*count >= 0 && items != *count)) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "%s: expected a float64 array of %zd values", what, *count);
        return -1;
    }
    *count = items;
    return 0;
}

PyDoc_STRVAR(keep_doc,
             "keep(probs, lengths, whole_page, headline)\n--\n\n"
             "The policy's keep flag of each line (decide.keep_mask), one byte each, from the\n"
             "lines' probabilities and lengths (float64) and the headline's position (-1:\n"
             "none): what decide applies after predict.");

static PyObject *kernel_keep(Kernel *self, PyObject *args) {
    PyObject *probs_obj, *lengths_obj;
    int whole_page;
    Py_ssize_t headline;
    if (!PyArg_ParseTuple(args, "OOpn:keep", &probs_obj, &lengths_obj, &whole_page, &headline))
        return NULL;
    Py_buffer probs, lengths;
    Py_ssize_t n = -1;
    if (get_in(probs_obj, &probs, &n, "probs") < 0) return NULL;
    if (get_in(lengths_obj, &lengths, &n, "lengths") < 0) {
        PyBuffer_Release(&probs);
        return NULL;
    }
    PyObject *flags = PyBytes_FromStringAndSize(NULL, n);
    if (flags) {
        unsigned char *keep = (unsigned char *)PyBytes_AS_STRING(flags);
        if (whole_page)
            page_keep(self, probs.buf, lengths.buf, n, headline, keep);
        else
            article_keep(self, probs.buf, n, keep);
    }
    PyBuffer_Release(&probs);
    PyBuffer_Release(&lengths);
    return flags;
}

PyDoc_STRVAR(decide_doc,
             "decide(lines, whole_page, lines_before, out)\n--\n\n"
             "Score the lines (non-empty str) into out, as predict does, and apply the policy\n"
             "of the kind of text (decide.keep_mask) and the safety valve. whole_page None\n"
             "asks the page detector (kind.py), told lines_before (None: not known). Returns\n"
             "(drop, whole_page, fresh): drop the ascending positions of the lines to drop (an\n"
             "empty list when all are kept) or None when the valve fires; whole_page the kind\n"
             "used; fresh the detector's answer had no line been removed before (the kind a\n"
             "new cleaning of these lines would see). out None: the scores are not wanted,\n"
             "and text of a kind that cannot lose a line under the policy is not scored.");

/* What one look at the lines decided (see decide_lines). */
enum { DECIDED, VALVE, NOT_SCORED };

/* One look at the n lines (non-empty str): scores into p (as predict_into: `wanted` or
 * scratch), the policy of the kind of text (decide.keep_mask) into keep and how many lines it
 * drops into *dropped; *whole_page < 0 asks the page detector (told lines_before, < 0: not
 * known), which sets it, and *fresh to its answer had no line been removed before. Returns
 * DECIDED, VALVE (the safety valve fired: every line is kept), NOT_SCORED (a kind that cannot
 * lose a line: every line is kept), or -1 with an error set. */
static int decide_lines(Kernel *self, PyObject *lines, Py_ssize_t n, int *whole_page,
                        Py_ssize_t lines_before, double *p, int wanted, int *fresh,
                        unsigned char *keep, double *length, Py_ssize_t *dropped) {
    int asked = *whole_page;
    *fresh = *whole_page;
    *dropped = 0;
    Py_ssize_t headline = -1;
    int scored =
        predict_into(self, lines, n, whole_page, lines_before, p, wanted, fresh, &headline);
    if (scored < 0) return -1;
    if (asked >= 0) *fresh = *whole_page;
    if (scored == 1) return NOT_SCORED;
    double total = 0.0, kept = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) total += length[i] = (double)PyUnicode_GET_LENGTH(
                                                  PyList_GET_ITEM(lines, i));
    if (*whole_page)
        page_keep(self, p, length, n, headline, keep);
    else
        article_keep(self, p, n, keep);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (keep[i])
            kept += length[i];
        else
            ++*dropped;
    }
    double min_share = *whole_page ? self->min_share_page : self->min_share_article;
    if (*dropped && (*dropped == n || kept / total < min_share)) {
        memset(keep, 1, n);
        *dropped = 0;
        return VALVE;
    }
    return DECIDED;
}

/* `whole_page` as the methods take it: None (-1: ask the page detector) or a truth value;
 * -1 with an error set. */
static int parse_whole_page(PyObject *obj, int *whole_page) {
    *whole_page = -1;
    return obj == Py_None || (*whole_page = PyObject_IsTrue(obj)) >= 0 ? 0 : -1;
}

/* `lines_before` as the methods take it: None (-1: not known) or a count; -1 with an error
 * set. */
static int parse_lines_before(PyObject *obj, Py_ssize_t *lines_before) {
    *lines_before = -1;
    if (obj == Py_None || (*lines_before = PyLong_AsSsize_t(obj)) >= 0) return 0;
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "lines_before: expected None or a count");
    return -1;
}

static PyObject *kernel_decide(Kernel *self, PyObject *args) {
    PyObject *lines, *out, *page_obj, *before_obj;
    Py_ssize_t n, lines_before;
    int whole_page;
    if (!PyArg_ParseTuple(args, "OOOO:decide", &lines, &page_obj, &before_obj, &out) ||
        !check_lines(lines, &n) || parse_whole_page(page_obj, &whole_page) < 0 ||
        parse_lines_before(before_obj, &lines_before) < 0)
        return NULL;
    /* out None: the scores are not wanted, only the decision (see predict_into). */
    int wanted = out != Py_None;
    Py_buffer view = {.buf = NULL};
    if (wanted && get_out(out, &view, n) < 0) return NULL;
    if (n == 0) {
        if (wanted) PyBuffer_Release(&view);
        PyObject *kind_given = whole_page > 0 ? Py_True : Py_False;
        return Py_BuildValue("(NOO)", PyList_New(0), kind_given, kind_given);
    }
    double *p = wanted ? view.buf : PyMem_Malloc(sizeof(double) * n);
    double *length = PyMem_Malloc(sizeof(double) * n);
    unsigned char *keep = PyMem_Malloc(n);
    PyObject *drop = NULL, *result = NULL;
    if (!p || !length || !keep) {
        PyErr_NoMemory();
        goto done;
    }
    int fresh;
    Py_ssize_t dropped;
    int decided = decide_lines(self, lines, n, &whole_page, lines_before, p, wanted, &fresh, keep,
                               length, &dropped);
    if (decided < 0) goto done;
    if (decided == VALVE) {
        drop = Py_NewRef(Py_None);
    } else {
        drop = PyList_New(dropped);
        for (Py_ssize_t i = 0, at = 0; drop && at < dropped; i++) {
            if (keep[i]) continue;
            PyObject *position = PyLong_FromSsize_t(i);
            if (!position) {
                Py_CLEAR(drop);
                break;
            }
            PyList_SET_ITEM(drop, at++, position);
        }
    }
    if (drop)
        result = Py_BuildValue("(NOO)", drop, whole_page ? Py_True : Py_False,
                               fresh ? Py_True : Py_False);
done:
    PyMem_Free(length);
    PyMem_Free(keep);
    if (wanted)
        PyBuffer_Release(&view);
    else
        PyMem_Free(p);
    return result;
}

/* The ranges [first, end) of the flagged entries of `flags` (n bytes), as a list of tuples. */
static PyObject *flagged_ranges(const unsigned char *flags, Py_ssize_t n) {
    PyObject *ranges = PyList_New(0);
    for (Py_ssize_t i = 0; ranges && i < n;) {
        if (!flags[i]) {
            i++;
            continue;
        }
        Py_ssize_t first = i;
        while (i < n && flags[i]) i++;
        PyObject *range = Py_BuildValue("(nn)", first, i);
        if (!range || PyList_Append(ranges, range) < 0) Py_CLEAR(ranges);
        Py_XDECREF(range);
    }
    return ranges;
}

PyDoc_STRVAR(runs_doc,
             "runs(lines, whole_page, lines_before, max_rounds)\n--\n\n"
             "classify.boilerplate_runs: look at the non-empty lines of lines (all of a\n"
             "document's lines, blank ones \"\"), then again at those kept, as _rounds does,\n"
             "until a look drops nothing or max_rounds looks were taken. Returns (runs,\n"
             "conservative, settled): the ranges [first, end) of the lines dropped, whether\n"
             "the valve fired in the first look, whether the looks settled.");

static PyObject *kernel_runs(Kernel *self, PyObject *args) {
    PyObject *lines, *page_obj, *before_obj;
    Py_ssize_t total, max_rounds, before;
    int given;
    if (!PyArg_ParseTuple(args, "OOOn:runs", &lines, &page_obj, &before_obj, &max_rounds) ||
        !check_lines(lines, &total) || parse_whole_page(page_obj, &given) < 0 ||
        parse_lines_before(before_obj, &before) < 0)
        return NULL;
    /* index[k]: the position in `lines` of the k-th line still looked at */
    Py_ssize_t *index = PyMem_Malloc(sizeof(Py_ssize_t) * (total + 1));
    unsigned char *dropped = PyMem_Calloc(total + 1, 1), *keep = PyMem_Malloc(total + 1);
    double *p = PyMem_Malloc(sizeof(double) * (total + 1));
    double *length = PyMem_Malloc(sizeof(double) * (total + 1));
    PyObject *current = NULL, *runs = NULL, *result = NULL;
    if (!index || !dropped || !keep || !p || !length) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < total; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line)) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
            goto done;
        }
        if (PyUnicode_GET_LENGTH(line)) index[n++] = i;
    }
    int conservative = 0, settled = 1;
    for (Py_ssize_t looks = 0; n > 0; looks++) {
        if (looks == max_rounds) {
            settled = 0;
            break;
        }
        Py_XSETREF(current, PyList_New(n));
        if (!current) goto done;
        for (Py_ssize_t k = 0; k < n; k++)
            PyList_SET_ITEM(current, k, Py_NewRef(PyList_GET_ITEM(lines, index[k])));
        int whole_page = given, fresh;
        Py_ssize_t drops;
        int decided = decide_lines(self, current, n, &whole_page, before, p, 0, &fresh, keep,
                                   length, &drops);
        if (decided < 0) goto done;
        if (looks == 0) conservative = decided == VALVE;
        /* a page stays a page (classify._pages_stay_pages) */
        if (given < 0 && whole_page && !can_drop(self, 0)) given = 1;
        if (drops == 0) {
            /* A new cleaning of the kept lines counts them as the lines before the rules:
             * when that makes the detector read them as the other kind, look again. */
            if (given >= 0 || before == n || fresh == whole_page) break;
            before = n;
            continue;
        }
        Py_ssize_t kept = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            if (keep[k])
                index[kept++] = index[k];
            else
                dropped[index[k]] = 1;
        }
        n = before = kept;
    }
    runs = flagged_ranges(dropped, total);
    if (runs)
        result = Py_BuildValue("(NOO)", runs, conservative ? Py_True : Py_False,
                               settled ? Py_True : Py_False);
done:
    Py_XDECREF(current);
    PyMem_Free(index);
    PyMem_Free(dropped);
    PyMem_Free(keep);
    PyMem_Free(p);
    PyMem_Free(length);
    return result;
}

PyDoc_STRVAR(kind_features_doc,
             "kind_features(lines, lines_before)\n--\n\n"
             "kind.kind_features of the lines (non-empty str): the page detector's inputs, in\n"
             "the order of its layout, and the probability that the lines are a whole page.");

static PyObject *kernel_kind_features(Kernel *self, PyObject *args) {
    PyObject *lines, *before_obj;
    Py_ssize_t n, lines_before;
    if (!PyArg_ParseTuple(args, "OO:kind_features", &lines, &before_obj) ||
        !check_lines(lines, &n))
        return NULL;
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "lines: expected at least one line");
        return NULL;
    }
    if (parse_lines_before(before_obj, &lines_before) < 0) return NULL;
    double *x = PyMem_Malloc(sizeof(double) * n * self->n_features), kind[N_KIND];
    if (!x) return PyErr_NoMemory();
    int status = page_features(self, lines, n, x, kind, lines_before);
    PyMem_Free(x);
    if (status < 0) return NULL;
    PyObject *values = PyTuple_New(N_KIND);
    for (int j = 0; values && j < N_KIND; j++)
        PyTuple_SET_ITEM(values, j, PyFloat_FromDouble(kind[self->kind_order[j]]));
    return values ? Py_BuildValue("(NO)", values, is_page(self, kind) ? Py_True : Py_False)
                  : NULL;
}

static PyMethodDef kernel_methods[] = {
    {"decide", (PyCFunction)kernel_decide, METH_VARARGS, decide_doc},
    {"runs", (PyCFunction)kernel_runs, METH_VARARGS, runs_doc},
    {"kind_features", (PyCFunction)kernel_kind_features, METH_VARARGS, kind_features_doc},
    {"keep", (PyCFunction)kernel_keep, METH_VARARGS, keep_doc},
    {"features", (PyCFunction)kernel_features, METH_VARARGS, features_doc},
    {"predict", (PyCFunction)kernel_predict, METH_VARARGS, predict_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(kernel_doc,
             "Kernel(tables, layout, policy, kind, stage1, stage2)\n--\n\n"
             "The line model compiled, built once from the shipped weights (see model.py):\n"
             "tables holds the class, fold and logarithm tables, layout the stage-1 and\n"
             "stage-2 column names (an unknown name is a ValueError), policy the decision\n"
             "thresholds and the valve's shares.");

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "cleantext.classify._kernel.Kernel",
    .tp_basicsize = sizeof(Kernel),
    .tp_dealloc = (destructor)kernel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = kernel_doc,
    .tp_methods = kernel_methods,
    .tp_init = (initproc)kernel_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT, "_kernel", "Compiled fast path of cleantext's line classifier.", -1,
    NULL,
};

/* BUILD_STAMP: the hash of the Python twins this was built from (setup.py, cleantext/_build.py). */
PyMODINIT_FUNC PyInit__kernel(void) {
    DETECT_WIDE_SUMS();
    if (PyType_Ready(&KernelType) < 0) return NULL;
    PyObject *m = PyModule_Create(&kernel_module);
    if (!m) return NULL;
    if (PyModule_AddStringConstant(m, "BUILD_STAMP", CLEANTEXT_BUILD_STAMP) < 0 ||
        PyModule_AddObjectRef(m, "Kernel", (PyObject *)&KernelType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
