/*
 * review_int.h - what review.c and review_pages.c share
 */
#ifndef GUARDIAN_REVIEW_INT_H
#define GUARDIAN_REVIEW_INT_H

#include <pthread.h>
#include <time.h>

#include "bounds.h"
#include "review.h"

struct review_session {
	char id[REVIEW_TOKEN_SIZE];   /* "" for a free slot */
	char csrf[REVIEW_TOKEN_SIZE]; /* the token its forms carry */
	char user[64];
	time_t created, used;
};

struct review_throttle {
	char client[64]; /* "" for a free slot */
	time_t first;    /* the first failure of the window */
	unsigned failures;
};

struct review {
	const struct config *cfg;
	review_auth_fn auth;
	void *auth_arg;
	int tls;
	time_t idle;          /* seconds */
	pthread_mutex_t lock; /* sessions and throttle */
	struct review_session sessions[BOUND_REVIEW_SESSIONS];
	struct review_throttle throttle[BOUND_REVIEW_THROTTLE_SLOTS];
};

int review_session_get(
    struct review *rv, struct review_session *out, const char *id, time_t now);
int review_session_new(struct review *rv, struct review_session *out,
    const char *user, time_t now);
void review_session_end(struct review *rv, const char *id);
int review_csrf_ok(
    const struct review_session *s, const struct review_request *req);
int review_throttle(
    struct review *rv, const char *client, int failed, time_t now);
void review_cookie(struct review *rv, struct review_response *resp,
    const char *name, const char *value, const char *path, long max_age);
void review_redirect(struct review_response *resp, const char *location);

/* review_pages.c */
void review_page_css(struct review_response *resp);
void review_page_error(
    struct review_response *resp, unsigned status, const char *text);
void review_page_login(struct review *rv, const struct review_request *req,
    struct review_response *resp, const char *error);
void review_do_login(struct review *rv, const struct review_request *req,
    struct review_response *resp);
void review_page_queue(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp);
void review_page_message(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp,
    const char *notice);
void review_page_raw(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp);
void review_do_action(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp);
void review_page_audit(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp);
void review_page_summary(struct review *rv, const struct review_session *s,
    const struct review_request *req, struct review_response *resp);

#endif /* GUARDIAN_REVIEW_INT_H */
