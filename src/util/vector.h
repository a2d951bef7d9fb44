/* vector.h — hot loops compiled once per vector instruction set.
 *
 * MTT_VECTOR_CLONES on a function makes GCC emit an AVX-512, an AVX2 and a
 * baseline copy and pick one when the program loads.  The build adds no
 * fused multiply-adds (-ffp-contract=off) and no reassociation, so every
 * copy rounds alike: ranks running on different CPUs stay bitwise in step.
 * Loops vectorise only where lanes are independent (element-wise updates,
 * several partial sums kept in a fixed-size array); a sum over the lanes is
 * written out in a fixed order.
 *
 * A helper called from a cloned function runs in the baseline code of its
 * translation unit unless it is inlined: declare such helpers
 * MTT_VECTOR_INLINE. */
#ifndef MTT_UTIL_VECTOR_H
#define MTT_UTIL_VECTOR_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MTT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MTT_VECTOR_CLONES
#endif

#if defined(__GNUC__)
#define MTT_VECTOR_INLINE static inline __attribute__((always_inline))
#else
#define MTT_VECTOR_INLINE static inline
#endif

/* A hint that the cache line at p will be read soon (into L2 and the last
 * level, not L1: prefetcht1).  The hardware prefetchers follow a
 * sequential stream only so far ahead: a loop that spends ~100 ns of
 * arithmetic on each 2.5 KB record of a stream far larger than the cache
 * waits on memory unless it asks for the next records itself
 * (soap_grad_impl.h has the measurement). */
#if defined(__GNUC__)
#define MTT_PREFETCH(p) __builtin_prefetch((p), 0, 2)
#else
#define MTT_PREFETCH(p) ((void)(p))
#endif

#endif
