/*
 * review_auth.h - sign-in through PAM in a helper process that keeps
 * root while guardian-review itself does not (see review_auth.c)
 *
 * The protocol, over a SOCK_SEQPACKET socketpair: the daemon sends one
 * datagram "USER\0PASSWORD\0" (at most REVIEW_AUTH_MAX bytes), the
 * helper answers one byte, 'Y' (the password is right, the account
 * valid, the user in the reviewer group) or 'N'.
 */
#ifndef GUARDIAN_REVIEW_AUTH_H
#define GUARDIAN_REVIEW_AUTH_H

#define REVIEW_AUTH_MAX 512

/* review_auth_serve - the helper's loop on fd, for members of group;
 * never returns (exits when the daemon closes its end) */
void review_auth_serve(int fd, const char *group) __attribute__((noreturn));

/* review_auth_ask - a review_auth_fn (review.h): arg points to the
 * daemon's end of the socketpair. One question at a time: -2 (busy)
 * when another has been asked for 2 s; waits up to 30 s for the
 * answer. */
int review_auth_ask(void *arg, const char *user, const char *pass);

#endif /* GUARDIAN_REVIEW_AUTH_H */
