/* ckpt_checksum.h — the checkpoint checksum: 64-bit FNV-1a over 64-bit words.
 *
 * Algorithm (docs/checkpoint-format.md, "Checksums"), over a byte string of
 * length L:
 *     h = 0xcbf29ce484222325                      (FNV-1a 64 offset basis)
 *     for each 8-byte word w (little-endian; the last one zero-padded):
 *         h = (h XOR w) * 0x100000001b3 mod 2^64  (FNV-1a 64 prime)
 *     h = (h XOR L) * 0x100000001b3 mod 2^64      (the length, so padding counts)
 * Each step is a bijection of the state for a fixed word (XOR, then
 * multiplication by an odd number modulo 2^64), so two inputs that differ in
 * one word only always give different checksums: a flipped byte, or any change
 * within one aligned 8-byte word, is always detected.  (Changes spread over
 * several words are caught with probability 1 - 2^-64 at best, as for any
 * 64-bit checksum.)
 *
 * Cost: one multiplication per 8 bytes, a few GB/s on one core; the data are
 * read in place (no copy) on little-endian hosts.
 */
#ifndef MTT_IO_CKPT_CHECKSUM_H
#define MTT_IO_CKPT_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Checksum of n bytes in memory order. */
uint64_t mtt_ckpt_checksum_bytes(const void *data, size_t n);

/* Checksum of n_elem elements of elem_size bytes (1, 4 or 8), each taken in
 * little-endian byte order whatever the host's order. */
uint64_t mtt_ckpt_checksum_array(const void *data, size_t n_elem, size_t elem_size);

#endif
