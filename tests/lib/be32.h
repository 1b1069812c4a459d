// be32.h: big-endian 32-bit reads and writes for tests that build or
// corrupt device-tree blobs (shared by tests/unit/test_fdt.c and
// tests/fuzz/fuzz_fdt.c).
#pragma once
#include <stdint.h>

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void set32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
