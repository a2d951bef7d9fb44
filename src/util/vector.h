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

/* 1 when this CPU runs the AVX-512 copies of cloned functions (32 vector
 * registers of 64 bytes), 0 for the AVX2 and baseline copies (16 registers
 * of at most 32 bytes).  Hot loops that keep 64-byte blocks (8 doubles) in
 * registers choose narrower blocks when it is 0: with more 64-byte values
 * than registers, GCC 12 spills them through the stack in 16-byte halves
 * and reloads them 32 bytes at a time, and every reload waits for the
 * stores (no store-to-load forwarding).  On an AMD EPYC (Zen 3, AVX2 only)
 * that made the three-species SOAP passes ~10× slower per pair than on
 * AVX-512 machines (docs/performance.md, "Machines without AVX-512").  The
 * choice of block width never changes a result: the loops it applies to
 * keep one independent sum per lane.  A load of the flags libgcc set when
 * the program started; cheap enough once per atom or pair. */
extern int mtt_vector_blocks_forced;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MTT_VECTOR_WIDE()                                                                         \
    (mtt_vector_blocks_forced ? mtt_vector_blocks_forced > 0                                      \
                              : __builtin_cpu_supports("avx512f") != 0)
#else
#define MTT_VECTOR_WIDE() (mtt_vector_blocks_forced > 0)
#endif
/* Tests only: 1 forces the wide blocks, −1 the narrow ones, 0 lets the CPU
 * decide (the default); tests/test_soap_blocks.c shows both give the same
 * bits.  Not for threads running passes at the same time. */
void mtt_vector_force_blocks(int mode);

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
