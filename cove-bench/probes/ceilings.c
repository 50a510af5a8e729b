/*
 * What this machine's vector units give for the instruction mixes of Cove's prompt kernels, and
 * for the ones llama.cpp uses that the Java Vector API cannot reach: the same shapes in C, one
 * thread, operands in L1, best of 7 runs. A reference for judging C2's code, not part of the build.
 *
 *   gcc -O3 -march=icelake-server -o /tmp/ceilings cove-bench/probes/ceilings.c && /tmp/ceilings
 *
 * (gcc 12 has no -march=znver4; icelake-server enables the same AVX-512 subsets, VNNI included.)
 * Each loop does 8 tokens x 32 rows: one weight vector per column, reused by 8 broadcast
 * activations, 8 independent accumulators. "MACs" are multiply-adds of one weight and one
 * activation. The last two rows are Cove's Q4_0 8-token tile (PackedQ4_0Kernels.matMul8) on
 * real sizes (2048 x 2048 times 128 tokens), with and without its per-block float scaling.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ITERS 20000000L
static unsigned char wq[1 << 16] __attribute__((aligned(64)));
static short xs[4096] __attribute__((aligned(64)));
static int xi[4096] __attribute__((aligned(64)));
static float xf[4096] __attribute__((aligned(64)));
static float wf[4096] __attribute__((aligned(64)));
static volatile int sink;

#define SUM8(add, a) add(add(add(a[0], a[1]), add(a[2], a[3])), add(add(a[4], a[5]), add(a[6], a[7])))

/*
 * One weight vector per column (32 nibbles zero-extended to shorts), 8 broadcast activations of
 * type X_T from XS, each ACCUMULATE(a, w, broadcast) into its own sum; FOLD adds the 8 sums at the end.
 */
#define WIDENED_NIBBLES_LOOP(NAME, X_T, XS, BROADCAST, ACCUMULATE, FOLD)                                     \
    static double NAME(void) {                                                                               \
        __m512i a[8], nib = _mm512_set1_epi16(15);                                                           \
        for (int t = 0; t < 8; t++) a[t] = _mm512_setzero_si512();                                           \
        double s = now();                                                                                    \
        for (long i = 0; i < ITERS; i++) {                                                                   \
            __m512i w = _mm512_and_si512(_mm512_cvtepu8_epi16(_mm256_loadu_si256((void *) (wq + 32 * (i & 255)))), nib); \
            const X_T *x = XS + 8 * (i & 127);                                                               \
            for (int t = 0; t < 8; t++) a[t] = ACCUMULATE(a[t], w, BROADCAST(x[t]));                         \
        }                                                                                                    \
        s = now() - s;                                                                                       \
        sink = _mm512_reduce_add_epi32(SUM8(FOLD, a));                                                       \
        return 256.0 * ITERS / s / 1e9;                                                                      \
    }

#define MULLW_ADDW(a, w, x) _mm512_add_epi16(a, _mm512_mullo_epi16(w, x))
#define MADDWD_ADDD(a, w, x) _mm512_add_epi32(a, _mm512_madd_epi16(w, x))

/* Cove's 16-bit products: 8 x (word broadcast, vpmullw, vpaddw). */
WIDENED_NIBBLES_LOOP(mullw, short, xs, _mm512_set1_epi16, MULLW_ADDW, _mm512_add_epi16)
/* vpmaddwd + vpaddd: pairs of 16-bit products summed into 32 bits (no Vector API operation). */
WIDENED_NIBBLES_LOOP(maddwd, int, xi, _mm512_set1_epi32, MADDWD_ADDD, _mm512_add_epi32)
/* AVX512-VNNI vpdpwssd: the multiply, the pair sum and the accumulation in one instruction. */
WIDENED_NIBBLES_LOOP(dpwssd, int, xi, _mm512_set1_epi32, _mm512_dpwssd_epi32, _mm512_add_epi32)

/*
 * vpdpwssd the way C2 emits it: from the loop out[i] += a[2i] * b[2i] + a[2i + 1] * b[2i + 1]
 * (MulAddVS2VI), whose vector body loads a, b and out and stores out for every instruction; b
 * holds the activation pair repeated (a kernel would expand it in scratch), out the 8 x 16 sums.
 */
static int outs[8 * 16] __attribute__((aligned(64)));
static short xrep[128 * 32] __attribute__((aligned(64)));
static double dpwssdLoop(void) {
    __m512i nib = _mm512_set1_epi16(15);
    double s = now();
    for (long i = 0; i < ITERS; i++) {
        __m512i w = _mm512_and_si512(_mm512_cvtepu8_epi16(_mm256_loadu_si256((void *) (wq + 32 * (i & 255)))), nib);
        const short *x = xrep + 32 * (i & 127);
        for (int t = 0; t < 8; t++) {
            __m512i *o = (__m512i *) (outs + 16 * t);
            _mm512_store_si512(o, _mm512_dpwssd_epi32(_mm512_load_si512(o), w, _mm512_loadu_si512((void *) (x + 8 * t))));
        }
    }
    s = now() - s;
    sink = outs[3];
    return 256.0 * ITERS / s / 1e9;
}

/* AVX512-VNNI vpdpbusd on 8-bit weights (16 rows x 4 columns per instruction): llama.cpp's Q4_0/Q8_0 products. */
static double dpbusd(void) {
    __m512i a[8], nib = _mm512_set1_epi8(15);
    for (int t = 0; t < 8; t++) a[t] = _mm512_setzero_si512();
    double s = now();
    for (long i = 0; i < ITERS; i++) {
        __m512i w = _mm512_and_si512(_mm512_loadu_si512((void *) (wq + 64 * (i & 255))), nib);
        const int *x = xi + 8 * (i & 127);
        for (int t = 0; t < 8; t++) a[t] = _mm512_dpbusd_epi32(a[t], w, _mm512_set1_epi32(x[t]));
    }
    s = now() - s;
    sink = _mm512_reduce_add_epi32(SUM8(_mm512_add_epi32, a));
    return 512.0 * ITERS / s / 1e9;
}

/* Float FMA, Cove's float tiles (Q8_0, F16, Q6_K prompts): 4 tokens x 32 rows, weights widened in L1. */
static double fma4x32(void) {
    __m512 a[8];
    for (int t = 0; t < 8; t++) a[t] = _mm512_setzero_ps();
    double s = now();
    for (long i = 0; i < ITERS; i++) {
        const float *w = wf + 32 * (i & 31);
        const float *x = xf + 4 * (i & 255);
        __m512 w0 = _mm512_load_ps(w), w1 = _mm512_load_ps(w + 16);
        for (int t = 0; t < 4; t++) {
            __m512 v = _mm512_set1_ps(x[t]);
            a[2 * t] = _mm512_fmadd_ps(w0, v, a[2 * t]);
            a[2 * t + 1] = _mm512_fmadd_ps(w1, v, a[2 * t + 1]);
        }
    }
    s = now() - s;
    sink = (int) _mm512_reduce_add_ps(SUM8(_mm512_add_ps, a));
    return 128.0 * ITERS / s / 1e9;
}

/* Cove's Q4_0 8-token tile with its block structure (packed layout: 32 halves, then 16 x 32 quant bytes). */
#define ROWS 2048
#define COLS 2048
#define TOK 128
#define NB (COLS / 32)
#define GBB 576
static unsigned char P[(ROWS / 32) * NB * GBB] __attribute__((aligned(64)));
static short XC[COLS * TOK];
static float XD[TOK * NB];
static short XOFF[TOK * NB];
static float OUT[TOK * ROWS];

static inline __m512 halves(const unsigned char *p) {
    __m512i v = _mm512_cvtepi16_epi32(_mm256_loadu_si256((void *) p));
    v = _mm512_and_si512(_mm512_slli_epi32(v, 13), _mm512_set1_epi32(0x8FFFE000));
    return _mm512_mul_ps(_mm512_castsi512_ps(v), _mm512_set1_ps(0x1p112f));
}

static void q4_0Tile(int t0, int g, int scale) {
    const unsigned char *gp = P + (long) g * NB * GBB;
    __m512 f[16];
    for (int i = 0; i < 16; i++) f[i] = _mm512_setzero_ps();
    __m512i nib = _mm512_set1_epi16(15);
    for (int b = 0; b < NB; b++) {
        const unsigned char *o = gp + (long) b * GBB;
        int sb = t0 * NB + b;
        __m512i s[8];
        for (int t = 0; t < 8; t++) s[t] = _mm512_set1_epi16(-XOFF[sb + t * NB]);
        for (int m = 0; m < 16; m++) {
            __m512i lo = _mm512_and_si512(_mm512_cvtepu8_epi16(_mm256_loadu_si256((void *) (o + 64 + 32 * m))), nib);
            const short *x = XC + (32 * b + m) * TOK + t0;
            for (int t = 0; t < 8; t++) s[t] = _mm512_add_epi16(s[t], _mm512_mullo_epi16(lo, _mm512_set1_epi16(x[t])));
        }
        for (int m = 0; m < 16; m++) {
            __m512i hi = _mm512_srli_epi16(_mm512_cvtepu8_epi16(_mm256_loadu_si256((void *) (o + 64 + 32 * m))), 4);
            const short *x = XC + (32 * b + m + 16) * TOK + t0;
            for (int t = 0; t < 8; t++) s[t] = _mm512_add_epi16(s[t], _mm512_mullo_epi16(hi, _mm512_set1_epi16(x[t])));
        }
        if (scale) {
            __m512 d0 = halves(o), d1 = halves(o + 32);
            for (int t = 0; t < 8; t++) {
                __m512 dx = _mm512_set1_ps(XD[sb + t * NB]);
                __m512 lo = _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm512_castsi512_si256(s[t])));
                __m512 hi = _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s[t], 1)));
                f[2 * t] = _mm512_fmadd_ps(lo, _mm512_mul_ps(d0, dx), f[2 * t]);
                f[2 * t + 1] = _mm512_fmadd_ps(hi, _mm512_mul_ps(d1, dx), f[2 * t + 1]);
            }
        } else { /* the integer sums only, folded so that the compiler keeps them */
            f[0] = _mm512_add_ps(f[0], _mm512_castsi512_ps(SUM8(_mm512_add_epi16, s)));
        }
    }
    for (int t = 0; t < 8; t++) {
        _mm512_storeu_ps(OUT + (t0 + t) * ROWS + 32 * g, f[2 * t]);
        _mm512_storeu_ps(OUT + (t0 + t) * ROWS + 32 * g + 16, f[2 * t + 1]);
    }
}

static double q4_0(int scale) {
    double s = now();
    for (int g = 0; g < ROWS / 32; g++)
        for (int t0 = 0; t0 < TOK; t0 += 8) q4_0Tile(t0, g, scale);
    s = now() - s;
    sink = (int) OUT[5];
    return (double) ROWS * COLS * TOK / s / 1e9;
}

static double scaled(void) { return q4_0(1); }
static double unscaled(void) { return q4_0(0); }

int main(void) {
    for (int i = 0; i < (int) sizeof wq; i++) wq[i] = (unsigned char) (i * 13);
    for (int i = 0; i < 4096; i++) {
        xs[i] = (short) (i % 7 - 3);
        xi[i] = i % 5;
        xf[i] = (float) (i % 9 - 4);
        wf[i] = (float) (i % 15 - 7);
    }
    for (long i = 0; i < (long) sizeof P; i++) P[i] = (unsigned char) ((i * 7) & 0x7f);
    for (int i = 0; i < COLS * TOK; i++) XC[i] = (short) (i % 255 - 127);
    for (int i = 0; i < TOK * NB; i++) {
        XD[i] = 0.01f;
        XOFF[i] = (short) i;
    }
    struct { const char *name; double (*run)(void); } tests[] = {
        {"vpmullw + vpaddw, word broadcast (Cove's 16-bit tiles)", mullw},
        {"vpmaddwd + vpaddd, dword broadcast (no Vector API op)", maddwd},
        {"vpdpwssd, 16-bit VNNI (C2: only an auto-vectorized loop)", dpwssd},
        {"vpdpwssd with out[] loaded and stored (C2's loop shape)", dpwssdLoop},
        {"vpdpbusd, 8-bit VNNI (llama.cpp's; unreachable from Java)", dpbusd},
        {"vfmadd231ps, 4 tokens x 32 rows (Cove's float tiles)", fma4x32},
        {"Q4_0 8-token tile, 2048 x 2048 x 128 tokens", scaled},
        {"the same without the per-block float scaling", unscaled},
    };
    int n = sizeof tests / sizeof tests[0];
    double best[16] = {0};
    for (int round = 0; round < 7; round++)
        for (int i = 0; i < n; i++) {
            double g = tests[i].run();
            if (g > best[i]) best[i] = g;
        }
    for (int i = 0; i < n; i++) printf("%-62s %6.1f G MACs/s\n", tests[i].name, best[i]);
    return 0;
}
