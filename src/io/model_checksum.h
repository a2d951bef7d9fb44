/* model_checksum.h — the checksum of mtt's HDF5 files (models, and the same
 * algorithm as checkpoints): 64-bit FNV-1a over 64-bit little-endian words.
 *
 *   h = 0xcbf29ce484222325
 *   for each 8-byte word w of the bytes (little-endian; the last word padded
 *   with zero bytes):  h = (h XOR w) · 0x100000001b3  (mod 2^64)
 *   finally, the byte length as one more word:  h = (h XOR len) · 0x100000001b3
 *
 * Each step is a bijection of h for a fixed word, so changing any one word
 * (any flipped byte, any set of flipped bytes within 8 aligned bytes) always
 * changes the result; the length word separates inputs that differ only by
 * trailing zeros.  Cost: one multiply per 8 bytes.
 */
#ifndef MTT_IO_MODEL_CHECKSUM_H
#define MTT_IO_MODEL_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define MTT_CHECKSUM_INIT UINT64_C(0xcbf29ce484222325)

/* The checksum of n bytes at data (data may be NULL when n is 0). */
uint64_t mtt_checksum_bytes(const void *data, size_t n);

#endif
