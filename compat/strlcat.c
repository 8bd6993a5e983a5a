/*
 * strlcat - append src to the string in dst of dsize bytes, always
 * NUL-terminating when there is room; returns the length it tried to
 * create, so a result >= dsize means truncation.
 */
#include "autoconf.h"

#include <string.h>

#include "compat.h"

size_t
strlcat(char *dst, const char *src, size_t dsize)
{
	size_t dlen = strnlen(dst, dsize);
	size_t slen = strlen(src);

	if (dlen == dsize)
		return dsize + slen;
	if (slen < dsize - dlen) {
		memcpy(dst + dlen, src, slen + 1);
	} else {
		memcpy(dst + dlen, src, dsize - dlen - 1);
		dst[dsize - 1] = '\0';
	}
	return dlen + slen;
}
