/* How fast can this CPU evaluate AS 241's central rational function in double, the way the truncated-normal kernel must
 * (separate multiplies and adds, no FMA, one division, 8 lanes of AVX-512)? No word generation, no tails, no stores
 * beyond L1: a ceiling for the truncated-normal fill, not a fill.
 *   gcc -O2 -mavx512f -ffp-contract=off -o /tmp/as241_central as241_central.c && /tmp/as241_central
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define N 1024
static double u[N], z[N];

static inline __m512d step(__m512d s, __m512d x, double c) { return _mm512_add_pd(_mm512_mul_pd(s, x), _mm512_set1_pd(c)); }

int main(void)
{
    for (int i = 0; i < N; i++) u[i] = (i + 0.5) / N * 0.6 + 0.2;
    const long reps = 200000;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long r = 0; r < reps; r++)
    {
        for (int i = 0; i < N; i += 8)
        {
            __m512d q = _mm512_sub_pd(_mm512_loadu_pd(u + i), _mm512_set1_pd(0.5));
            __m512d x = _mm512_sub_pd(_mm512_set1_pd(0.180625), _mm512_mul_pd(q, q));
            __m512d n = _mm512_set1_pd(2.5090809287301226727e3), d = _mm512_set1_pd(5.2264952788528545610e3);
            n = step(n, x, 3.3430575583588128105e4); d = step(d, x, 2.8729085735721942674e4);
            n = step(n, x, 6.7265770927008700853e4); d = step(d, x, 3.9307895800092710610e4);
            n = step(n, x, 4.5921953931549871457e4); d = step(d, x, 2.1213794301586595867e4);
            n = step(n, x, 1.3731693765509461125e4); d = step(d, x, 5.3941960214247511077e3);
            n = step(n, x, 1.9715909503065514427e3); d = step(d, x, 6.8718700749205790830e2);
            n = step(n, x, 1.3314166789178437745e2); d = step(d, x, 4.2313330701600911252e1);
            n = step(n, x, 3.3871328727963666080e0); d = step(d, x, 1.0);
            _mm512_storeu_pd(z + i, _mm512_mul_pd(q, _mm512_div_pd(n, d)));
        }
        __asm__ volatile("" ::: "memory");
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("AS 241 central branch: %.3f G values/s per core (z[7] = %g)\n", reps * (double)N / s / 1e9, z[7]);
    return 0;
}
