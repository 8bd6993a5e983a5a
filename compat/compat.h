/*
 * compat.h - declarations for functions that compat/ supplies where the C
 * library lacks them (glibc 2.36 has no strlcpy/strlcat)
 */
#ifndef GUARDIAN_COMPAT_H
#define GUARDIAN_COMPAT_H

#include <stddef.h>

#if !HAVE_DECL_STRLCPY
size_t strlcpy(char *dst, const char *src, size_t dsize);
#endif
#if !HAVE_DECL_STRLCAT
size_t strlcat(char *dst, const char *src, size_t dsize);
#endif

#endif /* GUARDIAN_COMPAT_H */
