/*
 * miltload.c - a milter protocol (version 6) load driver: plays the MTA's
 * side of the conversation against a filter and measures, per message,
 * the time the filter adds
 *
 * Each message is one connection, as Postfix's smtpd has with a client
 * that sends one message per session: connect, SMFIC_OPTNEG, then CONNECT,
 * HELO, MAIL, RCPT..., DATA, HEADER..., EOH, BODY chunks (65,535 bytes at
 * most, CRLF line ends), EOM, QUIT, with the macros Postfix sends at each
 * stage. The driver honours what the filter negotiated: steps it asked to
 * skip are not sent, steps it asked not to answer are not waited for, a
 * SMFIR_SKIP ends the body, and an accept, reject, tempfail or discard
 * before end of message ends the message there (the body then never
 * crosses the socket). The latency of a message runs from connect() to
 * the filter's final answer.
 *
 * Usage:
 *   miltload -s SOCKET -f FROM -r RCPT [-r RCPT...] [-c CONC] [-n COUNT]
 *            [-w WARMUP] [-P PID] [-D NAME=VALUE...] FILE.eml
 *   miltload -s SOCKET -f FROM -r RCPT -H CONNS [-S SECONDS] -P PID FILE.eml
 * SOCKET: unix:/path or inet:PORT@127.0.0.1. -D adds a macro sent with the
 * connect stage (e.g. -D '{daemon_name}=submission', -D
 * '{auth_authen}=alice' goes with MAIL).
 * -H holds CONNS connections open with every message sent up to (not
 * including) end of message, samples the resident memory of PID and its
 * descendants for SECONDS, then finishes them.
 * With -P the resident memory of PID and its descendants is sampled every
 * 10 ms during the run as well.
 *
 * Prints one JSON object on stdout. Exit 0, or 1 when any message failed
 * at the protocol level (the count is in "errors").
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MILTER_VERSION 6
#define CHUNK 65535
#define MAX_REPLY (1024 * 1024)
#define MAX_RCPTS 64
#define MAX_MACROS 16

/* Protocol flags (mfdef.h) */
#define P_NOCONNECT 0x000001
#define P_NOHELO 0x000002
#define P_NOMAIL 0x000004
#define P_NORCPT 0x000008
#define P_NOBODY 0x000010
#define P_NOHDRS 0x000020
#define P_NOEOH 0x000040
#define P_NR_HDR 0x000080
#define P_NOUNKNOWN 0x000100
#define P_NODATA 0x000200
#define P_SKIP 0x000400
#define P_RCPT_REJ 0x000800
#define P_NR_CONN 0x001000
#define P_NR_HELO 0x002000
#define P_NR_MAIL 0x004000
#define P_NR_RCPT 0x008000
#define P_NR_DATA 0x010000
#define P_NR_UNKN 0x020000
#define P_NR_EOH 0x040000
#define P_NR_BODY 0x080000
#define P_HDR_LEADSPC 0x100000
#define P_ALL 0x1fffff

enum outcome {
	O_ACCEPT,       /* accepted at end of message */
	O_EARLY_ACCEPT, /* accepted before the body was sent */
	O_REJECT,
	O_TEMPFAIL,
	O_DISCARD,
	O_ERROR,
	O_N
};
static const char *outcome_name[O_N] = {
    "accept", "early_accept", "reject", "tempfail", "discard", "error"};

struct header {
	char *name;
	char *value;
};

struct macro {
	char *name;
	char *value;
};

/* Everything about the run, read-only once the threads start. */
static struct {
	int unix_sock;
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	const char *from;
	const char *rcpts[MAX_RCPTS];
	int nrcpt;
	struct macro conn_macros[MAX_MACROS];
	int nconn_macros;
	const char *auth;
	struct header *hdrs;
	size_t nhdrs;
	char *body; /* CRLF line ends */
	size_t body_len;
	long count, warmup, conc;
	pid_t pids[4]; /* -P: the filter's processes */
	int npids;
} cfg;

/* Shared results. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long next_msg;
static double *lat_ms;
static long outcomes[O_N];
static long mods;
static uint64_t body_sent;
static volatile int sampling;
static long rss_peak_kb;
static uint32_t neg_proto; /* what the filter negotiated */

struct conn {
	int fd;
	uint32_t actions, proto;
	char *rbuf;
	size_t rcap;
	char rcmd;
	size_t rlen;
	int decided; /* an outcome was given before end of message */
	enum outcome out;
	char qid[32];
};

/* now_s - monotonic seconds */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* die - report a setup error and exit */
static void
die(const char *what)
{
	fprintf(stderr, "miltload: %s\n", what);
	exit(2);
}

/* write_all - write n bytes; -1 on error */
static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_all - read exactly n bytes; -1 on error or EOF */
static int
read_all(int fd, void *p, size_t n)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, c, n)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* send_pkt - one packet: length, command, data */
static int
send_pkt(struct conn *c, char cmd, const void *data, size_t len)
{
	char hdr[5];
	uint32_t nl = htonl((uint32_t)len + 1);

	memcpy(hdr, &nl, 4);
	hdr[4] = cmd;
	if (len + 5 <= 4096) {
		char buf[4096];

		memcpy(buf, hdr, 5);
		if (len > 0)
			memcpy(buf + 5, data, len);
		return write_all(c->fd, buf, len + 5);
	}
	if (write_all(c->fd, hdr, 5) == -1)
		return -1;
	return write_all(c->fd, data, len);
}

/* read_pkt - one reply packet into c->rcmd, c->rbuf, c->rlen */
static int
read_pkt(struct conn *c)
{
	uint32_t nl;
	size_t len;

	if (read_all(c->fd, &nl, 4) == -1)
		return -1;
	len = ntohl(nl);
	if (len < 1 || len > MAX_REPLY)
		return -1;
	if (len > c->rcap) {
		char *n = realloc(c->rbuf, len);

		if (n == NULL)
			return -1;
		c->rbuf = n;
		c->rcap = len;
	}
	if (read_all(c->fd, c->rbuf, len) == -1)
		return -1;
	c->rcmd = c->rbuf[0];
	c->rlen = len - 1;
	return 0;
}

/* strs - pack NUL-terminated strings into buf; returns length or 0 if
 * they do not fit */
static size_t
strs(char *buf, size_t cap, const char *const *v, int n)
{
	size_t off = 0, l;
	int i;

	for (i = 0; i < n; i++) {
		l = strlen(v[i]) + 1;
		if (off + l > cap)
			return 0;
		memcpy(buf + off, v[i], l);
		off += l;
	}
	return off;
}

/* send_macros - SMFIC_MACRO for stage with n name/value pairs */
static int
send_macros(struct conn *c, char stage, const char *const *nv, int n)
{
	char buf[4096];
	size_t len;

	buf[0] = stage;
	if ((len = strs(buf + 1, sizeof(buf) - 1, nv, n * 2)) == 0 && n > 0)
		return -1;
	return send_pkt(c, 'D', buf, len + 1);
}

/* verdict - map a final reply to an outcome; -1 if not final */
static int
verdict(char cmd)
{
	switch (cmd) {
	case 'a':
	case 'c':
		return O_ACCEPT;
	case 'r':
		return O_REJECT;
	case 't':
		return O_TEMPFAIL;
	case 'd':
		return O_DISCARD;
	case 'y':
		return -2; /* reply code: look at its first digit */
	default:
		return -1;
	}
}

/* reply_outcome - the outcome of a final reply packet */
static enum outcome
reply_outcome(struct conn *c)
{
	int v = verdict(c->rcmd);

	if (v == -2)
		return c->rlen > 0 && c->rbuf[1] == '4' ? O_TEMPFAIL : O_REJECT;
	return v < 0 ? O_ERROR : (enum outcome)v;
}

/*
 * step - send a command, wait for its answer unless the filter said it
 * gives none. Returns 0 to go on, 1 when the message is decided (in
 * c->out), -1 on a protocol error. skip_ok: SMFIR_SKIP allowed (body).
 */
static int
step(struct conn *c, char cmd, const void *data, size_t len, uint32_t nr,
    int *skipped)
{
	if (send_pkt(c, cmd, data, len) == -1)
		return -1;
	if (c->proto & nr)
		return 0;
	for (;;) {
		if (read_pkt(c) == -1)
			return -1;
		if (c->rcmd == 'p')
			continue;
		break;
	}
	if (c->rcmd == 'c')
		return 0;
	if (c->rcmd == 's' && skipped != NULL) {
		*skipped = 1;
		return 0;
	}
	c->out = reply_outcome(c);
	if (c->out == O_ERROR)
		return -1;
	if (c->out == O_ACCEPT)
		c->out = O_EARLY_ACCEPT;
	c->decided = 1;
	return 1;
}

/* open_conn - connect and negotiate; -1 on error */
static int
open_conn(struct conn *c)
{
	uint32_t v[3];

	if (cfg.unix_sock) {
		if ((c->fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			return -1;
		if (connect(c->fd, (struct sockaddr *)&cfg.sun,
		        sizeof(cfg.sun)) == -1)
			return -1;
	} else {
		int one = 1;

		if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return -1;
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(c->fd, (struct sockaddr *)&cfg.sin,
		        sizeof(cfg.sin)) == -1)
			return -1;
	}
	v[0] = htonl(MILTER_VERSION);
	v[1] = htonl(0x1ff);
	v[2] = htonl(P_ALL);
	if (send_pkt(c, 'O', v, sizeof(v)) == -1 || read_pkt(c) == -1 ||
	    c->rcmd != 'O' || c->rlen < 12)
		return -1;
	memcpy(v, c->rbuf + 1, 12);
	c->actions = ntohl(v[1]);
	c->proto = ntohl(v[2]);
	neg_proto = c->proto;
	return 0;
}

/*
 * message_head - CONNECT through the body (all of it), leaving only EOM.
 * Returns 0 (go on to EOM), 1 (decided early), -1 (error).
 */
static int
message_head(struct conn *c, long seq)
{
	const char *nv[2 * (MAX_MACROS + 4)];
	char buf[8192], tmp[1100];
	size_t len, off;
	int r, i, n, skipped = 0, rejected = 0;

	snprintf(c->qid, sizeof(c->qid), "4B%06lX", seq & 0xffffff);
	/* connect */
	if (!(c->proto & P_NOCONNECT)) {
		n = 0;
		nv[n++] = "j";
		nv[n++] = "mx.district.example";
		nv[n++] = "{client_addr}";
		nv[n++] = "127.0.0.1";
		nv[n++] = "_";
		nv[n++] = "client.district.example [127.0.0.1]";
		for (i = 0; i < cfg.nconn_macros; i++) {
			nv[n++] = cfg.conn_macros[i].name;
			nv[n++] = cfg.conn_macros[i].value;
		}
		if (send_macros(c, 'C', nv, n / 2) == -1)
			return -1;
		off = 0;
		memcpy(buf, "client.district.example", 24);
		off = 24;
		buf[off++] = '4';
		buf[off++] = (char)(2525 >> 8);
		buf[off++] = (char)(2525 & 0xff);
		memcpy(buf + off, "127.0.0.1", 10);
		off += 10;
		if ((r = step(c, 'C', buf, off, P_NR_CONN, NULL)) != 0)
			return r;
	}
	if (!(c->proto & P_NOHELO)) {
		if ((r = step(c, 'H', "client.district.example", 24, P_NR_HELO,
		         NULL)) != 0)
			return r;
	}
	if (!(c->proto & P_NOMAIL)) {
		n = 0;
		nv[n++] = "i";
		nv[n++] = c->qid;
		nv[n++] = "{mail_addr}";
		nv[n++] = cfg.from;
		if (cfg.auth != NULL) {
			nv[n++] = "{auth_authen}";
			nv[n++] = cfg.auth;
		}
		if (send_macros(c, 'M', nv, n / 2) == -1)
			return -1;
		len = (size_t)snprintf(tmp, sizeof(tmp), "<%s>", cfg.from);
		if (len >= sizeof(tmp))
			return -1;
		if ((r = step(c, 'M', tmp, len + 1, P_NR_MAIL, NULL)) != 0)
			return r;
	}
	if (!(c->proto & P_NORCPT)) {
		for (i = 0; i < cfg.nrcpt; i++) {
			n = 0;
			nv[n++] = "{rcpt_addr}";
			nv[n++] = cfg.rcpts[i];
			if (send_macros(c, 'R', nv, 1) == -1)
				return -1;
			len = (size_t)snprintf(
			    tmp, sizeof(tmp), "<%s>", cfg.rcpts[i]);
			if (len >= sizeof(tmp))
				return -1;
			r = step(c, 'R', tmp, len + 1, P_NR_RCPT, NULL);
			if (r == 1 &&
			    (c->out == O_REJECT || c->out == O_TEMPFAIL)) {
				/* a refused recipient, not the message */
				c->decided = 0;
				rejected++;
				continue;
			}
			if (r != 0)
				return r;
		}
		if (rejected == cfg.nrcpt) {
			c->decided = 1;
			c->out = O_REJECT;
			return 1;
		}
	}
	if (!(c->proto & P_NODATA)) {
		if (send_macros(c, 'T', nv, 0) == -1)
			return -1;
		if ((r = step(c, 'T', NULL, 0, P_NR_DATA, NULL)) != 0)
			return r;
	}
	if (!(c->proto & P_NOHDRS)) {
		size_t h;

		for (h = 0; h < cfg.nhdrs; h++) {
			const char *hv[2];
			char *big;
			size_t cap;

			hv[0] = cfg.hdrs[h].name;
			hv[1] = cfg.hdrs[h].value;
			if (!(c->proto & P_HDR_LEADSPC) && hv[1][0] == ' ')
				hv[1]++;
			cap = strlen(hv[0]) + strlen(hv[1]) + 2;
			if ((big = malloc(cap)) == NULL)
				return -1;
			len = strs(big, cap, hv, 2);
			r = step(c, 'L', big, len, P_NR_HDR, NULL);
			free(big);
			if (r != 0)
				return r;
		}
	}
	if (!(c->proto & P_NOEOH)) {
		nv[0] = "i";
		nv[1] = c->qid;
		if (send_macros(c, 'N', nv, 1) == -1)
			return -1;
		if ((r = step(c, 'N', NULL, 0, P_NR_EOH, NULL)) != 0)
			return r;
	}
	if (!(c->proto & P_NOBODY)) {
		for (off = 0; off < cfg.body_len && !skipped; off += len) {
			len = cfg.body_len - off;
			if (len > CHUNK)
				len = CHUNK;
			if ((r = step(c, 'B', cfg.body + off, len, P_NR_BODY,
			         &skipped)) != 0)
				return r;
			pthread_mutex_lock(&lock);
			body_sent += len;
			pthread_mutex_unlock(&lock);
		}
	}
	return 0;
}

/* message_eom - end of message: modifications, then the final answer */
static int
message_eom(struct conn *c, long *nmods)
{
	const char *nv[2];

	nv[0] = "i";
	nv[1] = c->qid;
	if (send_macros(c, 'E', nv, 1) == -1 || send_pkt(c, 'E', NULL, 0) == -1)
		return -1;
	for (;;) {
		if (read_pkt(c) == -1)
			return -1;
		switch (c->rcmd) {
		case 'p':
			continue;
		case '+':
		case '-':
		case 'h':
		case 'm':
		case 'i':
		case 'b':
		case 'e':
		case '2':
		case 'q':
			(*nmods)++;
			continue;
		default:
			break;
		}
		break;
	}
	c->out = reply_outcome(c);
	return c->out == O_ERROR ? -1 : 0;
}

/* close_conn - QUIT and close */
static void
close_conn(struct conn *c)
{
	if (c->fd >= 0) {
		send_pkt(c, 'Q', NULL, 0);
		close(c->fd);
	}
	c->fd = -1;
	free(c->rbuf);
	c->rbuf = NULL;
	c->rcap = 0;
}

/* one_message - a whole connection with one message; its outcome */
static enum outcome
one_message(long seq, long *nmods)
{
	struct conn c;
	int r;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if (open_conn(&c) == -1)
		c.out = O_ERROR;
	else if ((r = message_head(&c, seq)) == -1)
		c.out = O_ERROR;
	else if (r == 0 && message_eom(&c, nmods) == -1)
		c.out = O_ERROR;
	close_conn(&c);
	return c.out;
}

/* worker - send messages until the shared counter runs out */
static void *
worker(void *arg)
{
	long i, nm;
	double t0, t1;
	enum outcome o;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		i = next_msg++;
		pthread_mutex_unlock(&lock);
		if (i >= cfg.warmup + cfg.count)
			break;
		nm = 0;
		t0 = now_s();
		o = one_message(i, &nm);
		t1 = now_s();
		pthread_mutex_lock(&lock);
		if (i >= cfg.warmup) {
			lat_ms[i - cfg.warmup] = (t1 - t0) * 1000.0;
			outcomes[o]++;
			mods += nm;
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

/* proc_kb - a "Key:   N kB" field of /proc/PID/status; 0 if absent */
static long
proc_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	long v = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(fp);
	return v;
}

/* ppid_of - parent of pid, 0 if unknown */
static pid_t
ppid_of(pid_t pid)
{
	char path[64], line[512], *p;
	pid_t pp = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL)
		pp = (pid_t)strtol(p + 4, NULL, 10);
	fclose(fp);
	return pp;
}

/* cpu_ticks - utime + stime of pid (all its threads), in clock ticks;
 * reaped: plus that of its children that exited and were waited for (a
 * pre-forking filter such as MIMEDefang replaces its workers) */
static long
cpu_ticks(pid_t pid, int reaped)
{
	char path[64], line[1024], *p;
	unsigned long ut = 0, st = 0;
	long cut = 0, cst = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL &&
	    (p = strrchr(line, ')')) != NULL &&
	    sscanf(p + 2,
	        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld",
	        &ut, &st, &cut, &cst) != 4)
		ut = st = 0;
	fclose(fp);
	return (long)(ut + st) + (reaped ? cut + cst : 0);
}

/* tree_kb - key (a /proc status field, or "cpu" for CPU ticks) summed
 * over pid, its children and grandchildren (all a milter has) */
static long
tree_kb(pid_t pid, const char *key)
{
	DIR *d;
	struct dirent *de;
	int cpu = strcmp(key, "cpu") == 0;
	long sum = cpu ? cpu_ticks(pid, 1) : proc_kb(pid, key);
	pid_t p, pp;

	if ((d = opendir("/proc")) == NULL)
		return sum;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		p = (pid_t)strtol(de->d_name, NULL, 10);
		pp = ppid_of(p);
		if (pp == pid || (pp != 0 && ppid_of(pp) == pid))
			sum += cpu ? cpu_ticks(p, 0) : proc_kb(p, key);
	}
	closedir(d);
	return sum;
}

/* all_kb - tree_kb summed over every -P process */
static long
all_kb(const char *key)
{
	long sum = 0;
	int i;

	for (i = 0; i < cfg.npids; i++)
		sum += tree_kb(cfg.pids[i], key);
	return sum;
}

/* sampler - track the peak resident memory of the pid tree */
static void *
sampler(void *arg)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	long kb;

	(void)arg;
	while (sampling) {
		kb = all_kb("VmRSS");
		if (kb > rss_peak_kb)
			rss_peak_kb = kb;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* cmp_double - qsort order */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* pct - percentile p (0..100) of the sorted array, nearest rank */
static double
pct(const double *v, long n, double p)
{
	long k;

	if (n <= 0)
		return 0;
	k = (long)(p / 100.0 * (double)n + 0.999999) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}

/* load_message - read FILE.eml into headers and a CRLF body */
static void
load_message(const char *path)
{
	FILE *fp;
	char *text, *p, *end, *line, *colon;
	struct stat st;
	size_t n, cap = 0, i;

	if ((fp = fopen(path, "rb")) == NULL || fstat(fileno(fp), &st) == -1)
		die("cannot open the message file");
	if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		die("out of memory");
	n = fread(text, 1, (size_t)st.st_size, fp);
	fclose(fp);
	text[n] = '\0';
	end = text + n;
	p = text;
	/* header fields until the first empty line */
	while (p < end && *p != '\n' && !(*p == '\r' && p[1] == '\n')) {
		char *eol;

		line = p;
		for (;;) {
			eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL) {
				p = end;
				break;
			}
			p = eol + 1;
			if (p >= end || (*p != ' ' && *p != '\t'))
				break;
		}
		/* field is line .. p (without the final newline) */
		if (p > line && p[-1] == '\n')
			p[-1] = '\0';
		if (p - 1 > line && p[-2] == '\r')
			p[-2] = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		if (cfg.nhdrs == cap) {
			cap = cap ? cap * 2 : 32;
			cfg.hdrs = realloc(cfg.hdrs, cap * sizeof(*cfg.hdrs));
			if (cfg.hdrs == NULL)
				die("out of memory");
		}
		cfg.hdrs[cfg.nhdrs].name = line;
		cfg.hdrs[cfg.nhdrs].value = colon + 1;
		cfg.nhdrs++;
	}
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	/* body with CRLF line ends */
	if ((cfg.body = malloc((size_t)(end - p) * 2 + 1)) == NULL)
		die("out of memory");
	for (i = 0; p < end; p++) {
		if (*p == '\n' && (i == 0 || cfg.body[i - 1] != '\r'))
			cfg.body[i++] = '\r';
		cfg.body[i++] = *p;
	}
	cfg.body_len = i;
}

/* parse_socket - unix:/path or inet:PORT@HOST (IPv4 literal) */
static void
parse_socket(const char *spec)
{
	char *end, *at;
	long port;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		const char *path = strchr(spec, ':') + 1;

		cfg.unix_sock = 1;
		cfg.sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(cfg.sun.sun_path))
			die("socket path too long");
		memcpy(cfg.sun.sun_path, path, strlen(path) + 1);
		return;
	}
	if (strncmp(spec, "inet:", 5) != 0)
		die("socket must be unix:/path or inet:PORT@127.0.0.1");
	port = strtol(spec + 5, &end, 10);
	if (end == spec + 5 || *end != '@' || port < 1 || port > 65535)
		die("bad inet socket port");
	at = end + 1;
	cfg.sin.sin_family = AF_INET;
	cfg.sin.sin_port = htons((uint16_t)port);
	if (strcmp(at, "localhost") == 0)
		at = "127.0.0.1";
	if (inet_pton(AF_INET, at, &cfg.sin.sin_addr) != 1)
		die("inet socket host must be an IPv4 address");
}

/* num - a non-negative integer option */
static long
num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		die("bad number in an option");
	return v;
}

/* hold - keep n messages in flight, sample memory, then finish them */
static int
hold(long n, long secs)
{
	struct conn *cs;
	long i, kb, before, during = 0, after, nm = 0, errors = 0;
	double t_end;
	struct timespec ts = {0, 100 * 1000 * 1000};

	if ((cs = calloc((size_t)n, sizeof(*cs))) == NULL)
		die("out of memory");
	before = all_kb("VmRSS");
	for (i = 0; i < n; i++) {
		cs[i].fd = -1;
		if (open_conn(&cs[i]) == -1 || message_head(&cs[i], i) == -1) {
			errors++;
			close_conn(&cs[i]);
		}
	}
	t_end = now_s() + (double)secs;
	while (now_s() < t_end) {
		kb = all_kb("VmRSS");
		if (kb > during)
			during = kb;
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < n; i++) {
		if (cs[i].fd >= 0 && !cs[i].decided &&
		    message_eom(&cs[i], &nm) == -1)
			errors++;
		close_conn(&cs[i]);
	}
	after = all_kb("VmRSS");
	printf("{\"mode\":\"hold\",\"connections\":%ld,\"errors\":%ld,"
	       "\"rss_before_kb\":%ld,\"rss_held_kb\":%ld,\"rss_after_kb\":%ld,"
	       "\"hwm_kb\":%ld}\n",
	    n, errors, before, during, after, all_kb("VmHWM"));
	free(cs);
	return errors ? 1 : 0;
}

int
main(int argc, char *argv[])
{
	pthread_t *th, st;
	long i, holdn = 0, secs = 3, rss_before = 0, cpu_before = 0, ok;
	double t0, t1;
	int ch;
	char *eq;

	cfg.count = 200;
	cfg.conc = 1;
	cfg.warmup = -1;
	while ((ch = getopt(argc, argv, "s:f:r:c:n:w:P:D:A:H:S:")) != -1) {
		switch (ch) {
		case 's':
			parse_socket(optarg);
			break;
		case 'f':
			cfg.from = optarg;
			break;
		case 'r':
			if (cfg.nrcpt == MAX_RCPTS)
				die("too many recipients");
			cfg.rcpts[cfg.nrcpt++] = optarg;
			break;
		case 'c':
			cfg.conc = num(optarg, 1000);
			break;
		case 'n':
			cfg.count = num(optarg, 10000000);
			break;
		case 'w':
			cfg.warmup = num(optarg, 1000000);
			break;
		case 'P':
			if (cfg.npids == 4)
				die("at most four -P");
			cfg.pids[cfg.npids++] = (pid_t)num(optarg, 1L << 22);
			break;
		case 'A':
			cfg.auth = optarg;
			break;
		case 'D':
			if (cfg.nconn_macros == MAX_MACROS ||
			    (eq = strchr(optarg, '=')) == NULL)
				die("bad -D NAME=VALUE");
			*eq = '\0';
			cfg.conn_macros[cfg.nconn_macros].name = optarg;
			cfg.conn_macros[cfg.nconn_macros].value = eq + 1;
			cfg.nconn_macros++;
			break;
		case 'H':
			holdn = num(optarg, 10000);
			break;
		case 'S':
			secs = num(optarg, 3600);
			break;
		default:
			die("usage: miltload -s SOCKET -f FROM -r RCPT [-c CONC] "
			    "[-n COUNT] [-w WARMUP] [-P PID] [-H CONNS -S SEC] "
			    "FILE.eml");
		}
	}
	if (optind != argc - 1 || cfg.from == NULL || cfg.nrcpt == 0 ||
	    (cfg.unix_sock == 0 && cfg.sin.sin_family == 0))
		die("usage: miltload -s SOCKET -f FROM -r RCPT [...] FILE.eml");
	if (cfg.conc < 1)
		cfg.conc = 1;
	if (cfg.warmup < 0)
		cfg.warmup = cfg.conc * 2;
	load_message(argv[optind]);
	if (holdn > 0) {
		if (cfg.npids == 0)
			die("-H needs -P PID");
		return hold(holdn, secs);
	}
	if ((lat_ms = calloc((size_t)cfg.count + 1, sizeof(double))) == NULL ||
	    (th = calloc((size_t)cfg.conc, sizeof(*th))) == NULL)
		die("out of memory");
	if (cfg.npids != 0) {
		rss_before = all_kb("VmRSS");
		cpu_before = all_kb("cpu");
		sampling = 1;
		if (pthread_create(&st, NULL, sampler, NULL) != 0)
			die("cannot start the sampler");
	}
	t0 = now_s();
	for (i = 0; i < cfg.conc; i++)
		if (pthread_create(&th[i], NULL, worker, NULL) != 0)
			die("cannot start a thread");
	for (i = 0; i < cfg.conc; i++)
		pthread_join(th[i], NULL);
	t1 = now_s();
	if (cfg.npids != 0) {
		sampling = 0;
		pthread_join(st, NULL);
	}
	qsort(lat_ms, (size_t)cfg.count, sizeof(double), cmp_double);
	ok = cfg.count - outcomes[O_ERROR];
	printf("{\"mode\":\"latency\",\"concurrency\":%ld,\"messages\":%ld,"
	       "\"warmup\":%ld,\"seconds\":%.3f,\"msgs_per_s\":%.1f,"
	       "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
	       "\"max_ms\":%.3f,\"body_bytes_per_msg\":%zu,"
	       "\"body_bytes_sent\":%llu,\"modifications\":%ld,"
	       "\"negotiated_protocol\":\"0x%x\"",
	    cfg.conc, cfg.count, cfg.warmup, t1 - t0,
	    (double)(cfg.count + cfg.warmup) / (t1 - t0),
	    pct(lat_ms, cfg.count, 50), pct(lat_ms, cfg.count, 90),
	    pct(lat_ms, cfg.count, 99), pct(lat_ms, cfg.count, 100),
	    cfg.body_len, (unsigned long long)body_sent, mods, neg_proto);
	for (i = 0; i < O_N; i++)
		printf(",\"%s\":%ld", outcome_name[i], outcomes[i]);
	if (cfg.npids != 0)
		printf(",\"rss_before_kb\":%ld,\"rss_peak_kb\":%ld,"
		       "\"hwm_kb\":%ld,\"filter_cpu_ms_per_msg\":%.3f",
		    rss_before, rss_peak_kb, all_kb("VmHWM"),
		    (double)(all_kb("cpu") - cpu_before) * 1000.0 /
		        (double)sysconf(_SC_CLK_TCK) /
		        (double)(cfg.count + cfg.warmup));
	printf("}\n");
	(void)ok;
	return outcomes[O_ERROR] ? 1 : 0;
}
