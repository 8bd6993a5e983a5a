/*
 * nullmilter.c - the benchmark's reference filter: a libmilter filter that
 * asks for every protocol step, reads the whole body and accepts
 *
 * It is the floor any body-reading milter pays: the MTA sends connect,
 * helo, envelope, every header and every body chunk, and waits for each
 * answer. The body is read (a running checksum touches every byte, so the
 * work cannot be optimised away) and the message accepted at end of
 * message without modifications.
 *
 * Usage: nullmilter -p SOCKET [-t TIMEOUT]
 *   SOCKET in libmilter syntax: unix:/path or inet:port@127.0.0.1
 * Runs in the foreground until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <libmilter/mfapi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nullpriv {
	uint64_t bytes; /* body bytes seen in this message */
	uint32_t sum;   /* running checksum over them */
};

/* null_connect - allocate per-connection state, as a real filter does */
static sfsistat
null_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct nullpriv *p;

	(void)host;
	(void)sa;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return SMFIS_TEMPFAIL;
	if (smfi_setpriv(ctx, p) != MI_SUCCESS) {
		free(p);
		return SMFIS_TEMPFAIL;
	}
	return SMFIS_CONTINUE;
}

/* null_helo - continue */
static sfsistat
null_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return SMFIS_CONTINUE;
}

/* null_envfrom - start a message */
static sfsistat
null_envfrom(SMFICTX *ctx, char **argv)
{
	struct nullpriv *p = smfi_getpriv(ctx);

	(void)argv;
	if (p != NULL) {
		p->bytes = 0;
		p->sum = 0;
	}
	return SMFIS_CONTINUE;
}

/* null_envrcpt - continue */
static sfsistat
null_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_CONTINUE;
}

/* null_header - continue */
static sfsistat
null_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_CONTINUE;
}

/* null_eoh - continue */
static sfsistat
null_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* null_body - read every byte of the chunk */
static sfsistat
null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct nullpriv *p = smfi_getpriv(ctx);
	uint32_t sum;
	size_t i;

	if (p == NULL)
		return SMFIS_CONTINUE;
	sum = p->sum;
	for (i = 0; i < len; i++)
		sum = sum * 31 + chunk[i];
	p->sum = sum;
	p->bytes += len;
	return SMFIS_CONTINUE;
}

/* null_eom - accept unchanged */
static sfsistat
null_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

/* null_abort - forget the message */
static sfsistat
null_abort(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* null_close - free per-connection state */
static sfsistat
null_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static char filter_name[] = "bench-null";

int
main(int argc, char *argv[])
{
	struct smfiDesc desc;
	const char *sock = NULL;
	char *end;
	long timeout = 60;
	int ch;

	while ((ch = getopt(argc, argv, "p:t:")) != -1) {
		switch (ch) {
		case 'p':
			sock = optarg;
			break;
		case 't':
			errno = 0;
			timeout = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || timeout < 1 ||
			    timeout > 3600) {
				fprintf(stderr, "nullmilter: bad timeout %s\n",
				    optarg);
				return 64;
			}
			break;
		default:
			fprintf(
			    stderr, "usage: nullmilter -p SOCKET [-t SEC]\n");
			return 64;
		}
	}
	if (sock == NULL) {
		fprintf(stderr, "usage: nullmilter -p SOCKET [-t SEC]\n");
		return 64;
	}
	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = filter_name;
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = 0;
	desc.xxfi_connect = null_connect;
	desc.xxfi_helo = null_helo;
	desc.xxfi_envfrom = null_envfrom;
	desc.xxfi_envrcpt = null_envrcpt;
	desc.xxfi_header = null_header;
	desc.xxfi_eoh = null_eoh;
	desc.xxfi_body = null_body;
	desc.xxfi_eom = null_eom;
	desc.xxfi_abort = null_abort;
	desc.xxfi_close = null_close;
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_settimeout((int)timeout) != MI_SUCCESS ||
	    smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot set up %s\n", sock);
		return 71;
	}
	if (smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot open %s\n", sock);
		return 71;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
