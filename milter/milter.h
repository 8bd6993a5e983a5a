/*
 * milter.h - the libmilter edge: callbacks that collect a message and
 * apply the verdict at end of message
 *
 * libmilter is used only here and in main.c. Per-connection state hangs
 * off smfi_setpriv(); each message holds the snapshot it started with.
 */
#ifndef GUARDIAN_MILTER_H
#define GUARDIAN_MILTER_H

/*
 * milter_register - smfi_register() the filter's callbacks under name.
 * Returns 0, or -1 (logged) if libmilter refused.
 */
int milter_register(const char *name);

#endif /* GUARDIAN_MILTER_H */
