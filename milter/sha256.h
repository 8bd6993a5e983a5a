/*
 * sha256.h - SHA-256 (FIPS 180-4), for the quarantine's release passes
 *
 * A plain implementation, so that the daemon needs no crypto library for
 * one digest: sha256_init(), sha256_update() any number of times,
 * sha256_final(). Not constant-time; it hashes no secret.
 */
#ifndef GUARDIAN_SHA256_H
#define GUARDIAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32
#define SHA256_HEX_SIZE (2 * SHA256_BYTES + 1)

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes so far */
	unsigned char block[64];
	size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
/* sha256_final - the digest as lower-case hex in hex */
void sha256_final(struct sha256 *s, char hex[SHA256_HEX_SIZE]);

#endif /* GUARDIAN_SHA256_H */
