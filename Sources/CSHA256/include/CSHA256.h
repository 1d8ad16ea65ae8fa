#ifndef CSHA256_H
#define CSHA256_H
#include <stddef.h>
#include <stdint.h>

/* Why this exists: Swift cannot emit the x86 SHA extension instructions, and SHA-256 is on the
 * loader's hot path (every file, every segment). The algorithm lives in Swift (Transform/SHA256);
 * this shim only offers the hardware block function, used when the CPU has it. */

/* 1 when this CPU can run CSHA256_compress_hw (x86-64 with SHA, SSSE3 and SSE4.1), else 0. */
int CSHA256_hardware_available(void);

/* Runs the SHA-256 compression function over `blocks` 64-byte blocks at `data`, updating the
 * eight-word `state` in place. Only call when CSHA256_hardware_available() returned 1. */
void CSHA256_compress_hw(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
