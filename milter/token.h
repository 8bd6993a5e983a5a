/*
 * token.h - the words of a text, as the detectors compare them
 *
 * A word is a run of letters and digits: ASCII letters and digits and
 * every code point from U+00C0 up that is not punctuation, a symbol or a
 * space (U+00D7, U+00F7, U+2000-U+2BFF, U+3000-U+303F, U+FE30-U+FE4F,
 * U+FF00-U+FF20, U+FEFF and U+1F000 up separate words). Apostrophes and
 * hyphens separate words too ("O'Brien" is two words): the roster's
 * names go through the same tokenizer, so both sides split alike.
 *
 * Each word is folded: ASCII and Latin letters (Latin-1, Latin
 * Extended-A and -B, Latin Extended Additional) to lower case with their
 * accents removed ("JOSÉ", "José" and "jose" are one word, as are
 * "NGUYỄN" and "Nguyen"; "ß" becomes "ss", "Æ" "ae", "Ł" "l"); other
 * letters are kept as written. The folded form is never longer than the
 * word.
 *
 * Each word also records its shape as written (lower, Capitalized, ALL
 * CAPS, or a number), the separator before it (what lies between it and
 * the previous word) and a 64-bit hash of its folded form.
 *
 * token_scan() is linear in the text's length and allocates only to grow
 * the caller's struct token_list, which is reused from text to text.
 * Invalid UTF-8 bytes separate words.
 */
#ifndef GUARDIAN_TOKEN_H
#define GUARDIAN_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/* How a word is written. */
enum token_shape {
	TOKEN_LOWER = 0, /* "summer", also "iPhone" */
	TOKEN_CAPITAL,   /* "Summer", "McDonald" */
	TOKEN_UPPER,     /* "SUMMER" (two letters or more) */
	TOKEN_NUMBER,    /* starts with a digit: "2014", "3rd" */
};

/* What lies between a word and the one before it. */
enum token_sep {
	TOKEN_SEP_START = 0, /* the first word of the text */
	TOKEN_SEP_SPACE,     /* spaces only (also no-break space) */
	TOKEN_SEP_COMMA,     /* a comma, with or without spaces around */
	TOKEN_SEP_TAB,       /* a tab, maybe with spaces: spreadsheet cells */
	TOKEN_SEP_NEWLINE,   /* a line break, maybe with other spacing */
	TOKEN_SEP_JOIN,      /* one hyphen, apostrophe or period alone */
	TOKEN_SEP_OTHER,     /* anything else */
};

/* 32 bytes: the detectors read the list several times over */
struct token {
	size_t off;    /* the word's bytes in the text */
	uint64_t hash; /* token_hash() of the folded form */
	uint32_t len;
	uint32_t foff; /* its folded bytes in token_list.folded */
	uint32_t flen;
	unsigned char shape; /* enum token_shape */
	unsigned char sep;   /* enum token_sep */
	unsigned char sepc;  /* the separator's one punctuation byte
	                        ('-', '/', ',', ...), 0 if none or several */
};

/* The words of one text; reused: token_scan() overwrites it. */
struct token_list {
	struct token *v;
	size_t n, cap;
	char *folded; /* every folded word, back to back */
	size_t fcap;
	size_t invalid; /* bytes that were not valid UTF-8 */
};

/* token_list_init / token_list_free - an empty list; free its memory */
void token_list_init(struct token_list *tl);
void token_list_free(struct token_list *tl);

/*
 * token_scan - the words of text[0..len) into tl. Returns 0, or -1 with
 * errno ENOMEM, or EFBIG for a text of 4 GiB or more (tl then holds an
 * unspecified prefix). Pure otherwise; any thread, each with its own
 * list.
 */
int token_scan(struct token_list *tl, const char *text, size_t len);

/* token_hash - the hash token_scan() gives a folded word of len bytes */
uint64_t token_hash(const char *folded, size_t len);

/* token_folded - the folded bytes of word t of tl (not NUL-terminated) */
const char *token_folded(const struct token_list *tl, const struct token *t);

#endif /* GUARDIAN_TOKEN_H */
