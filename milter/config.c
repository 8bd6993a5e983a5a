/*
 * config.c - the XML configuration; the only user of libxml2
 *
 * Loading reads the main file and its includes, turns each document into
 * an xnode tree (so no other module sees libxml2), checks the settings,
 * and validates every document against the RelaxNG schema. The schema's
 * findings are kept aside and reported by config_validate(), which the
 * snapshot calls only after the rules compiled cleanly: the rules
 * compiler's own messages ("unknown attribute ... (expected: ...)") say
 * more to an administrator than a schema validator does, so they come
 * first, and the schema remains the final word.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "address.h"
#include "bounds.h"
#include "buf.h"
#include "compat.h"
#include "config.h"
#include "diag.h"
#include "roster.h"
#include "xnode.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/guardian-milter"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

#define SCHEMA_NAME "guardian-milter.rng"
#define DEFAULT_SPOOL_DIR LOCALSTATEDIR "/spool/guardian-milter"

/* Consumer mail services, marked "personal" unless <personal-domains>
 * says otherwise. */
static const char *const default_personal[] = {"gmail.com", "googlemail.com",
    "yahoo.com", "ymail.com", "hotmail.com", "outlook.com", "live.com",
    "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.com", "gmx.net", "mail.com", "zoho.com",
    "yandex.com", "comcast.net", "att.net", "verizon.net", NULL};

/* Defaults of the directory settings. */
#define DEFAULT_OPT_OUT_WINDOW 14 /* days */
#define DEFAULT_CHECK_INTERVAL 60 /* seconds */
/* A new directory that loses more than this share (percent) of persons,
 * students, guardians or guardian links is refused: a cut-off export
 * (head -12 users.csv) would otherwise leave students without copies. */
#define DEFAULT_MAX_LOSS 10
/* The counts of the directory served last, in the spool directory. */
#define BASELINE_NAME "directory.counts"
#define MAX_MAX_LOSS 100
/* Held messages older than this are purged (<retention-days>): a school
 * year's quarter, long enough for a review, short for student data. */
#define DEFAULT_RETENTION_DAYS 90
#define MAX_OPT_OUT_WINDOW 3650
#define MAX_CHECK_INTERVAL 86400

struct xattr {
	char *name;
	char *value;
};

struct xnode {
	char *name;
	const char *file; /* owned by the config's file list */
	unsigned long line;
	struct xattr *attrs;
	size_t nattrs;
	char *text;
	struct xnode *child;
	struct xnode *next;
};

/* A problem the schema found, kept until config_validate(). */
struct schema_error {
	const char *file;
	unsigned long line;
	char *text;
};

struct config {
	char **files; /* every file read, main first */
	size_t nfiles;
	struct xnode **trees; /* one root per file, same order */
	const struct xnode **rules;
	size_t nrules;
	const struct xnode **detectors; /* children of <detectors> */
	size_t ndetectors;
	struct schema_error *serrs;
	size_t nserrs;
	/* validation that could not be done, or findings that could not be
	 * kept (out of memory): an error of its own, never a pass */
	const char *sfail_why;
	const char *sfail_file;
	size_t nslost;
	int monitor;
	enum config_on_error on_error;
	char *socket;
	char *spool_dir;
	char *baseline;   /* spool_dir/directory.counts */
	char *compliance; /* <compliance-address>, NULL if unset */
	/* <directory> */
	char **rosters;
	size_t nrosters;
	char **aliases; /* <virtual-aliases> */
	char **strings; /* everything roster_options points to */
	size_t nstrings;
	struct roster_school_bands *schools;
	struct roster_options ropts;
	unsigned window;
	unsigned interval;
	unsigned max_loss; /* percent */
	enum config_unknown_login unknown_login;
	/* <quarantine> */
	struct config_quarantine q;
	char *q_dir, *q_group, *q_contact, *q_template, *q_sendmail;
	char **q_argv; /* q_sendmail split at white space, in place */
	/* <review> of <quarantine> */
	struct config_review rv;
	char *rv_listen, *rv_cert, *rv_key;
};

/* The loader's working state for one config_load() call. */
struct loader {
	struct config *cfg;
	struct diag *dg;
	xmlRelaxNGPtr schema; /* NULL if it could not be loaded */
	char *stack[BOUND_INCLUDE_DEPTH + 1]; /* real paths, for cycles */
	size_t depth;
	int seen_settings;
	int seen_directory;
};

static const char *const root_children[] = {
    "settings", "directory", "include", "rule", "detectors", NULL};
static const char *const directory_children[] = {"roster", "preferences",
    "virtual-aliases", "district-domains", "personal-domains",
    "relative-is-guardian", "local-part-case", "subaddress", "grades", "school",
    "opt-out-window", "check-interval", "max-loss", "unknown-login", NULL};
static const char *const rules_children[] = {
    "include", "rule", "detectors", NULL};
static const char *const detectors_children[] = {"regex", "keywords", NULL};
static const char *const settings_children[] = {"mode", "on-error", "socket",
    "spool-dir", "compliance-address", "quarantine", NULL};
static const char *const quarantine_children[] = {"dir", "reviewer-group",
    "retention-days", "mode", "sendmail", "notices", "alert", "contact",
    "notice-template", "review", NULL};

void
config_init(void)
{
	xmlInitParser();
}

/*
 * xnode functions
 */

const char *
xnode_name(const struct xnode *n)
{
	return n->name;
}

const char *
xnode_file(const struct xnode *n)
{
	return n->file;
}

unsigned long
xnode_line(const struct xnode *n)
{
	return n->line;
}

const char *
xnode_attr(const struct xnode *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

size_t
xnode_attr_count(const struct xnode *n)
{
	return n->nattrs;
}

void
xnode_attr_at(
    const struct xnode *n, size_t i, const char **name, const char **value)
{
	*name = n->attrs[i].name;
	*value = n->attrs[i].value;
}

const char *
xnode_text(const struct xnode *n)
{
	return n->text;
}

const struct xnode *
xnode_child(const struct xnode *n)
{
	return n->child;
}

const struct xnode *
xnode_next(const struct xnode *n)
{
	return n->next;
}

/* xnode_free - free a node, its children and its following siblings */
static void
xnode_free(struct xnode *n)
{
	struct xnode *next;
	size_t i;

	for (; n != NULL; n = next) {
		next = n->next;
		xnode_free(n->child);
		for (i = 0; i < n->nattrs; i++) {
			free(n->attrs[i].name);
			free(n->attrs[i].value);
		}
		free(n->attrs);
		free(n->name);
		free(n->text);
		free(n);
	}
}

/* xnode_text_of - the text and CDATA directly inside el, concatenated */
static char *
xnode_text_of(const xmlNode *el)
{
	struct buf b;
	const xmlNode *c;

	buf_init(&b, BOUND_CONFIG_BYTES);
	for (c = el->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		        c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL &&
		    buf_puts(&b, (const char *)c->content) != BUF_OK) {
			buf_free(&b);
			return NULL;
		}
	}
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b);
}

/* xnode_attrs_of - copy el's attributes into n; -1 on ENOMEM */
static int
xnode_attrs_of(struct xnode *n, const xmlNode *el)
{
	const xmlAttr *a;
	size_t count = 0;

	for (a = el->properties; a != NULL; a = a->next)
		count++;
	if (count == 0)
		return 0;
	if ((n->attrs = calloc(count, sizeof(*n->attrs))) == NULL)
		return -1;
	for (a = el->properties; a != NULL; a = a->next) {
		xmlChar *v = xmlNodeListGetString(el->doc, a->children, 1);
		struct xattr *x = &n->attrs[n->nattrs];

		x->name = strdup((const char *)a->name);
		x->value = strdup(v != NULL ? (const char *)v : "");
		xmlFree(v);
		n->nattrs++;
		/* a value that has text but came back NULL: out of memory,
		 * not an empty attribute */
		if (x->name == NULL || x->value == NULL ||
		    (v == NULL && a->children != NULL))
			return -1;
	}
	return 0;
}

/* xnode_build - an xnode tree mirroring element el and its descendants;
 * NULL on ENOMEM */
static struct xnode *
xnode_build(const xmlNode *el, const char *file)
{
	struct xnode *n, **tail;
	const xmlNode *c;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->file = file;
	n->line = (unsigned long)xmlGetLineNo(el);
	if ((n->name = strdup((const char *)el->name)) == NULL ||
	    (n->text = xnode_text_of(el)) == NULL ||
	    xnode_attrs_of(n, el) == -1)
		goto fail;
	tail = &n->child;
	for (c = el->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((*tail = xnode_build(c, file)) == NULL)
			goto fail;
		tail = &(*tail)->next;
	}
	return n;
fail:
	xnode_free(n);
	return NULL;
}

/*
 * Diagnostics helpers
 */

/* expected_list - "a, b, c" from a NULL-terminated list, into dst */
static const char *
expected_list(char *dst, size_t size, const char *const *names)
{
	size_t i;

	dst[0] = '\0';
	for (i = 0; names[i] != NULL; i++) {
		if (i > 0)
			(void)strlcat(dst, ", ", size);
		(void)strlcat(dst, names[i], size);
	}
	return dst;
}

/* in_list - 1 if name is one of names */
static int
in_list(const char *name, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

int
xnode_check_attrs(
    const struct xnode *n, const char *const *allowed, struct diag *dg)
{
	char exp[256];
	size_t i;
	int bad = 0;

	for (i = 0; i < n->nattrs; i++) {
		if (in_list(n->attrs[i].name, allowed))
			continue;
		bad = 1;
		if (allowed[0] == NULL)
			diag_error(dg, n->file, n->line, 0,
			    "unknown attribute \"%s\" on <%s> (it takes none)",
			    n->attrs[i].name, n->name);
		else
			diag_error(dg, n->file, n->line, 0,
			    "unknown attribute \"%s\" on <%s> (expected: %s)",
			    n->attrs[i].name, n->name,
			    expected_list(exp, sizeof(exp), allowed));
	}
	return bad ? -1 : 0;
}

/* check_attrs - xnode_check_attrs() for the loader's own elements */
static void
check_attrs(struct diag *dg, const struct xnode *n, const char *const *allowed)
{
	(void)xnode_check_attrs(n, allowed, dg);
}

/* unknown_child - report child c of parent that is not in allowed */
static void
unknown_child(struct diag *dg, const struct xnode *parent,
    const struct xnode *c, const char *const *allowed)
{
	char exp[256];

	diag_error(dg, c->file, c->line, 0,
	    "unknown element <%s> in <%s> (expected: %s)", c->name,
	    parent->name, expected_list(exp, sizeof(exp), allowed));
}

/* xml_error - libxml2 structured error handler: into the loader's diag */
static void
xml_error(void *arg, xmlErrorPtr e)
{
	struct diag *dg = arg;
	char text[BOUND_DIAG_TEXT];
	size_t n;

	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	(void)strlcpy(
	    text, e->message != NULL ? e->message : "XML error", sizeof(text));
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	diag_error(dg, e->file, (unsigned long)(e->line > 0 ? e->line : 0),
	    e->line > 0 && e->int2 > 0 ? (unsigned long)e->int2 : 0, "%s",
	    text);
}

/* schema_failed - validation of file could not be done or its findings
 * not kept: remembered (the first reason) so config_validate() fails */
static void
schema_failed(struct config *cfg, const char *file, const char *why)
{
	if (cfg->sfail_why == NULL) {
		cfg->sfail_why = why;
		cfg->sfail_file = file;
	}
	cfg->nslost++;
}

/* schema_error - libxml2 RelaxNG error handler: kept in the config */
static void
schema_error(void *arg, xmlErrorPtr e)
{
	struct config *cfg = arg;
	struct schema_error *se;
	const char *file = NULL;
	size_t i, n;

	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	for (i = 0; e->file != NULL && i < cfg->nfiles; i++)
		if (strcmp(cfg->files[i], e->file) == 0)
			file = cfg->files[i];
	se = realloc(cfg->serrs, (cfg->nserrs + 1) * sizeof(*se));
	if (se == NULL) {
		schema_failed(
		    cfg, file, "a schema error was lost: out of memory");
		return;
	}
	cfg->serrs = se;
	se = &cfg->serrs[cfg->nserrs];
	se->file = file;
	se->line = e->line > 0 ? (unsigned long)e->line : 0;
	if (e->node != NULL && se->line == 0)
		se->line = (unsigned long)xmlGetLineNo((xmlNode *)e->node);
	if ((se->text = strdup(
	         e->message != NULL ? e->message : "schema error")) == NULL) {
		schema_failed(
		    cfg, file, "a schema error was lost: out of memory");
		return;
	}
	n = strlen(se->text);
	while (n > 0 && se->text[n - 1] == '\n')
		se->text[--n] = '\0';
	cfg->nserrs++;
}

/*
 * Loading
 */

/* read_file - the whole file at path (at most BOUND_CONFIG_BYTES) in *out
 * and its length in *len; -1 with errno */
static int
read_file(char **out, size_t *len, const char *path)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	buf_init(&b, BOUND_CONFIG_BYTES);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto done;
		if (n == 0)
			break;
		switch (buf_append(&b, chunk, (size_t)n)) {
		case BUF_OK:
			break;
		case BUF_TOOBIG:
			errno = EFBIG;
			goto done;
		default:
			errno = ENOMEM;
			goto done;
		}
	}
	*len = b.len;
	if ((*out = buf_steal(&b)) == NULL) {
		errno = ENOMEM;
		goto done;
	}
	rc = 0;
done:
	buf_free(&b);
	(void)close(fd);
	return rc;
}

/* add_file - remember path as read; returns the kept copy or NULL */
static const char *
add_file(struct config *cfg, const char *path)
{
	char **files;
	struct xnode **trees;

	if ((files = realloc(cfg->files, (cfg->nfiles + 1) * sizeof(*files))) ==
	    NULL)
		return NULL;
	cfg->files = files;
	if ((trees = realloc(cfg->trees, (cfg->nfiles + 1) * sizeof(*trees))) ==
	    NULL)
		return NULL;
	cfg->trees = trees;
	if ((files[cfg->nfiles] = strdup(path)) == NULL)
		return NULL;
	trees[cfg->nfiles] = NULL;
	return files[cfg->nfiles++];
}

/* add_rule - append a <rule> element to the ordered list */
static int
add_rule(struct loader *ld, const struct xnode *n)
{
	const struct xnode **r;

	if (ld->cfg->nrules >= BOUND_RULES) {
		diag_error(ld->dg, n->file, n->line, 0,
		    "too many rules (at most %d)", BOUND_RULES);
		return 0;
	}
	r = realloc(ld->cfg->rules, (ld->cfg->nrules + 1) * sizeof(*r));
	if (r == NULL)
		return -1;
	r[ld->cfg->nrules++] = n;
	ld->cfg->rules = r;
	return 0;
}

/* do_detectors - append the detectors of a <detectors> element to the
 * ordered list; their own checks are detect_compile()'s */
static int
do_detectors(struct loader *ld, const struct xnode *n)
{
	static const char *const none[] = {NULL};
	const struct xnode *c, **d;

	check_attrs(ld->dg, n, none);
	for (c = n->child; c != NULL; c = c->next) {
		if (!in_list(c->name, detectors_children)) {
			unknown_child(ld->dg, n, c, detectors_children);
			continue;
		}
		if (ld->cfg->ndetectors >= BOUND_DETECTORS) {
			diag_error(ld->dg, c->file, c->line, 0,
			    "too many detectors (at most %d)", BOUND_DETECTORS);
			return 0;
		}
		d = realloc(
		    ld->cfg->detectors, (ld->cfg->ndetectors + 1) * sizeof(*d));
		if (d == NULL)
			return -1;
		d[ld->cfg->ndetectors++] = c;
		ld->cfg->detectors = d;
	}
	return 0;
}

/*
 * validate_doc - run the schema over doc (from file), keeping what it
 * finds. Every way libxml2 can fail to validate counts as a failure: no
 * schema, no validation context, an internal error (-1), or "invalid"
 * without a reported finding.
 */
static void
validate_doc(struct loader *ld, xmlDoc *doc, const char *file)
{
	xmlRelaxNGValidCtxtPtr vctx;
	size_t before = ld->cfg->nserrs + ld->cfg->nslost;
	xmlErrorPtr e;
	int r;

	if (ld->schema == NULL) {
		/* load_schema() said why; make sure nothing passes */
		schema_failed(ld->cfg, file, "the schema could not be loaded");
		return;
	}
	if ((vctx = xmlRelaxNGNewValidCtxt(ld->schema)) == NULL) {
		schema_failed(ld->cfg, file,
		    "cannot set up schema validation: out of memory");
		return;
	}
	xmlRelaxNGSetValidStructuredErrors(vctx, schema_error, ld->cfg);
	xmlResetLastError();
	r = xmlRelaxNGValidateDoc(vctx, doc);
	xmlRelaxNGFreeValidCtxt(vctx);
	/* libxml2 2.9's validator can run out of memory and still answer
	 * "valid"; it says so only in the thread's last error */
	if ((e = xmlGetLastError()) != NULL && e->code == XML_ERR_NO_MEMORY)
		schema_failed(
		    ld->cfg, file, "schema validation ran out of memory");
	else if (r < 0)
		schema_failed(ld->cfg, file,
		    "schema validation failed with an internal error");
	else if (r > 0 && ld->cfg->nserrs + ld->cfg->nslost == before)
		schema_failed(ld->cfg, file,
		    "the file does not match the schema (no detail given)");
}

/* line_of - the line (1-based) where needle first occurs in text, or 0 */
static unsigned long
line_of(const char *text, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);
	unsigned long line = 1;

	for (i = 0; i + n <= len; i++) {
		if (memcmp(text + i, needle, n) == 0)
			return line;
		if (text[i] == '\n')
			line++;
	}
	return 0;
}

/* parse_doc - parse the file at path into an xnode tree; NULL after
 * adding diagnostics. *file receives the kept copy of the path. */
static struct xnode *
parse_doc(struct loader *ld, const char *path, const char **file)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc = NULL;
	struct xnode *root = NULL;
	char *text = NULL;
	size_t len = 0;
	size_t before = diag_count(ld->dg);
	unsigned long doctype_line;

	if ((*file = add_file(ld->cfg, path)) == NULL) {
		diag_error(ld->dg, path, 0, 0, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (read_file(&text, &len, path) == -1) {
		diag_error(ld->dg, path, 0, 0, "cannot read: %s",
		    errno == EFBIG ? "file larger than 16 MB" :
		                     strerror(errno));
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		free(text);
		diag_error(ld->dg, path, 0, 0, "%s", strerror(ENOMEM));
		return NULL;
	}
	xmlSetStructuredErrorFunc(ld->dg, xml_error);
	/* Never fetch anything from the network, never expand external
	 * entities or load DTDs: a config file is not a URL loader. */
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, *file, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	doctype_line = line_of(text, len, "<!DOCTYPE");
	free(text);
	/* libxml2 reports running out of memory in the SAX handlers only
	 * through the context, and may still return the document read so
	 * far: a file cut short must never load as if it were whole */
	if (doc == NULL || diag_count(ld->dg) > before ||
	    ctxt->errNo != XML_ERR_OK || !ctxt->wellFormed) {
		if (ctxt->errNo == XML_ERR_NO_MEMORY)
			diag_error(ld->dg, *file, 0, 0,
			    "cannot read: out of memory while parsing");
		else if (diag_count(ld->dg) == before)
			diag_error(ld->dg, *file, 0, 0, "not well-formed XML");
		goto done;
	}
	if (doc->intSubset != NULL) {
		/* libxml2 keeps no line for a DTD node: find it in the text */
		diag_error(ld->dg, *file, doctype_line, 0,
		    "a DOCTYPE is not allowed in configuration files");
		goto done;
	}
	if ((root = xnode_build(xmlDocGetRootElement(doc), *file)) == NULL) {
		diag_error(ld->dg, *file, 0, 0, "%s", strerror(ENOMEM));
		goto done;
	}
	ld->cfg->trees[ld->cfg->nfiles - 1] = root;
	validate_doc(ld, doc, *file);
done:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return root;
}

static int load_file(
    struct loader *, const char *, const char *, const struct xnode *);

/* resolve_include - the path of an include relative to the including
 * file, into dst */
static int
resolve_include(char *dst, size_t size, const char *from, const char *rel)
{
	char tmp[PATH_MAX];
	const char *dir;

	if (rel[0] == '/')
		return strlcpy(dst, rel, size) < size ? 0 : -1;
	if (strlcpy(tmp, from, sizeof(tmp)) >= sizeof(tmp))
		return -1;
	dir = dirname(tmp);
	if ((size_t)snprintf(dst, size, "%s/%s", dir, rel) >= size)
		return -1;
	return 0;
}

/* do_include - load the file an <include> element names */
static int
do_include(struct loader *ld, const struct xnode *inc)
{
	static const char *const attrs[] = {"file", NULL};
	char path[PATH_MAX];
	const char *rel = xnode_attr(inc, "file");

	check_attrs(ld->dg, inc, attrs);
	if (rel == NULL || *rel == '\0') {
		diag_error(ld->dg, inc->file, inc->line, 0,
		    "<include> needs a file attribute");
		return 0;
	}
	if (resolve_include(path, sizeof(path), inc->file, rel) == -1) {
		diag_error(ld->dg, inc->file, inc->line, 0,
		    "include path too long: \"%s\"", rel);
		return 0;
	}
	return load_file(ld, path, "rules", inc);
}

/* text_setting - copy the text of a settings element, trimmed */
static int
text_setting(struct loader *ld, char **dst, const struct xnode *n)
{
	const char *s = n->text;
	size_t len;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' ||
	        s[len - 1] == '\r'))
		len--;
	if (len == 0) {
		diag_error(
		    ld->dg, n->file, n->line, 0, "<%s> is empty", n->name);
		return 0;
	}
	free(*dst);
	if ((*dst = strndup(s, len)) == NULL)
		return -1;
	return 0;
}

/* choice_setting - map the text of n to one of choices (index), or
 * report; returns -1 if nothing matched */
static int
choice_setting(
    struct loader *ld, const struct xnode *n, const char *const *choices)
{
	char *v = NULL;
	char exp[128];
	int i, found = -1;

	if (text_setting(ld, &v, n) == -1 || v == NULL) {
		free(v);
		return -1;
	}
	for (i = 0; choices[i] != NULL; i++)
		if (strcmp(v, choices[i]) == 0)
			found = i;
	if (found == -1)
		diag_error(ld->dg, n->file, n->line, 0,
		    "invalid value \"%s\" for <%s> (expected: %s)", v, n->name,
		    expected_list(exp, sizeof(exp), choices));
	free(v);
	return found;
}

/*
 * <quarantine>: where held messages go and how reviewers work with them
 */

static int number_setting(struct loader *ld, unsigned *dst,
    const struct xnode *n, unsigned long max, const char *unit);
static int yes_no(struct loader *ld, const struct xnode *n);
static char *join_path(const char *dir, const char *name);

/* The variables a notice template may name, as ${name}. */
static const char *const notice_vars[] = {"id", "rule", "policy", "why",
    "contact", "subject", "recipients", "date", NULL};

/* check_template - every ${name} in t is a known variable */
static void
check_template(struct loader *ld, const struct xnode *n, const char *t)
{
	char exp[256];
	const char *p, *end;
	size_t i, len;

	for (p = t; (p = strstr(p, "${")) != NULL; p = end + 1) {
		if ((end = strchr(p, '}')) == NULL) {
			diag_error(ld->dg, n->file, n->line, 0,
			    "<notice-template>: \"${\" without \"}\"");
			return;
		}
		len = (size_t)(end - p - 2);
		for (i = 0; notice_vars[i] != NULL; i++)
			if (strlen(notice_vars[i]) == len &&
			    strncmp(notice_vars[i], p + 2, len) == 0)
				break;
		if (notice_vars[i] == NULL)
			diag_error(ld->dg, n->file, n->line, 0,
			    "<notice-template>: unknown variable \"${%.*s}\" "
			    "(expected: %s)",
			    (int)(len > 64 ? 64 : len), p + 2,
			    expected_list(exp, sizeof(exp), notice_vars));
	}
}

/* split_argv - cfg->q_sendmail split at white space, in place, into
 * cfg->q_argv; -1 on ENOMEM */
static int
split_argv(struct config *cfg)
{
	char *p = cfg->q_sendmail, **a;
	size_t n = 0;

	if ((cfg->q_argv = calloc(strlen(p) / 2 + 2, sizeof(*a))) == NULL)
		return -1;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = '\0';
		if (*p == '\0')
			break;
		cfg->q_argv[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
	return 0;
}

/*
 * <review> of <quarantine>: the review pages (guardian-review(8)).
 * Unset settings stay NULL or 0 and guardian-review uses its defaults.
 */
static int
do_review(struct loader *ld, const struct xnode *r)
{
	static const char *const none[] = {NULL};
	static const char *const children[] = {"listen", "tls-cert", "tls-key",
	    "idle-minutes", "plain-http", NULL};
	struct config *cfg = ld->cfg;
	const struct xnode *c;
	char **dst;
	int v;

	check_attrs(ld->dg, r, none);
	for (c = r->child; c != NULL; c = c->next) {
		check_attrs(ld->dg, c, none);
		dst = NULL;
		if (strcmp(c->name, "listen") == 0)
			dst = &cfg->rv_listen;
		else if (strcmp(c->name, "tls-cert") == 0)
			dst = &cfg->rv_cert;
		else if (strcmp(c->name, "tls-key") == 0)
			dst = &cfg->rv_key;
		else if (strcmp(c->name, "idle-minutes") == 0) {
			if (number_setting(ld, &cfg->rv.idle_minutes, c, 1440,
			        "minutes") == -1)
				return -1;
		} else if (strcmp(c->name, "plain-http") == 0) {
			if ((v = yes_no(ld, c)) >= 0)
				cfg->rv.plain_http = v;
		} else
			unknown_child(ld->dg, r, c, children);
		if (dst != NULL && text_setting(ld, dst, c) == -1)
			return -1;
		if (dst != NULL && dst != &cfg->rv_listen && *dst != NULL &&
		    (*dst)[0] != '/')
			diag_error(ld->dg, c->file, c->line, 0,
			    "<%s> of <review> must be an absolute path, not "
			    "\"%s\"",
			    c->name, *dst);
	}
	if ((cfg->rv_cert == NULL) != (cfg->rv_key == NULL))
		diag_error(ld->dg, r->file, r->line, 0,
		    "<review> needs both <tls-cert> and <tls-key>, or neither");
	cfg->rv.listen = cfg->rv_listen;
	cfg->rv.tls_cert = cfg->rv_cert;
	cfg->rv.tls_key = cfg->rv_key;
	return 0;
}

/* do_quarantine - the <quarantine> element of <settings> */
static int
do_quarantine(struct loader *ld, const struct xnode *q)
{
	static const char *const none[] = {NULL};
	static const char *const modes[] = {"discard", "hold", NULL};
	const struct xnode *c;
	int v;

	check_attrs(ld->dg, q, none);
	for (c = q->child; c != NULL; c = c->next) {
		check_attrs(ld->dg, c, none);
		if (strcmp(c->name, "dir") == 0) {
			if (text_setting(ld, &ld->cfg->q_dir, c) == -1)
				return -1;
			if (ld->cfg->q_dir != NULL && ld->cfg->q_dir[0] != '/')
				diag_error(ld->dg, c->file, c->line, 0,
				    "<dir> of <quarantine> must be an absolute "
				    "path, not \"%s\"",
				    ld->cfg->q_dir);
		} else if (strcmp(c->name, "reviewer-group") == 0) {
			if (text_setting(ld, &ld->cfg->q_group, c) == -1)
				return -1;
		} else if (strcmp(c->name, "retention-days") == 0) {
			if (number_setting(ld, &ld->cfg->q.retention_days, c,
			        36500, "days") == -1)
				return -1;
		} else if (strcmp(c->name, "mode") == 0) {
			if ((v = choice_setting(ld, c, modes)) >= 0)
				ld->cfg->q.hold = v == 1;
		} else if (strcmp(c->name, "sendmail") == 0) {
			if (text_setting(ld, &ld->cfg->q_sendmail, c) == -1)
				return -1;
			if (ld->cfg->q_sendmail != NULL &&
			    ld->cfg->q_sendmail[0] != '/')
				diag_error(ld->dg, c->file, c->line, 0,
				    "<sendmail> must start with an absolute "
				    "path, not \"%s\"",
				    ld->cfg->q_sendmail);
		} else if (strcmp(c->name, "notices") == 0) {
			if ((v = yes_no(ld, c)) >= 0)
				ld->cfg->q.notices = v;
		} else if (strcmp(c->name, "alert") == 0) {
			if ((v = yes_no(ld, c)) >= 0)
				ld->cfg->q.alert = v;
		} else if (strcmp(c->name, "contact") == 0) {
			if (text_setting(ld, &ld->cfg->q_contact, c) == -1)
				return -1;
		} else if (strcmp(c->name, "notice-template") == 0) {
			if (text_setting(ld, &ld->cfg->q_template, c) == -1)
				return -1;
			if (ld->cfg->q_template != NULL)
				check_template(ld, c, ld->cfg->q_template);
		} else if (strcmp(c->name, "review") == 0) {
			if (do_review(ld, c) == -1)
				return -1;
		} else
			unknown_child(ld->dg, q, c, quarantine_children);
	}
	return 0;
}

/* quarantine_defaults - what <quarantine> left unset; -1 on ENOMEM */
static int
quarantine_defaults(struct config *cfg)
{
	if (cfg->q_dir == NULL && cfg->spool_dir != NULL &&
	    (cfg->q_dir = join_path(cfg->spool_dir, "quarantine")) == NULL)
		return -1;
	if (cfg->q_sendmail == NULL &&
	    (cfg->q_sendmail = strdup("/usr/sbin/sendmail")) == NULL)
		return -1;
	if (split_argv(cfg) == -1)
		return -1;
	cfg->q.dir = cfg->q_dir;
	cfg->q.reviewer_group = cfg->q_group;
	cfg->q.sendmail = (const char *const *)cfg->q_argv;
	cfg->q.contact = cfg->q_contact;
	cfg->q.notice_template = cfg->q_template;
	return 0;
}

/* do_settings - the <settings> element of the main file */
static int
do_settings(struct loader *ld, const struct xnode *s)
{
	char why[512];
	static const char *const none[] = {NULL};
	static const char *const modes[] = {"enforce", "monitor", NULL};
	static const char *const on_error[] = {"tempfail", "accept", NULL};
	const struct xnode *c;
	unsigned seen = 0;
	size_t i;
	int v;

	check_attrs(ld->dg, s, none);
	for (c = s->child; c != NULL; c = c->next) {
		for (i = 0; settings_children[i] != NULL; i++)
			if (strcmp(c->name, settings_children[i]) == 0)
				break;
		if (settings_children[i] == NULL) {
			unknown_child(ld->dg, s, c, settings_children);
			continue;
		}
		check_attrs(ld->dg, c, none);
		if (seen & (1u << i))
			diag_error(ld->dg, c->file, c->line, 0,
			    "<%s> given twice in <settings>", c->name);
		seen |= 1u << i;
		if (strcmp(c->name, "mode") == 0) {
			if ((v = choice_setting(ld, c, modes)) >= 0)
				ld->cfg->monitor = v == 1;
		} else if (strcmp(c->name, "on-error") == 0) {
			if ((v = choice_setting(ld, c, on_error)) >= 0)
				ld->cfg->on_error = v == 1 ?
				    CONFIG_ON_ERROR_ACCEPT :
				    CONFIG_ON_ERROR_TEMPFAIL;
		} else if (strcmp(c->name, "socket") == 0) {
			if (text_setting(ld, &ld->cfg->socket, c) == -1)
				return -1;
			if (ld->cfg->socket != NULL &&
			    config_socket_check(
			        ld->cfg->socket, why, sizeof(why)) == -1)
				diag_error(
				    ld->dg, c->file, c->line, 0, "%s", why);
		} else if (strcmp(c->name, "spool-dir") == 0) {
			if (text_setting(ld, &ld->cfg->spool_dir, c) == -1)
				return -1;
			/* empty: text_setting() reported it, set nothing */
			if (ld->cfg->spool_dir != NULL &&
			    ld->cfg->spool_dir[0] != '/')
				diag_error(ld->dg, c->file, c->line, 0,
				    "<spool-dir> must be an absolute path, "
				    "not \"%s\"",
				    ld->cfg->spool_dir);
		} else if (strcmp(c->name, "compliance-address") == 0) {
			if (text_setting(ld, &ld->cfg->compliance, c) == -1)
				return -1;
			if (ld->cfg->compliance != NULL &&
			    !address_is_plain(ld->cfg->compliance))
				diag_error(ld->dg, c->file, c->line, 0,
				    "<compliance-address> \"%s\" is not a "
				    "plain address (expected name@domain, "
				    "without quotes, routing or angle "
				    "brackets)",
				    ld->cfg->compliance);
		} else if (strcmp(c->name, "quarantine") == 0) {
			if (do_quarantine(ld, c) == -1)
				return -1;
		}
	}
	return 0;
}

/*
 * The milter socket
 */

/* parse_port - 0 if s is a decimal port 1-65535 and nothing else */
static int
parse_port(const char *s, size_t len)
{
	unsigned long port = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		port = port * 10 + (unsigned long)(s[i] - '0');
	}
	return port >= 1 && port <= 65535 ? 0 : -1;
}

/* host_ok - 1 if h looks like a host name or an IPv4/IPv6 literal */
static int
host_ok(const char *h)
{
	const char *p;

	if (*h == '\0' || strlen(h) > 255)
		return 0;
	for (p = h; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-_:[]%", *p) != NULL)
			continue;
		return 0;
	}
	return 1;
}

int
config_socket_check(const char *spec, char *err, size_t errsize)
{
	struct sockaddr_un sun;
	const char *rest, *at;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		if (*rest != '/') {
			snprintf(err, errsize,
			    "invalid socket \"%s\": the path must be absolute "
			    "(unix:/path)",
			    spec);
			return -1;
		}
		if (strlen(rest) >= sizeof(sun.sun_path)) {
			snprintf(err, errsize,
			    "invalid socket \"%s\": the path is longer than "
			    "%zu bytes",
			    spec, sizeof(sun.sun_path) - 1);
			return -1;
		}
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		at = strchr(rest, '@');
		if (parse_port(rest,
		        at != NULL ? (size_t)(at - rest) : strlen(rest)) ==
		    -1) {
			snprintf(err, errsize,
			    "invalid socket \"%s\": the port must be a number "
			    "from 1 to 65535 (inet:PORT@HOST)",
			    spec);
			return -1;
		}
		if (at != NULL && !host_ok(at + 1)) {
			snprintf(err, errsize,
			    "invalid socket \"%s\": \"%s\" is not a host name "
			    "or address",
			    spec, at + 1);
			return -1;
		}
		return 0;
	}
	snprintf(err, errsize,
	    "invalid socket \"%s\": expected unix:/path, local:/path, "
	    "inet:PORT@HOST or inet6:PORT@HOST",
	    spec);
	return -1;
}

/*
 * The directory settings
 */

/* keep - remember a string roster_options will point to; NULL on ENOMEM */
static char *
keep(struct config *cfg, const char *s, size_t len)
{
	char **v;

	if ((v = realloc(cfg->strings, (cfg->nstrings + 1) * sizeof(*v))) ==
	    NULL)
		return NULL;
	cfg->strings = v;
	if ((v[cfg->nstrings] = strndup(s, len)) == NULL)
		return NULL;
	return v[cfg->nstrings++];
}

/* keep_pointer - remember an allocated block to free with the config */
static int
keep_pointer(struct config *cfg, void *block)
{
	char **v;

	if ((v = realloc(cfg->strings, (cfg->nstrings + 1) * sizeof(*v))) ==
	    NULL)
		return -1;
	cfg->strings = v;
	v[cfg->nstrings++] = block;
	return 0;
}

/* keep_list - the space-separated words of text as a NULL-terminated
 * array kept in cfg; *n gets the count. -1 on ENOMEM. */
static int
keep_list(
    struct config *cfg, const char *text, const char *const **out, size_t *n)
{
	const char **list = NULL, **v;
	const char *p = text, *start;
	size_t count = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		for (start = p; *p != '\0' && *p != ' ' && *p != '\t' &&
		     *p != '\n' && *p != '\r';
		     p++)
			continue;
		if ((v = realloc(list, (count + 2) * sizeof(*v))) == NULL)
			goto nomem;
		list = v;
		if ((list[count] = keep(cfg, start, (size_t)(p - start))) ==
		    NULL)
			goto nomem;
		list[++count] = NULL;
	}
	/* The array itself is kept too, as one more string-sized block. */
	if (list != NULL && keep_pointer(cfg, list) == -1)
		goto nomem;
	*out = list;
	*n = count;
	return 0;
nomem:
	free(list);
	return -1;
}

/* number_setting - a whole number in [0, max] from the text of n */
static int
number_setting(struct loader *ld, unsigned *dst, const struct xnode *n,
    unsigned long max, const char *unit)
{
	char *v = NULL, *end;
	unsigned long x;

	if (text_setting(ld, &v, n) == -1)
		return -1;
	if (v == NULL)
		return 0;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || x > max)
		diag_error(ld->dg, n->file, n->line, 0,
		    "invalid value \"%s\" for <%s> (expected %s from 0 to %lu)",
		    v, n->name, unit, max);
	else
		*dst = (unsigned)x;
	free(v);
	return 0;
}

/* yes_no - 1 for yes, 0 for no, -1 (reported) otherwise */
static int
yes_no(struct loader *ld, const struct xnode *n)
{
	static const char *const choices[] = {"no", "yes", NULL};

	return choice_setting(ld, n, choices);
}

/* bands_of - the elementary/middle/high attributes of n into b */
static void
bands_of(struct loader *ld, struct roster_bands *b, const struct xnode *n)
{
	static const char *const names[] = {"", "elementary", "middle", "high"};
	const char *v, *why;
	int level;

	for (level = ROSTER_LEVEL_ELEMENTARY; level <= ROSTER_LEVEL_HIGH;
	     level++) {
		if ((v = xnode_attr(n, names[level])) == NULL)
			continue;
		if (roster_bands_set(b, (enum roster_level)level, v) == -1)
			diag_error(ld->dg, n->file, n->line, 0,
			    "invalid grade range \"%s\" for %s on <%s> "
			    "(expected e.g. \"PK-05\", \"06-08\", \"KG\" or "
			    "\"\" for none)",
			    v, names[level], n->name);
	}
	if ((why = roster_bands_check(b)) != NULL)
		diag_error(
		    ld->dg, n->file, n->line, 0, "<%s>: %s", n->name, why);
}

/* do_school - <school id="..." elementary=".." middle=".." high=".."/> */
static int
do_school(struct loader *ld, const struct xnode *n)
{
	static const char *const attrs[] = {
	    "id", "elementary", "middle", "high", NULL};
	struct config *cfg = ld->cfg;
	struct roster_school_bands *s;
	const char *id = xnode_attr(n, "id");

	check_attrs(ld->dg, n, attrs);
	if (id == NULL || *id == '\0') {
		diag_error(ld->dg, n->file, n->line, 0,
		    "<school> needs an id (the org's sourcedId or identifier)");
		return 0;
	}
	s = realloc(cfg->schools, (cfg->ropts.nschools + 1) * sizeof(*s));
	if (s == NULL)
		return -1;
	cfg->schools = s;
	cfg->ropts.schools = s;
	s = &s[cfg->ropts.nschools];
	memset(s, 0, sizeof(*s));
	/* A school's bands start from the district's, then change. */
	s->bands = cfg->ropts.bands;
	if ((s->school = keep(cfg, id, strlen(id))) == NULL)
		return -1;
	s->file = n->file;
	s->line = n->line;
	cfg->ropts.nschools++;
	bands_of(ld, &s->bands, n);
	return 0;
}

/* roster_path - <roster>, <preferences> and <virtual-aliases>: a path,
 * relative to the including file */
static char *
roster_path(struct loader *ld, const struct xnode *n)
{
	char path[PATH_MAX];
	char *v = NULL, *kept = NULL;

	if (text_setting(ld, &v, n) == -1 || v == NULL)
		return NULL;
	if (resolve_include(path, sizeof(path), n->file, v) == -1)
		diag_error(
		    ld->dg, n->file, n->line, 0, "path too long: \"%s\"", v);
	else
		kept = keep(ld->cfg, path, strlen(path));
	free(v);
	return kept;
}

/* directory_child - one child of <directory>; -1 on ENOMEM */
static int
directory_child(struct loader *ld, const struct xnode *c)
{
	static const char *const none[] = {NULL};
	static const char *const cases[] = {"insensitive", "sensitive", NULL};
	struct config *cfg = ld->cfg;
	struct roster_options *o = &cfg->ropts;
	char **dirs, *v = NULL;
	int x;

	if (strcmp(c->name, "grades") != 0 && strcmp(c->name, "school") != 0)
		check_attrs(ld->dg, c, none);
	if (strcmp(c->name, "roster") == 0) {
		if ((dirs = realloc(cfg->rosters,
		         (cfg->nrosters + 1) * sizeof(*dirs))) == NULL)
			return -1;
		cfg->rosters = dirs;
		if ((dirs[cfg->nrosters] = roster_path(ld, c)) != NULL)
			cfg->nrosters++;
	} else if (strcmp(c->name, "preferences") == 0) {
		o->preferences = roster_path(ld, c);
	} else if (strcmp(c->name, "virtual-aliases") == 0) {
		if ((dirs = realloc(cfg->aliases,
		         (o->naliases + 1) * sizeof(*dirs))) == NULL)
			return -1;
		cfg->aliases = dirs;
		o->aliases = (const char *const *)dirs;
		if ((dirs[o->naliases] = roster_path(ld, c)) != NULL)
			o->naliases++;
	} else if (strcmp(c->name, "district-domains") == 0) {
		return keep_list(
		    cfg, c->text, &o->district_domains, &o->ndistrict_domains);
	} else if (strcmp(c->name, "personal-domains") == 0) {
		return keep_list(
		    cfg, c->text, &o->personal_domains, &o->npersonal_domains);
	} else if (strcmp(c->name, "relative-is-guardian") == 0) {
		if ((x = yes_no(ld, c)) >= 0)
			o->relative_is_guardian = x;
	} else if (strcmp(c->name, "local-part-case") == 0) {
		if ((x = choice_setting(ld, c, cases)) >= 0)
			o->local_case_sensitive = x;
	} else if (strcmp(c->name, "subaddress") == 0) {
		/* Empty means none: no text_setting(), which refuses that. */
		if ((v = keep(cfg, c->text, strlen(c->text))) == NULL)
			return -1;
		o->subaddress = v;
	} else if (strcmp(c->name, "grades") == 0) {
		static const char *const attrs[] = {
		    "elementary", "middle", "high", NULL};

		check_attrs(ld->dg, c, attrs);
		bands_of(ld, &o->bands, c);
	} else if (strcmp(c->name, "school") == 0) {
		return do_school(ld, c);
	} else if (strcmp(c->name, "opt-out-window") == 0) {
		return number_setting(
		    ld, &cfg->window, c, MAX_OPT_OUT_WINDOW, "days");
	} else if (strcmp(c->name, "check-interval") == 0) {
		return number_setting(
		    ld, &cfg->interval, c, MAX_CHECK_INTERVAL, "seconds");
	} else if (strcmp(c->name, "max-loss") == 0) {
		return number_setting(
		    ld, &cfg->max_loss, c, MAX_MAX_LOSS, "percent");
	} else if (strcmp(c->name, "unknown-login") == 0) {
		static const char *const logins[] = {"staff", "external", NULL};

		if ((x = choice_setting(ld, c, logins)) >= 0)
			cfg->unknown_login =
			    x == 0 ? CONFIG_LOGIN_STAFF : CONFIG_LOGIN_EXTERNAL;
	}
	return 0;
}

/* do_directory - the <directory> element of the main file */
static int
do_directory(struct loader *ld, const struct xnode *d)
{
	static const char *const none[] = {NULL};
	static const char *const once[] = {"preferences", "district-domains",
	    "personal-domains", "relative-is-guardian", "local-part-case",
	    "subaddress", "grades", "opt-out-window", "check-interval",
	    "max-loss", "unknown-login", NULL};
	const struct xnode *c, *prev;
	size_t schools_before;

	check_attrs(ld->dg, d, none);
	for (c = d->child; c != NULL; c = c->next) {
		if (!in_list(c->name, directory_children)) {
			unknown_child(ld->dg, d, c, directory_children);
			continue;
		}
		for (prev = d->child; prev != c; prev = prev->next)
			if (strcmp(prev->name, c->name) == 0 &&
			    in_list(c->name, once))
				break;
		if (prev != c) {
			diag_error(ld->dg, c->file, c->line, 0,
			    "<%s> given twice in <directory>", c->name);
			continue;
		}
		/* <grades> must be seen before any <school>, whose bands
		 * start from it. */
		schools_before = ld->cfg->ropts.nschools;
		if (strcmp(c->name, "grades") == 0 && schools_before > 0)
			diag_error(ld->dg, c->file, c->line, 0,
			    "<grades> must come before the <school> elements");
		if (directory_child(ld, c) == -1)
			return -1;
	}
	if (ld->cfg->nrosters == 0)
		diag_error(ld->dg, d->file, d->line, 0,
		    "<directory> needs at least one <roster> (the directory "
		    "of the OneRoster export)");
	return 0;
}

/* walk_children - the children of a root element: settings (main file
 * only, first), include, rule */
static int
walk_children(struct loader *ld, const struct xnode *root, int main_file)
{
	const char *const *allowed = main_file ? root_children : rules_children;
	const struct xnode *c;
	int first = 1;

	for (c = root->child; c != NULL; c = c->next, first = 0) {
		if (diag_full(ld->dg))
			return 0;
		if (!in_list(c->name, allowed)) {
			unknown_child(ld->dg, root, c, allowed);
			continue;
		}
		if (strcmp(c->name, "settings") == 0) {
			if (!first || ld->seen_settings)
				diag_error(ld->dg, c->file, c->line, 0,
				    "<settings> must come first, and once");
			ld->seen_settings = 1;
			if (do_settings(ld, c) == -1)
				return -1;
		} else if (strcmp(c->name, "directory") == 0) {
			if (ld->seen_directory)
				diag_error(ld->dg, c->file, c->line, 0,
				    "<directory> given twice");
			ld->seen_directory = 1;
			if (do_directory(ld, c) == -1)
				return -1;
		} else if (strcmp(c->name, "include") == 0) {
			if (do_include(ld, c) == -1)
				return -1;
		} else if (strcmp(c->name, "detectors") == 0) {
			if (do_detectors(ld, c) == -1)
				return -1;
		} else if (add_rule(ld, c) == -1) {
			return -1;
		}
	}
	return 0;
}

/* load_file - parse path, expecting root element want, and walk it.
 * inc is the <include> that named it (NULL for the main file). Returns
 * -1 only on ENOMEM; problems go to the diag. */
static int
load_file(struct loader *ld, const char *path, const char *want,
    const struct xnode *inc)
{
	static const char *const root_attrs[] = {"version", NULL};
	static const char *const none[] = {NULL};
	char real[PATH_MAX];
	const struct xnode *root;
	const char *file, *version;
	size_t i;
	int rc;

	if (ld->depth >= BOUND_INCLUDE_DEPTH) {
		diag_error(ld->dg, inc->file, inc->line, 0,
		    "includes nested more than %d deep", BOUND_INCLUDE_DEPTH);
		return 0;
	}
	if (realpath(path, real) == NULL) {
		if (inc != NULL)
			diag_error(ld->dg, inc->file, inc->line, 0,
			    "cannot read include \"%s\": %s",
			    xnode_attr(inc, "file"), strerror(errno));
		else
			diag_error(ld->dg, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		return 0;
	}
	for (i = 0; i < ld->depth; i++) {
		if (strcmp(ld->stack[i], real) == 0) {
			diag_error(ld->dg, inc->file, inc->line, 0,
			    "include \"%s\" includes itself",
			    xnode_attr(inc, "file"));
			return 0;
		}
	}
	if ((root = parse_doc(ld, path, &file)) == NULL)
		return file == NULL ? -1 : 0;
	if (strcmp(root->name, want) != 0) {
		diag_error(ld->dg, root->file, root->line, 0,
		    "root element is <%s>, expected <%s>", root->name, want);
		return 0;
	}
	if (inc == NULL) {
		check_attrs(ld->dg, root, root_attrs);
		version = xnode_attr(root, "version");
		if (version == NULL || strcmp(version, "1") != 0)
			diag_error(ld->dg, root->file, root->line, 0,
			    "<%s> needs version=\"1\"", root->name);
	} else {
		check_attrs(ld->dg, root, none);
	}
	if ((ld->stack[ld->depth] = strdup(real)) == NULL)
		return -1;
	ld->depth++;
	rc = walk_children(ld, root, inc == NULL);
	ld->depth--;
	free(ld->stack[ld->depth]);
	return rc;
}

/* schema_path - where the RelaxNG schema is, into dst */
static int
schema_path(char *dst, size_t size, const char *config_path)
{
	const char *env = getenv("GUARDIAN_MILTER_SCHEMA");

	if (env != NULL && *env != '\0')
		return strlcpy(dst, env, size) < size ? 0 : -1;
	if (resolve_include(dst, size, config_path, SCHEMA_NAME) == 0 &&
	    access(dst, R_OK) == 0)
		return 0;
	return strlcpy(dst, PKGDATADIR "/" SCHEMA_NAME, size) < size ? 0 : -1;
}

/*
 * The parsed schema, kept between loads: it changes only with the
 * package, and libxml2's RelaxNG parser is the costly part of a load (and
 * in libxml2 2.9 corrupts its heap when memory runs out). Keyed by path
 * and by the file's identity, so an upgraded schema is read again. One
 * load at a time uses it: schema_lock is held from load_schema() to the
 * end of config_load().
 */
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	xmlRelaxNGPtr schema;
} schema_cache;

/* schema_cached - the cached schema if it is the file at path now */
static xmlRelaxNGPtr
schema_cached(const char *path, const struct stat *st)
{
	if (schema_cache.schema == NULL ||
	    strcmp(schema_cache.path, path) != 0 ||
	    schema_cache.dev != st->st_dev || schema_cache.ino != st->st_ino ||
	    schema_cache.size != st->st_size ||
	    schema_cache.mtime.tv_sec != st->st_mtim.tv_sec ||
	    schema_cache.mtime.tv_nsec != st->st_mtim.tv_nsec)
		return NULL;
	return schema_cache.schema;
}

/* load_schema - the RelaxNG schema (borrowed from the cache; call with
 * schema_lock held), or NULL after reporting why not */
static xmlRelaxNGPtr
load_schema(struct diag *dg, const char *config_path)
{
	char path[PATH_MAX];
	xmlRelaxNGParserCtxtPtr pctx;
	xmlRelaxNGPtr schema;
	struct stat st;
	size_t before = diag_count(dg);

	if (schema_path(path, sizeof(path), config_path) == -1) {
		diag_error(dg, config_path, 0, 0, "schema path too long");
		return NULL;
	}
	if (access(path, R_OK) == -1 || stat(path, &st) == -1) {
		diag_error(dg, path, 0, 0, "cannot read the schema: %s",
		    strerror(errno));
		return NULL;
	}
	if ((schema = schema_cached(path, &st)) != NULL)
		return schema;
	if ((pctx = xmlRelaxNGNewParserCtxt(path)) == NULL) {
		diag_error(dg, path, 0, 0,
		    "cannot set up the schema parser: out of memory");
		return NULL;
	}
	xmlRelaxNGSetParserStructuredErrors(pctx, xml_error, dg);
	schema = xmlRelaxNGParse(pctx);
	xmlRelaxNGFreeParserCtxt(pctx);
	if (schema == NULL) {
		if (diag_count(dg) == before)
			diag_error(
			    dg, path, 0, 0, "the schema is not valid RelaxNG");
		return NULL;
	}
	xmlRelaxNGFree(schema_cache.schema);
	(void)strlcpy(schema_cache.path, path, sizeof(schema_cache.path));
	schema_cache.dev = st.st_dev;
	schema_cache.ino = st.st_ino;
	schema_cache.size = st.st_size;
	schema_cache.mtime = st.st_mtim;
	schema_cache.schema = schema;
	return schema;
}

void
config_shutdown(void)
{
	pthread_mutex_lock(&schema_lock);
	xmlRelaxNGFree(schema_cache.schema);
	memset(&schema_cache, 0, sizeof(schema_cache));
	pthread_mutex_unlock(&schema_lock);
}

/* join_path - dir "/" name, a new string; NULL on ENOMEM */
static char *
join_path(const char *dir, const char *name)
{
	struct buf b;

	buf_init(&b, PATH_MAX);
	if (buf_printf(&b, "%s/%s", dir, name) != BUF_OK) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

int
config_load(struct config **out, const char *path, struct diag *dg)
{
	struct loader ld;
	size_t before = diag_count(dg);

	memset(&ld, 0, sizeof(ld));
	ld.dg = dg;
	if ((ld.cfg = calloc(1, sizeof(*ld.cfg))) == NULL) {
		diag_error(dg, path, 0, 0, "%s", strerror(ENOMEM));
		return -1;
	}
	roster_options_init(&ld.cfg->ropts);
	ld.cfg->ropts.personal_domains = default_personal;
	ld.cfg->ropts.npersonal_domains =
	    sizeof(default_personal) / sizeof(default_personal[0]) - 1;
	ld.cfg->window = DEFAULT_OPT_OUT_WINDOW;
	ld.cfg->interval = DEFAULT_CHECK_INTERVAL;
	ld.cfg->max_loss = DEFAULT_MAX_LOSS;
	ld.cfg->q.retention_days = DEFAULT_RETENTION_DAYS;
	pthread_mutex_lock(&schema_lock);
	ld.schema = load_schema(dg, path);
	if (load_file(&ld, path, "guardian-milter", NULL) == -1)
		diag_error(dg, path, 0, 0, "%s", strerror(ENOMEM));
	pthread_mutex_unlock(&schema_lock);
	if (ld.cfg->spool_dir == NULL &&
	    (ld.cfg->spool_dir = strdup(DEFAULT_SPOOL_DIR)) == NULL)
		diag_error(dg, path, 0, 0, "%s", strerror(ENOMEM));
	else if (ld.cfg->spool_dir != NULL &&
	    (ld.cfg->baseline = join_path(ld.cfg->spool_dir, BASELINE_NAME)) ==
	        NULL)
		diag_error(dg, path, 0, 0,
		    "<spool-dir> \"%s\": path too long, or out of memory",
		    ld.cfg->spool_dir);
	if (quarantine_defaults(ld.cfg) == -1)
		diag_error(dg, path, 0, 0,
		    "<quarantine>: path too long, or out of memory");
	else if (ld.cfg->q.alert && ld.cfg->compliance == NULL)
		diag_warn(dg, path, 0, 0,
		    "<quarantine> has <alert>yes</alert>, but <settings> has "
		    "no <compliance-address>: no alerts are sent");
	if (diag_count(dg) > before) {
		config_free(ld.cfg);
		return -1;
	}
	*out = ld.cfg;
	return 0;
}

int
config_validate(const struct config *cfg, struct diag *dg)
{
	size_t i;

	for (i = 0; i < cfg->nserrs; i++)
		diag_error(dg, cfg->serrs[i].file, cfg->serrs[i].line, 0,
		    "schema: %s", cfg->serrs[i].text);
	if (cfg->nslost > 0)
		diag_error(
		    dg, cfg->sfail_file, 0, 0, "schema: %s", cfg->sfail_why);
	return cfg->nserrs > 0 || cfg->nslost > 0 ? -1 : 0;
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nfiles; i++) {
		xnode_free(cfg->trees[i]);
		free(cfg->files[i]);
	}
	for (i = 0; i < cfg->nserrs; i++)
		free(cfg->serrs[i].text);
	for (i = 0; i < cfg->nstrings; i++)
		free(cfg->strings[i]);
	free(cfg->strings);
	free(cfg->rosters);
	free(cfg->aliases);
	free(cfg->schools);
	free(cfg->serrs);
	free(cfg->trees);
	free(cfg->files);
	free(cfg->rules);
	free(cfg->detectors);
	free(cfg->socket);
	free(cfg->spool_dir);
	free(cfg->compliance);
	free(cfg->baseline);
	free(cfg->q_dir);
	free(cfg->q_group);
	free(cfg->q_contact);
	free(cfg->q_template);
	free(cfg->rv_listen);
	free(cfg->rv_cert);
	free(cfg->rv_key);
	free(cfg->q_sendmail);
	free(cfg->q_argv);
	free(cfg);
}

const char *
config_path(const struct config *cfg)
{
	return cfg->files[0];
}

int
config_monitor(const struct config *cfg)
{
	return cfg->monitor;
}

enum config_on_error
config_on_error(const struct config *cfg)
{
	return cfg->on_error;
}

const char *
config_socket(const struct config *cfg)
{
	return cfg->socket;
}

const char *
config_spool_dir(const struct config *cfg)
{
	return cfg->spool_dir;
}

const struct config_quarantine *
config_quarantine(const struct config *cfg)
{
	return &cfg->q;
}

const struct config_review *
config_review(const struct config *cfg)
{
	return &cfg->rv;
}

const char *
config_compliance_address(const struct config *cfg)
{
	return cfg->compliance;
}

const char *
config_roster_baseline(const struct config *cfg)
{
	return cfg->baseline;
}

size_t
config_roster_count(const struct config *cfg)
{
	return cfg->nrosters;
}

const char *const *
config_roster_dirs(const struct config *cfg)
{
	return (const char *const *)cfg->rosters;
}

const struct roster_options *
config_roster_options(const struct config *cfg)
{
	return &cfg->ropts;
}

unsigned
config_opt_out_window(const struct config *cfg)
{
	return cfg->window;
}

unsigned
config_roster_check_interval(const struct config *cfg)
{
	return cfg->interval;
}

unsigned
config_roster_max_loss(const struct config *cfg)
{
	return cfg->max_loss;
}

enum config_unknown_login
config_unknown_login(const struct config *cfg)
{
	return cfg->unknown_login;
}

size_t
config_file_count(const struct config *cfg)
{
	return cfg->nfiles;
}

const char *
config_file(const struct config *cfg, size_t i)
{
	return cfg->files[i];
}

size_t
config_rule_count(const struct config *cfg)
{
	return cfg->nrules;
}

const struct xnode *
config_rule(const struct config *cfg, size_t i)
{
	return cfg->rules[i];
}

size_t
config_detector_count(const struct config *cfg)
{
	return cfg->ndetectors;
}

const struct xnode *
config_detector(const struct config *cfg, size_t i)
{
	return cfg->detectors[i];
}
