/*
 * config.h - the XML configuration: settings and the rule elements
 *
 * config_load() reads the main file, follows <include file="..."/>
 * (relative to the including file, nested at most BOUND_INCLUDE_DEPTH,
 * cycles refused), checks every element and attribute of the settings and
 * validates each file against the RelaxNG schema. Rules are not compiled
 * here: config hands their <rule> elements, in order, to rules_compile(),
 * and the detectors of <detectors> to detect_compile().
 * The schema's findings are held back until config_validate(), so that
 * the rules compiler's plainer messages come first. libxml2 is used only
 * inside config.c.
 *
 * The schema is found at $GUARDIAN_MILTER_SCHEMA if set, else
 * "guardian-milter.rng" beside the main config file if present, else the
 * installed copy under $(pkgdatadir).
 */
#ifndef GUARDIAN_CONFIG_H
#define GUARDIAN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct diag;
struct roster_options;
struct xnode;

/* What to answer when the filter itself fails on a message. */
enum config_on_error {
	CONFIG_ON_ERROR_TEMPFAIL = 0, /* default: the MTA retries */
	CONFIG_ON_ERROR_ACCEPT,       /* documented fail-open */
};

/* What an authenticated login the directory does not know means. */
enum config_unknown_login {
	CONFIG_LOGIN_STAFF = 0, /* staff with no notice on file: the duties
	                           apply, direct mail is never allowed */
	CONFIG_LOGIN_EXTERNAL,  /* someone outside the district */
};

struct config;

/*
 * config_init - once per process, before any thread starts: initialises
 * libxml2 and silences its default error output.
 */
void config_init(void);

/*
 * config_shutdown - release the parsed schema that config_load() keeps
 * between loads (at exit, for leak checkers). Thread-safe; a later load
 * parses the schema again.
 */
void config_shutdown(void);

/*
 * config_load - read and check the configuration at path
 *
 * Returns 0 and a new config in *out (release with config_free()), or -1,
 * leaving *out untouched and adding one "file:line: text" entry per
 * problem to dg. Also -1 with dg entries for an unreadable file. Call from
 * one thread at a time; the result is immutable and shareable.
 */
int config_load(struct config **out, const char *path, struct diag *dg);

/*
 * config_validate - report what the RelaxNG schema found in the files
 * config_load() read, one "file:line: schema: text" entry each. Returns 0
 * if nothing, else -1. Call after rules_compile() succeeded.
 */
int config_validate(const struct config *cfg, struct diag *dg);

/* config_free - NULL does nothing */
void config_free(struct config *cfg);

/* Settings (see guardian-milter.conf(5)); strings borrowed from cfg. */
const char *config_path(const struct config *cfg);
int config_monitor(const struct config *cfg); /* global monitor switch */
enum config_on_error config_on_error(const struct config *cfg);
const char *config_socket(const struct config *cfg);    /* NULL if unset */
const char *config_spool_dir(const struct config *cfg); /* never NULL */
/* <compliance-address>: the district's compliance mailbox, a plain
 * name@domain that <add-recipient mailbox="compliance"/> adds; NULL
 * if unset */
const char *config_compliance_address(const struct config *cfg);

/* <quarantine> (guardian-milter.conf(5)): where held messages go and
 * how they are reviewed. Strings borrowed from cfg; dir is never NULL
 * (default: <spool-dir>/quarantine), sendmail is the command that
 * re-injects released messages and submits notices, split at white
 * space (default /usr/sbin/sendmail), NULL-terminated. */
struct config_quarantine {
	const char *dir;
	const char *reviewer_group;  /* NULL: none, root only */
	unsigned retention_days;     /* 0: kept until deleted */
	int hold;                    /* mode hold: the MTA's hold queue */
	const char *const *sendmail; /* argv[0] is an absolute path */
	int notices;                 /* mail the sender a notice */
	int alert;                   /* alert <compliance-address> */
	const char *contact;         /* who to ask, for notices; or NULL */
	const char *notice_template; /* NULL: the built-in one */
};
const struct config_quarantine *config_quarantine(const struct config *cfg);

/* <review> inside <quarantine>: the review pages (guardian-review(8)).
 * NULL or 0 where unset: the daemon's defaults apply. */
struct config_review {
	const char *listen;   /* "ADDRESS:PORT" */
	const char *tls_cert; /* PEM files, both or neither */
	const char *tls_key;
	unsigned idle_minutes; /* session idle timeout */
	int plain_http;        /* serve a non-loopback address without TLS */
};
const struct config_review *config_review(const struct config *cfg);

/*
 * The directory (<directory>): where the roster export, the
 * communication preferences and the virtual alias files are, and how to
 * read them (config_roster_options()). Paths are
 * resolved against the main file's directory. config_roster_count() is
 * 0 when the configuration has no <directory>.
 */
size_t config_roster_count(const struct config *cfg);
const char *const *config_roster_dirs(const struct config *cfg);
const struct roster_options *config_roster_options(const struct config *cfg);
unsigned config_opt_out_window(const struct config *cfg);        /* days */
unsigned config_roster_check_interval(const struct config *cfg); /* s */
/* <max-loss>: the share (percent, 0-100) of persons, students, guardians
 * or guardian links a new directory may lose against the one it
 * replaces; 100 turns the guard off */
unsigned config_roster_max_loss(const struct config *cfg);
/* the file that keeps the counts of the directory served last, for the
 * reload guard: directory.counts in the spool directory; NULL only when
 * the spool directory's path is too long */
const char *config_roster_baseline(const struct config *cfg);
/* <unknown-login>: staff (the default) or external */
enum config_unknown_login config_unknown_login(const struct config *cfg);

/*
 * config_socket_check - 0 if spec is a milter socket in libmilter's
 * syntax (unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST), else
 * -1 with the problem, beginning "invalid socket", in err
 */
int config_socket_check(const char *spec, char *err, size_t errsize);

/* config_files - every file read (main file first, then includes), for
 * reload checks and messages */
size_t config_file_count(const struct config *cfg);
const char *config_file(const struct config *cfg, size_t i);

/* config_rule_count / config_rule - the <rule> elements of the main file
 * and its includes, in the order they appear (an include stands where its
 * <include> element stands) */
size_t config_rule_count(const struct config *cfg);
const struct xnode *config_rule(const struct config *cfg, size_t i);

/* config_detector_count / config_detector - the children of every
 * <detectors> element (<regex>, <keywords>) of the main file and its
 * includes, in the order they appear; detect_compile() checks them */
size_t config_detector_count(const struct config *cfg);
const struct xnode *config_detector(const struct config *cfg, size_t i);

#endif /* GUARDIAN_CONFIG_H */
