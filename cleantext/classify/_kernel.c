/* Compiled fast path of the generic line classifier: features, both MLP stages, in one call.
 *
 * Why it exists: the numpy implementation (features.py, model.py) is the reference and what
 * the training script uses, but it spends ~85 numpy calls per page plus several passes over
 * every character; on pages of a few hundred lines the fixed cost per call dominates and the
 * classifier ran at ~9 MB/s. Here one pass over each line's code points gathers every count,
 * and the rest is a few loops over the lines, so a page costs tens of microseconds.
 *
 * It also applies the decision policies (page_runs and article_runs: decide.keep_mask, the
 * safety valve and the runs to drop), whose array operations and per-line Python steps had
 * come to cost half as much as the model on whole pages.
 *
 * Contract: the same features as features.py, the same smoothing as model.py, and the same
 * arithmetic where it decides exact values (prefix sums, window widths, clipping); logarithms
 * of integer counts come from tables computed by numpy, so they are bit-identical too. What
 * may differ in the last bits is summation order (matrix products, one mean) and exp() in the
 * logistic output, about 1e-15; tests/test_classify_kernel.py compares the two paths, and
 * benchmarks/classifier/check_identical.py checks that no decision changes on the corpus.
 * The layout constants below mirror the Python modules; the Python side checks LAYOUT.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Character classes, numbered as in features.py. */
enum {
    OTHER, SPACE, LOWER, UPPER, CASELESS, DIGIT, STOP, COMMA, SEP, QUOTE, DASH, MARKER,
    NEWLINE, CJK, COLON, N_CLASSES
};

#define N_LINE 30
#define N_WINDOWED 7
#define N_WINDOWS 3
#define N_PAGE 6
#define N_FEATURES (N_LINE + N_WINDOWED * N_WINDOWS + N_PAGE)
#define N_SMOOTH 20
#define N_SMOOTH_WINDOWS 4

/* Column numbers of features.LINE_FEATURES used below. */
enum {
    F_LOG_CHARS = 0, F_LOG_WORDS, F_MEAN_WORD_LEN, F_ENDS_STOP, F_ENDS_COLON, F_ENDS_OTHER,
    F_STARTS_UPPER, F_STARTS_DIGIT, F_STARTS_OTHER, F_STOP_RATE, F_DIGIT_RATE = 15,
    F_UPPER_RATE, F_OTHER_RATE, F_LOWER_WORD_SHARE, F_SHORT_LOWER_SHARE, F_CAP_WORD_SHARE,
    F_DIGIT_WORD_SHARE, F_CJK_SHARE, F_LOG_REPEATS, F_RANK, F_TEXT_BEFORE, F_REL_LEN,
    F_SENTENCE_LIKE, F_LABEL_COLON, F_STARTS_DASH
};

static const int WINDOWED[N_WINDOWED] = {
    F_LOG_CHARS, F_ENDS_STOP, F_SENTENCE_LIKE, F_SHORT_LOWER_SHARE, F_LOWER_WORD_SHARE,
    11 /* sep_rate */, F_LOG_REPEATS
};
static const int WINDOWS[N_WINDOWS] = {1, 3, 7};
static const int SMOOTH_WINDOWS[N_SMOOTH_WINDOWS] = {1, 2, 4, 8};
static const int TAIL[4] = {F_LOG_CHARS, F_ENDS_STOP, F_LOG_REPEATS, F_RANK};
/* Classes counted per word, in the order of the columns stop_rate .. marker_rate. */
static const int PER_WORD[6] = {STOP, COMMA, SEP, QUOTE, DASH, MARKER};
/* Word-start category by class: 0 lower, 1 upper, 2 digit, 3 caseless (+4 when short). */
static const int START_CAT[N_CLASSES] = {3, 3, 0, 1, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3};

#define LAYOUT "features=57;line=30;windowed=0,3,27,19,18,11,23;windows=1,3,7;smooth=20;" \
               "smooth_windows=1,2,4,8;tail=0,3,23,24"

static inline int is_word(int c) { return c == LOWER || c == UPPER || c == CASELESS || c == DIGIT; }

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
    double *weights[MAX_LAYERS];  /* row-major, sizes[l] x sizes[l + 1] */
    double *biases[MAX_LAYERS];   /* layer 0: n_first_biases rows of sizes[1] */
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
        m->weights[l] = copy_doubles(PyTuple_GET_ITEM(weights, l),
                                     (Py_ssize_t)m->sizes[l] * m->sizes[l + 1], "weights");
        if (!m->weights[l]) goto fail;
    }
    m->biases[0] = PyMem_Malloc(sizeof(double) * m->n_first_biases * m->sizes[1]);
    if (!m->biases[0]) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int b = 0; b < m->n_first_biases; b++) {
        double *one = copy_doubles(PyTuple_GET_ITEM(first_biases, b), m->sizes[1], "bias");
        if (!one) goto fail;
        memcpy(m->biases[0] + (Py_ssize_t)b * m->sizes[1], one, sizeof(double) * m->sizes[1]);
        PyMem_Free(one);
    }
    for (int l = 1; l < m->n_layers; l++) {
        m->biases[l] = copy_doubles(PyTuple_GET_ITEM(rest_biases, l - 1), m->sizes[l + 1], "bias");
        if (!m->biases[l]) goto fail;
    }
    return 0;
fail:
    mlp_free(m);
    return -1;
}

/* 4-wide vectors of doubles (GCC and clang). Multiplies and adds stay separate (no fused
 * multiply-add), so every build and every target clone rounds the same way. */
#if defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
/* The helpers below are always inlined, so the vector-ABI note gcc gives for them is moot. */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double v4d __attribute__((vector_size(32)));
#define ALWAYS_INLINE __attribute__((always_inline)) inline
static ALWAYS_INLINE v4d load4(const double *p) {
    v4d v;
    memcpy(&v, p, sizeof v);
    return v;
}
typedef double v8d __attribute__((vector_size(64)));
static ALWAYS_INLINE v8d load8(const double *p) {
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}
#define STORE8(p, v)                                                                         \
    do {                                                                                     \
        v8d stored_ = (v);                                                                   \
        memcpy((p), &stored_, sizeof stored_);                                               \
    } while (0)
#define STORE4(p, v)                                                                         \
    do {                                                                                     \
        v4d stored_ = (v);                                                                   \
        memcpy((p), &stored_, sizeof stored_);                                               \
    } while (0)
#endif

/* Wider vector units make the products several times faster; gcc compiles the perceptron
 * once per listed target and picks one when the module loads (elsewhere: the portable build). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
/* With AVX-512 an 8-wide vector is one register: four rows of one leave four sums, each
 * waiting on its last addition, and the adders idle. There, four per row (32 outputs, 16
 * sums in registers) keep them busy: predict() took 14% less time per page of the dev corpus
 * (79 -> 69 us), with the same bits. Elsewhere that many would not fit in the registers. Set
 * when the module loads. */
static int wide_sums;
#define DETECT_WIDE_SUMS() (wide_sums = __builtin_cpu_supports("avx512f"))
#else
#define VECTOR_CLONES
#define wide_sums 0
#define DETECT_WIDE_SUMS() ((void)0)
#endif

/* out = in @ w + bias for `rows` rows (row-major; in: rows x n_in, out: rows x n_out).
 * Four rows at a time share every weight they load; eight outputs of each accumulate in one
 * 8-wide vector (two registers with AVX2, one with AVX-512; see wide_sums), so all stay in
 * registers. Every output adds its products in input order, then the bias, as numpy's
 * in @ w + bias does (up to summation order inside numpy's product). */
#if !defined(ALWAYS_INLINE)
#define ALWAYS_INLINE inline
#endif
/* Inlined into each target clone of mlp_predict, so it is compiled for that target. */
static ALWAYS_INLINE void dense_rows(const double *in, int rows, int n_in, const double *w, int n_out,
                              const double *bias, double *out) {
    int r = 0;
#if defined(__GNUC__)
    for (; r + 4 <= rows; r += 4) {
        const double *x0 = in + (Py_ssize_t)r * n_in, *x1 = x0 + n_in, *x2 = x1 + n_in,
                     *x3 = x2 + n_in;
        double *o0 = out + (Py_ssize_t)r * n_out, *o1 = o0 + n_out, *o2 = o1 + n_out,
               *o3 = o2 + n_out;
        int j = 0;
        for (; wide_sums && j + 32 <= n_out; j += 32) {
            v8d z = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
            v8d a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
            v8d c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
            for (int i = 0; i < n_in; i++) {
                const double *row = w + (Py_ssize_t)i * n_out + j;
                v8d wa = load8(row), wb = load8(row + 8), wc = load8(row + 16),
                    wd = load8(row + 24);
                a0 += x0[i] * wa, b0 += x0[i] * wb, c0 += x0[i] * wc, d0 += x0[i] * wd;
                a1 += x1[i] * wa, b1 += x1[i] * wb, c1 += x1[i] * wc, d1 += x1[i] * wd;
                a2 += x2[i] * wa, b2 += x2[i] * wb, c2 += x2[i] * wc, d2 += x2[i] * wd;
                a3 += x3[i] * wa, b3 += x3[i] * wb, c3 += x3[i] * wc, d3 += x3[i] * wd;
            }
            const double *bj = bias + j;
            v8d ba = load8(bj), bb = load8(bj + 8), bc = load8(bj + 16), bd = load8(bj + 24);
            double *o[4] = {o0 + j, o1 + j, o2 + j, o3 + j};
            v8d sums[4][4] = {{a0, b0, c0, d0}, {a1, b1, c1, d1}, {a2, b2, c2, d2}, {a3, b3, c3, d3}};
            for (int q = 0; q < 4; q++) {
                STORE8(o[q], sums[q][0] + ba);
                STORE8(o[q] + 8, sums[q][1] + bb);
                STORE8(o[q] + 16, sums[q][2] + bc);
                STORE8(o[q] + 24, sums[q][3] + bd);
            }
        }
        for (; j + 8 <= n_out; j += 8) {
            v8d a0 = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < n_in; i++) {
                v8d wi = load8(w + (Py_ssize_t)i * n_out + j);
                a0 += x0[i] * wi;
                a1 += x1[i] * wi;
                a2 += x2[i] * wi;
                a3 += x3[i] * wi;
            }
            v8d b = load8(bias + j);
            STORE8(o0 + j, a0 + b);
            STORE8(o1 + j, a1 + b);
            STORE8(o2 + j, a2 + b);
            STORE8(o3 + j, a3 + b);
        }
        for (; j + 4 <= n_out; j += 4) {
            v4d z = {0.0, 0.0, 0.0, 0.0};
            v4d a0 = z, a1 = z, a2 = z, a3 = z;
            for (int i = 0; i < n_in; i++) {
                v4d w0 = load4(w + (Py_ssize_t)i * n_out + j);
                a0 += x0[i] * w0;
                a1 += x1[i] * w0;
                a2 += x2[i] * w0;
                a3 += x3[i] * w0;
            }
            v4d b0 = load4(bias + j);
            STORE4(o0 + j, a0 + b0);
            STORE4(o1 + j, a1 + b0);
            STORE4(o2 + j, a2 + b0);
            STORE4(o3 + j, a3 + b0);
        }
        for (; j < n_out; j++) {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (int i = 0; i < n_in; i++) {
                double wi = w[(Py_ssize_t)i * n_out + j];
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
        const double *x = in + (Py_ssize_t)r * n_in;
        double *o = out + (Py_ssize_t)r * n_out;
        for (int j = 0; j < n_out; j++) {
            double sum = 0.0;
            for (int i = 0; i < n_in; i++) sum += x[i] * w[(Py_ssize_t)i * n_out + j];
            o[j] = sum + bias[j];
        }
    }
}

#define BLOCK_ROWS 64 /* rows per pass through the layers: their activations stay in cache */

/* Probability of content for each of the n rows of x (n x n_in); work holds
 * 2 * BLOCK_ROWS * widest values. */
VECTOR_CLONES static void mlp_predict(const Mlp *m, const double *x, Py_ssize_t n, int bias,
                                      double *out, double *work) {
    double *a = work, *b = work + BLOCK_ROWS * m->widest;
    for (Py_ssize_t r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
        int rows = n - r0 < BLOCK_ROWS ? (int)(n - r0) : BLOCK_ROWS;
        for (int r = 0; r < rows; r++) {
            const double *row = x + (r0 + r) * m->n_in;
            double *dst = a + r * m->n_in;
            for (int i = 0; i < m->n_in; i++) {
                double v = row[i];
                v = v < m->low[i] ? m->low[i] : v; /* np.maximum then np.minimum */
                dst[i] = v > m->high[i] ? m->high[i] : v;
            }
        }
        double *in = a, *h = b;
        for (int l = 0; l < m->n_layers; l++) {
            int n_in = m->sizes[l], n_out = m->sizes[l + 1];
            if (l > 0) /* ReLU of the previous layer */
                for (int i = 0; i < rows * n_in; i++) in[i] = in[i] < 0.0 ? 0.0 : in[i];
            const double *bb = l == 0 ? m->biases[0] + (Py_ssize_t)bias * n_out : m->biases[l];
            dense_rows(in, rows, n_in, m->weights[l], n_out, bb, h);
            double *t = in;
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
    unsigned char classes[0x10000];  /* class of every UTF-16 code unit */
    Py_ssize_t n_logs;
    double *log1p_of, *log_of, *expm1_log1p_of;  /* numpy's values for 0 .. n_logs - 1 */
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

static int kernel_init(Kernel *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"classes", "log1p", "log", "expm1_log1p", "stage1", "stage2", NULL};
    Py_buffer classes;
    PyObject *log1p_of, *log_of, *expm1_log1p_of, *stage1, *stage2;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "y*OOOO!O!", kwlist, &classes, &log1p_of,
                                     &log_of, &expm1_log1p_of, &PyTuple_Type, &stage1,
                                     &PyTuple_Type, &stage2))
        return -1;
    int ok = classes.len == 0x10000;
    if (ok) memcpy(self->classes, classes.buf, 0x10000);
    PyBuffer_Release(&classes);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "classes: expected 65536 bytes");
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
    if (!(self->expm1_log1p_of = copy_doubles(expm1_log1p_of, n_logs, "expm1_log1p"))) return -1;
    if (mlp_init(&self->stage1, stage1) < 0 || mlp_init(&self->stage2, stage2) < 0) return -1;
    if (self->stage1.n_in != N_FEATURES || self->stage1.n_first_biases != 2 ||
        self->stage2.n_in != N_SMOOTH) {
        PyErr_SetString(PyExc_ValueError, "model spec: input sizes do not match LAYOUT");
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
 * views the text: a character outside the BMP is two units of class OTHER). */
typedef struct {
    double counts[N_CLASSES];
    double word_cat[8];
    double word_chars;
    int first, last, label_colon;
} LineCounts;

static inline int unit_class(const Kernel *k, Py_UCS4 cp) {
    return cp < 0x10000 ? k->classes[cp] : OTHER;
}

/* The loop of count_line for one storage kind; WIDE: code points may lie outside the BMP and
 * then count as two units of class OTHER (`extra` counts the second units so far). */
#define COUNT_UNITS(TYPE, WIDE)                                                              \
    do {                                                                                     \
        const TYPE *chars = (const TYPE *)data;                                              \
        for (Py_ssize_t i = 0; i < len; i++) {                                               \
            Py_UCS4 cp = chars[i];                                                           \
            int c = WIDE && cp >= 0x10000 ? OTHER : k->classes[cp];                          \
            counts[c]++;                                                                     \
            if (is_word(c)) {                                                                \
                if (run == 0) start_class = c;                                               \
                run++;                                                                       \
                continue;                                                                    \
            }                                                                                \
            if (run) {                                                                       \
                cats[START_CAT[start_class] + 4 * (run <= 3)]++;                             \
                word_chars += run;                                                           \
                run = 0;                                                                     \
            }                                                                                \
            if (c == COLON && first_colon < 0) first_colon = i + extra;                      \
            if (WIDE && cp >= 0x10000) {                                                     \
                counts[OTHER]++;                                                             \
                extra++;                                                                     \
            }                                                                                \
        }                                                                                    \
    } while (0)

static void count_line(const Kernel *k, PyObject *line, LineCounts *lc) {
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t len = PyUnicode_GET_LENGTH(line);
    Py_ssize_t run = 0, first_colon = -1, extra = 0;
    int start_class = OTHER;
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
    }
    for (int c = 0; c < N_CLASSES; c++) lc->counts[c] = (double)counts[c];
    for (int c = 0; c < 8; c++) lc->word_cat[c] = (double)cats[c];
    lc->word_chars = (double)word_chars;
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

/* The features.page_features matrix (n x N_FEATURES) of `lines`; -1 with an error set. */
static int page_features(const Kernel *k, PyObject *lines, Py_ssize_t n, double *x) {
    double *chars = PyMem_Malloc(sizeof(double) * n * 2);
    if (!chars) {
        PyErr_NoMemory();
        return -1;
    }
    double *reps = chars + n;
    if (count_repeats(lines, n, reps) < 0) goto fail;
    double total = 0.0, max_chars = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        chars[i] = (double)PyUnicode_GET_LENGTH(PyList_GET_ITEM(lines, i));
        total += chars[i];
        if (chars[i] > max_chars) max_chars = chars[i];
    }
    double log_max = table_log1p(k, max_chars);
    double rank_div = n - 1 > 1 ? (double)(n - 1) : 1.0;
    double cum_chars = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        LineCounts lc;
        count_line(k, PyList_GET_ITEM(lines, i), &lc);
        double *f = x + i * N_FEATURES;
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
        f[F_LOG_CHARS] = table_log1p(k, chars[i]);
        f[F_LOG_WORDS] = table_log1p(k, words);
        f[F_MEAN_WORD_LEN] = mean_len < 20.0 ? mean_len : 20.0;
        f[F_ENDS_STOP] = ends_stop;
        f[F_ENDS_COLON] = ends_colon;
        f[F_ENDS_OTHER] = !(ends_stop || ends_colon || is_word(lc.last));
        f[F_STARTS_UPPER] = lc.first == UPPER;
        f[F_STARTS_DIGIT] = lc.first == DIGIT;
        f[F_STARTS_OTHER] = !is_word(lc.first) && lc.first != CJK;
        for (int c = 0; c < 6; c++) f[F_STOP_RATE + c] = cnt[PER_WORD[c]] / safe_words;
        f[F_DIGIT_RATE] = cnt[DIGIT] / safe_chars;
        f[F_UPPER_RATE] = cnt[UPPER] / letters;
        f[F_OTHER_RATE] = cnt[OTHER] / safe_chars;
        f[F_LOWER_WORD_SHARE] = (wc[0] + wc[4]) / safe_words;
        f[F_SHORT_LOWER_SHARE] = wc[4] / safe_words;
        f[F_CAP_WORD_SHARE] = (wc[1] + wc[5]) / safe_words;
        f[F_DIGIT_WORD_SHARE] = (wc[2] + wc[6]) / safe_words;
        f[F_CJK_SHARE] = cjk / safe_chars;
        f[F_LOG_REPEATS] = table_log(k, reps[i]);
        f[F_RANK] = (double)i / rank_div;
        f[F_TEXT_BEFORE] = (cum_chars - chars[i]) / total;
        f[F_REL_LEN] = f[F_LOG_CHARS] - log_max;
        f[F_SENTENCE_LIKE] =
            ends_stop && words >= 6.0 ? (plain * 2.0 < 1.0 ? plain * 2.0 : 1.0) : 0.0;
        f[F_LABEL_COLON] = lc.label_colon;
        f[F_STARTS_DASH] = lc.first == DASH || lc.first == SEP;
    }
    /* Neighbour windows: differences of one padded prefix sum, as features.py computes them. */
    const int pad = WINDOWS[N_WINDOWS - 1];
    double *padded = PyMem_Malloc(sizeof(double) * (n + 2 * pad + 2));
    if (!padded) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int j = 0; j < N_WINDOWED; j++) {
        int src = WINDOWED[j];
        double acc = 0.0;
        for (int i = 0; i <= pad; i++) padded[i] = 0.0;
        for (Py_ssize_t i = 0; i < n; i++) padded[pad + 1 + i] = acc += x[i * N_FEATURES + src];
        for (Py_ssize_t i = pad + 1 + n; i < n + 2 * pad + 2; i++) padded[i] = acc;
        for (int w = 0; w < N_WINDOWS; w++) {
            int half = WINDOWS[w];
            int col = N_LINE + w * N_WINDOWED + j;
            for (Py_ssize_t i = 0; i < n; i++) {
                double hi = i + half + 1 < n ? (double)(i + half + 1) : (double)n;
                double lo = i - half > 0 ? (double)(i - half) : 0.0;
                x[i * N_FEATURES + col] =
                    (padded[pad + 1 + half + i] - padded[pad - half + i]) / (hi - lo);
            }
        }
    }
    PyMem_Free(padded);
    /* Page context: sentence-like mass before and after each line. */
    double sentence_sum = 0.0, cum_mass = 0.0, mass_total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *f = x + i * N_FEATURES;
        sentence_sum += f[F_SENTENCE_LIKE];
        double grown = chars[i] < (double)k->n_logs ? k->expm1_log1p_of[(Py_ssize_t)chars[i]]
                                                     : expm1(f[F_LOG_CHARS]);
        reps[i] = f[F_SENTENCE_LIKE] * grown;  /* reps is free again: reuse it for the mass */
        mass_total += reps[i];
    }
    mass_total += 1.0;
    double page_log_lines = table_log(k, (double)n), sentence_share = sentence_sum / n;
    const int page = N_LINE + N_WINDOWED * N_WINDOWS;
    cum_mass = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *f = x + i * N_FEATURES;
        cum_mass += reps[i];
        f[page + 0] = page_log_lines;
        f[page + 1] = sentence_share;
        f[page + 2] = (cum_mass - reps[i]) / mass_total;
        f[page + 3] = (mass_total - 1.0 - cum_mass) / mass_total;
        f[page + 4] = i > 0 ? x[(i - 1) * N_FEATURES + F_LOG_CHARS] : 0.0;
        f[page + 5] = i + 1 < n ? x[(i + 1) * N_FEATURES + F_LOG_CHARS] : 0.0;
    }
    PyMem_Free(chars);
    return 0;
fail:
    PyMem_Free(chars);
    return -1;
}

/* Line numbers in ascending order of their probability, ties in line order: a stable radix
 * sort on the bits of the doubles (non-negative doubles order like their bit patterns), a few
 * passes over the page instead of a comparison callback per pair. */
static void order_by_probability(const double *p, Py_ssize_t n, Py_ssize_t *order,
                                 Py_ssize_t *spare) {
    Py_ssize_t *from = order, *to = spare;
    for (Py_ssize_t i = 0; i < n; i++) from[i] = i;
    for (int shift = 0; shift < 64; shift += 8) {
        Py_ssize_t start[257] = {0};
        for (Py_ssize_t i = 0; i < n; i++) {
            uint64_t bits;
            memcpy(&bits, p + i, sizeof bits);
            start[((bits >> shift) & 0xFF) + 1]++;
        }
        int constant = 0;
        for (int b = 1; b <= 256; b++) constant |= start[b] == n;
        if (constant) continue; /* this byte is the same on every line: the order stands */
        for (int b = 1; b <= 256; b++) start[b] += start[b - 1];
        for (Py_ssize_t k = 0; k < n; k++) {
            uint64_t bits;
            memcpy(&bits, p + from[k], sizeof bits);
            to[start[(bits >> shift) & 0xFF]++] = from[k];
        }
        Py_ssize_t *t = from;
        from = to;
        to = t;
    }
    if (from != order) memcpy(order, from, sizeof(Py_ssize_t) * n);
}

/* model.smooth_features: stage-1 probabilities around each line plus a few line features. */
static int smooth_features(const double *p, const double *x, Py_ssize_t n, int whole_page,
                           double *z) {
    const int pad = SMOOTH_WINDOWS[N_SMOOTH_WINDOWS - 1];
    double *padded = PyMem_Malloc(sizeof(double) * (n + 2 * pad + 2));
    Py_ssize_t *order = PyMem_Malloc(sizeof(Py_ssize_t) * 2 * n);
    if (!padded || !order) {
        PyMem_Free(padded);
        PyMem_Free(order);
        PyErr_NoMemory();
        return -1;
    }
    double *cum = padded + pad + 1, acc = 0.0, top = p[0];
    for (int i = 0; i <= pad; i++) padded[i] = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        cum[i] = acc += p[i];
        if (p[i] > top) top = p[i];
    }
    for (Py_ssize_t i = n; i < n + pad + 1; i++) cum[i] = acc;
    order_by_probability(p, n, order, order + n);
    double last = cum[n - 1], quantile_div = n - 1 > 1 ? (double)(n - 1) : 1.0;
    double rel_div = top > 1e-6 ? top : 1e-6;
    for (Py_ssize_t r = 0; r < n; r++) z[order[r] * N_SMOOTH + 14] = (double)r / quantile_div;
    double max_before = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double *row = z + i * N_SMOOTH;
        row[0] = p[i];
        for (int w = 0; w < N_SMOOTH_WINDOWS; w++) {
            int half = SMOOTH_WINDOWS[w];
            double hi = i + half + 1 < n ? (double)(i + half + 1) : (double)n;
            double lo = i - half > 0 ? (double)(i - half) : 0.0;
            row[1 + w] = (padded[pad + 1 + half + i] - padded[pad - half + i]) / (hi - lo);
        }
        row[5] = i > 0 ? p[i - 1] : 0.0;
        row[6] = i + 1 < n ? p[i + 1] : 0.0;
        row[7] = max_before;  /* the running maximum of the lines before */
        if (i == 0 || p[i] > max_before) max_before = p[i];
        row[9] = (cum[i] - p[i]) / (i > 1 ? (double)i : 1.0);
        double after = (double)(n - 1 - i);
        row[10] = (last - cum[i]) / (after > 1.0 ? after : 1.0);
        row[11] = last / n;
        row[12] = top;
        row[13] = p[i] / rel_div;
        row[15] = whole_page ? 1.0 : 0.0;
        for (int t = 0; t < 4; t++) row[16 + t] = x[i * N_FEATURES + TAIL[t]];
    }
    double max_after = 0.0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        z[i * N_SMOOTH + 8] = max_after;
        if (i == n - 1 || p[i] > max_after) max_after = p[i];
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
             "Write features.page_features(lines) into out (len(lines) x 57 float64).");

static PyObject *kernel_features(Kernel *self, PyObject *args) {
    PyObject *lines, *out;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "OO:features", &lines, &out) || !check_lines(lines, &n))
        return NULL;
    Py_buffer view;
    if (get_out(out, &view, n * N_FEATURES) < 0) return NULL;
    int status = n ? page_features(self, lines, n, view.buf) : 0;
    PyBuffer_Release(&view);
    if (status < 0) return NULL;
    Py_RETURN_NONE;
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
    if (n == 0) {
        PyBuffer_Release(&view);
        Py_RETURN_NONE;
    }
    int widest = self->stage1.widest > self->stage2.widest ? self->stage1.widest
                                                           : self->stage2.widest;
    double *x = PyMem_Malloc(sizeof(double) * (n * (N_FEATURES + N_SMOOTH + 1) + 2 * BLOCK_ROWS * widest));
    if (!x) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    double *z = x + n * N_FEATURES, *p = z + n * N_SMOOTH, *work = p + n;
    int status = page_features(self, lines, n, x);
    if (status == 0) {
        mlp_predict(&self->stage1, x, n, whole_page ? 1 : 0, p, work);
        status = smooth_features(p, x, n, whole_page, z);
    }
    if (status == 0) mlp_predict(&self->stage2, z, n, 0, view.buf, work);
    PyMem_Free(x);
    PyBuffer_Release(&view);
    if (status < 0) return NULL;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(short_flags_doc,
             "short_flags(lines, max_chars, max_spaces)\n--\n\n"
             "One byte per line: 1 when it has fewer than max_chars characters and fewer than\n"
             "max_spaces spaces (U+0020), else 0 (the page detector's short lines).");

static PyObject *kernel_short_flags(Kernel *self, PyObject *args) {
    PyObject *lines;
    Py_ssize_t max_chars, max_spaces, n;
    if (!PyArg_ParseTuple(args, "Onn:short_flags", &lines, &max_chars, &max_spaces) ||
        !check_lines(lines, &n))
        return NULL;
    PyObject *flags = PyBytes_FromStringAndSize(NULL, n);
    if (!flags) return NULL;
    char *out = PyBytes_AS_STRING(flags);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line)) {
            Py_DECREF(flags);
            return PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(line), spaces = 0;
        if (len < max_chars) {
            int kind = PyUnicode_KIND(line);
            const void *data = PyUnicode_DATA(line);
            for (Py_ssize_t c = 0; c < len; c++) spaces += PyUnicode_READ(kind, data, c) == ' ';
        }
        out[i] = len < max_chars && spaces < max_spaces;
    }
    return flags;
}

/* What page_runs and article_runs share: where the non-empty lines are and how long. */
typedef struct {
    Py_ssize_t count;     /* non-empty lines */
    Py_ssize_t *index;    /* their numbers in `lines` */
    double *length;       /* their lengths */
    unsigned char *keep;  /* the decision, filled by the caller */
    const double *p;      /* their probabilities */
    Py_buffer view;
} Policy;

static void policy_free(Policy *q) {
    PyMem_Free(q->index);
    PyMem_Free(q->length);
    PyMem_Free(q->keep);
    if (q->view.obj) PyBuffer_Release(&q->view);
}

/* Read lines (list of str) and probs (float64, one per non-empty line): 0, or -1 with an
 * error set (q is then freed). */
static int policy_init(Policy *q, PyObject *lines, PyObject *probs) {
    memset(q, 0, sizeof(*q));
    Py_ssize_t n;
    if (!check_lines(lines, &n)) return -1;
    q->index = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    q->length = PyMem_Malloc(sizeof(double) * (n + 1));
    q->keep = PyMem_Malloc(n + 1);
    if (!q->index || !q->length || !q->keep) {
        PyErr_NoMemory();
        policy_free(q);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_Check(line)) {
            PyErr_Format(PyExc_TypeError, "line %zd: expected a str", i);
            policy_free(q);
            return -1;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(line);
        if (length > 0) {
            q->index[q->count] = i;
            q->length[q->count++] = (double)length;
        }
    }
    if (PyObject_GetBuffer(probs, &q->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        q->view.obj = NULL;
        policy_free(q);
        return -1;
    }
    if (q->view.format == NULL || strcmp(q->view.format, "d") != 0 ||
        q->view.len != q->count * (Py_ssize_t)sizeof(double)) {
        PyErr_Format(PyExc_ValueError, "probs: expected %zd float64 values", q->count);
        policy_free(q);
        return -1;
    }
    q->p = q->view.buf;
    return 0;
}

/* The safety valve (decide.too_little_kept) and the runs of dropped lines (consecutive line
 * numbers; a blank line ends a run): a new list, or None when the valve fires. */
static PyObject *policy_runs(const Policy *q, double min_share) {
    double total = 0.0, kept = 0.0;
    int any_kept = 0;
    for (Py_ssize_t k = 0; k < q->count; k++) {
        total += q->length[k];
        if (q->keep[k]) {
            kept += q->length[k];
            any_kept = 1;
        }
    }
    if (!any_kept || kept / total < min_share) Py_RETURN_NONE;
    PyObject *result = PyList_New(0);
    for (Py_ssize_t k = 0; result && k < q->count;) {
        if (q->keep[k]) {
            k++;
            continue;
        }
        Py_ssize_t start = q->index[k], end = q->index[k] + 1;
        for (k++; k < q->count && !q->keep[k] && q->index[k] == end; k++) end++;
        PyObject *range = Py_BuildValue("(nn)", start, end);
        if (!range || PyList_Append(result, range) < 0) Py_CLEAR(result);
        Py_XDECREF(range);
    }
    return result;
}

PyDoc_STRVAR(page_runs_doc,
             "page_runs(lines, probs, threshold, core, inside, min_kept_share)\n--\n\n"
             "The [first, end) ranges of lines (a list of str, blank lines included) that the\n"
             "whole-page policy drops, given probs (float64, one per non-empty line), as\n"
             "classify._decide with decide.keep_mask and the safety valve finds them; None\n"
             "when the valve fires (every line is then kept).");

/* Mirrors decide.keep_mask (whole page), decide.kept_share_too_small and the run building of
 * classify.boilerplate_runs: on pages of a few hundred lines their array operations and
 * per-line Python steps cost about half as much as the model itself. */
static PyObject *kernel_page_runs(Kernel *self, PyObject *args) {
    PyObject *lines, *probs;
    double threshold, core, inside, min_share;
    Policy q;
    if (!PyArg_ParseTuple(args, "OOdddd:page_runs", &lines, &probs, &threshold, &core, &inside,
                          &min_share) ||
        policy_init(&q, lines, probs) < 0)
        return NULL;
    Py_ssize_t first = -1, last = -1;
    for (Py_ssize_t k = 0; k < q.count; k++) {
        q.keep[k] = q.p[k] >= threshold;
        if (q.p[k] >= core) {
            if (first < 0) first = k;
            last = k;
        }
    }
    for (Py_ssize_t k = first < 0 ? 0 : first; k < last; k++) q.keep[k] |= q.p[k] >= inside;
    PyObject *result = policy_runs(&q, min_share);
    policy_free(&q);
    return result;
}

PyDoc_STRVAR(article_runs_doc,
             "article_runs(lines, probs, edge, mid, head, head_min_lines, head_max_lines,\n"
             "             min_kept_share, ends_sentence)\n--\n\n"
             "As page_runs, for the policy of extracted text (decide.keep_mask with\n"
             "whole_page=False): head is None when the head cut is off; ends_sentence(i)\n"
             "says whether non-empty line i ends a sentence (called for the head cut only).");

/* Mirrors decide.keep_mask (extracted text) with the valve and the runs; most extracted
 * documents keep every line, and for them this is one call instead of a dozen. */
static PyObject *kernel_article_runs(Kernel *self, PyObject *args) {
    PyObject *lines, *probs, *head_obj, *ends_sentence;
    double edge, mid, min_share;
    Py_ssize_t head_min_lines, head_max_lines;
    Policy q;
    if (!PyArg_ParseTuple(args, "OOddOnndO:article_runs", &lines, &probs, &edge, &mid,
                          &head_obj, &head_min_lines, &head_max_lines, &min_share,
                          &ends_sentence))
        return NULL;
    double head = 0.0;
    int has_head = head_obj != Py_None;
    if (has_head) {
        head = PyFloat_AsDouble(head_obj);
        if (head == -1.0 && PyErr_Occurred()) return NULL;
    }
    if (policy_init(&q, lines, probs) < 0) return NULL;
    Py_ssize_t n = q.count, first = -1, last = -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        q.keep[k] = q.p[k] >= mid;
        if (q.p[k] >= edge) {
            if (first < 0) first = k;
            last = k;
        }
    }
    if (first < 0) {
        memset(q.keep, 0, n);
    } else {
        if (has_head && head > edge && n >= head_min_lines) {
            Py_ssize_t cut = 0;
            for (Py_ssize_t k = first; k < n && k <= first + head_max_lines; k++) {
                if (q.p[k] >= head) {
                    cut = k - first;
                    break;
                }
            }
            int take = cut > 0;
            /* The cut lines must not end sentences and the line after them must. */
            for (Py_ssize_t k = first; take && k <= first + cut && ends_sentence != Py_None;
                 k++) {
                PyObject *answer = PyObject_CallFunction(ends_sentence, "n", k);
                int ends = answer ? PyObject_IsTrue(answer) : -1;
                Py_XDECREF(answer);
                if (ends < 0) {
                    policy_free(&q);
                    return NULL;
                }
                take = (k == first + cut) ? ends : !ends;
            }
            first += take ? cut : 0;
        }
        for (Py_ssize_t k = 0; k < first; k++) q.keep[k] = 0;
        for (Py_ssize_t k = last + 1; k < n; k++) q.keep[k] = 0;
    }
    PyObject *result = policy_runs(&q, min_share);
    policy_free(&q);
    return result;
}

static PyMethodDef kernel_methods[] = {
    {"page_runs", (PyCFunction)kernel_page_runs, METH_VARARGS, page_runs_doc},
    {"article_runs", (PyCFunction)kernel_article_runs, METH_VARARGS, article_runs_doc},
    {"short_flags", (PyCFunction)kernel_short_flags, METH_VARARGS, short_flags_doc},
    {"features", (PyCFunction)kernel_features, METH_VARARGS, features_doc},
    {"predict", (PyCFunction)kernel_predict, METH_VARARGS, predict_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(kernel_doc,
             "Kernel(classes, log1p, log, expm1_log1p, stage1, stage2)\n--\n\n"
             "The line model compiled: built once from the shipped weights (see model.py).");

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

PyMODINIT_FUNC PyInit__kernel(void) {
    DETECT_WIDE_SUMS();
    if (PyType_Ready(&KernelType) < 0) return NULL;
    PyObject *m = PyModule_Create(&kernel_module);
    if (!m) return NULL;
    if (PyModule_AddStringConstant(m, "LAYOUT", LAYOUT) < 0 ||
        PyModule_AddStringConstant(m, "BUILD_STAMP", CLEANTEXT_BUILD_STAMP) < 0 ||
        PyModule_AddObjectRef(m, "Kernel", (PyObject *)&KernelType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
