/*
 * utf8.h - one UTF-8 validator for every module that meets untrusted
 * text (logs, JSON, CSV)
 */
#ifndef GUARDIAN_UTF8_H
#define GUARDIAN_UTF8_H

#include <stddef.h>

/*
 * utf8_seq - the length (2 to 4) of the well-formed multi-byte UTF-8
 * sequence at s, which has n > 0 bytes left, or 0 when s does not start
 * one: an ASCII byte, a stray continuation byte, an overlong form, a
 * surrogate, a code point past U+10FFFF, or a sequence cut short. If cp is
 * not NULL it receives the code point. Pure; any thread.
 */
size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp);

#endif /* GUARDIAN_UTF8_H */
