/*
 * review_ops.h - what a reviewer does to a held message: release it or
 * delete it
 *
 * One code path for every front end: "guardianctl quarantine" and the
 * review pages of guardian-review both call these. A release claims the
 * message (qstore_claim_release(): of two reviewers at once exactly one
 * wins), writes the audit line, leaves a release pass and re-injects the
 * held bytes through the MTA's sendmail(1) (quarantine.h submit()); a
 * delivery that fails takes the claim back. A delete writes its audit
 * line first (it cannot be taken back). Both tell the sender when
 * <notices> is on.
 *
 * Errors are answered in a struct review_result; nothing is printed.
 * Thread safety: as the store handle (one thread).
 */
#ifndef GUARDIAN_REVIEW_OPS_H
#define GUARDIAN_REVIEW_OPS_H

#include "bounds.h"
#include "qstore.h"

struct config;

enum review_outcome {
	REVIEW_DONE = 0,   /* released (or marked so, in hold mode), deleted */
	REVIEW_ALREADY,    /* released or deleted before: nothing done */
	REVIEW_NOT_FOUND,  /* no such message */
	REVIEW_BAD_INPUT,  /* malformed id, empty or overlong reason */
	REVIEW_STORE_FAIL, /* the store or the audit log failed */
	REVIEW_SEND_FAIL,  /* the MTA refused the released message */
};

struct review_result {
	enum review_outcome outcome;
	size_t nrcpts;     /* recipients a release went to */
	int hold;          /* the MTA holds it: postsuper -H QUEUE_ID */
	char queue_id[64]; /* the MTA's queue id, for hold mode */
	char by[256];      /* REVIEW_ALREADY: who did it before, if known */
	time_t at;         /* REVIEW_ALREADY: when */
	char status[16];   /* REVIEW_ALREADY: "released" or "deleted" */
	char text[BOUND_DIAG_TEXT +
	    256]; /* a one-line reason for anything but DONE */
	char warning[BOUND_DIAG_TEXT +
	    64]; /* DONE, but the notice to the sender failed */
};

/* review_reason_ok - 1 if reason is non-blank and at most
 * BOUND_REPLY_TEXT bytes */
int review_reason_ok(const char *reason);

/*
 * review_release - release id as who (a login name) for reason. The
 * outcome and a reason are in *res; returns 0 for REVIEW_DONE, else -1.
 * qs is borrowed; cfg gives <quarantine> and the compliance address.
 */
int review_release(struct review_result *res, const struct config *cfg,
    struct qstore *qs, const char *id, const char *who, const char *reason);

/* review_delete - delete id as who for reason; as review_release() */
int review_delete(struct review_result *res, const struct config *cfg,
    struct qstore *qs, const char *id, const char *who, const char *reason);

#endif /* GUARDIAN_REVIEW_OPS_H */
