#!/bin/bash
# run.sh BUILDDIR - the review pages in a real browser
#
# Holds real messages through the private Postfix and guardian-milter
# (tests/e2e/lib.sh), starts guardian-review over their store as root
# (it forks its PAM helper and becomes a test daemon user), and drives
# headless Chromium with Selenium (browser.py): sign-in of a reviewer and
# refusal of a user outside the group, the queue, a hostile message shown
# as text with no script run, a POST without the CSRF token refused, a
# release with its reason and confirmation, the release in the audit log,
# the summary; then checks that the released message was delivered, and
# that a second daemon with a certificate serves HTTPS with Secure cookies.
# Screenshots of each page go to BUILDDIR/tests/review/screenshots.
#
# Creates for the run, and removes at the end: the group grtest-rv, the
# accounts grtest-alice (in it), grtest-bob (not) and grtest-web (the
# daemon's user, in it), and /etc/pam.d/guardian-review when none was
# installed. Needs root. Prints "review-browser: N passed, N failed"
# last; skips (with the reason) where Chromium or Selenium is missing.
# REVIEW_KEEP=1 leaves the run directory.

set -u

SRCDIR=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=$(cd "$SRCDIR/../.." && pwd)

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 64
fi
BUILDDIR=$(cd "$1" && pwd)

. "$TOP_SRCDIR/tests/e2e/lib.sh"

CHECKS="outsider_is_refused reviewer_signs_in_and_sees_the_queue
hostile_message_is_shown_as_text post_without_csrf_token_fails
release_needs_reason_and_confirmation release_is_in_the_audit_log
summary_draws_the_chart released_message_is_delivered
tls_serves_https_with_secure_cookies"
nchecks=$(echo $CHECKS | wc -w)
passed=0
failed=0

summary()
{
	if [ "${1:-}" = skip ]; then
		echo "review-browser: 0 passed, 0 failed, $nchecks skipped"
	else
		echo "review-browser: $passed passed, $failed failed"
	fi
}

skip()
{
	echo "review-browser: skipped: $*"
	summary skip
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (the private Postfix, test accounts)"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
DRIVER=$(command -v chromedriver || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed (Debian package chromium)"
[ -n "$DRIVER" ] || skip "chromedriver is not installed (Debian package chromium-driver)"
e2e_python -c 'import selenium' 2>/dev/null ||
    skip "Selenium is not installed (Debian package python3-selenium)"
[ -x "$BUILDDIR/guardian-review" ] || {
	echo "review-browser: $BUILDDIR/guardian-review not built"
	failed=$nchecks
	summary
	exit 1
}

RUNDIR=$(e2e_rundir "$BUILDDIR/tests/review/run") || exit 1
SHOTS=$BUILDDIR/tests/review/screenshots
T=$RUNDIR/tmp
GROUP=grtest-rv
WEBUSER=grtest-web
PAM_FILE=/etc/pam.d/guardian-review
PAM_OURS=
REVIEW_PID=

cleanup()
{
	[ -z "$REVIEW_PID" ] || kill "$REVIEW_PID" 2>/dev/null
	[ -z "$REVIEW_PID" ] || wait "$REVIEW_PID" 2>/dev/null
	e2e_stop_all 2>&1
	for u in grtest-alice grtest-bob "$WEBUSER"; do
		! id "$u" >/dev/null 2>&1 || userdel "$u" 2>/dev/null
	done
	! getent group "$GROUP" >/dev/null || groupdel "$GROUP" 2>/dev/null
	[ -z "$PAM_OURS" ] || rm -f "$PAM_FILE"
	if [ "${REVIEW_KEEP:-0}" = 0 ] && [ "$failed" = 0 ]; then
		rm -rf "$RUNDIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# hold SUBJECT RCPT FILE [BODY] - send a message the rule holds; its
# quarantine id on stdout
hold()
{
	local subject=$1 rcpt=$2 m=$3 body=${4:-} i id
	{
		printf 'From: Ms. Rivera <teacher@district.example>\n'
		printf 'To: %s\nSubject: %s\n' "$rcpt" "$subject"
		printf 'Message-ID: <%s.%s@district.example>\n' "$RANDOM" "$$"
		if [ -n "$body" ]; then
			printf 'MIME-Version: 1.0\n'
			printf 'Content-Type: multipart/alternative; boundary="b1"\n'
			printf '\n--b1\nContent-Type: text/plain; charset=utf-8\n\n%s\n' "$body"
			printf '\n--b1\nContent-Type: text/html; charset=utf-8\n\n'
			printf '<html><body><p>%s</p></body></html>\n--b1--\n' "$body"
		else
			printf '\nDear family,\n\nSam has a B+ this term.\n\n-- Ms. Rivera\n'
		fi
	} >"$m"
	e2e_send --to "$rcpt" "$m" >"$T/send.out" 2>&1 || {
		cat "$T/send.out" >&2
		return 1
	}
	for i in $(seq 1 50); do
		id=$(grep -F "quarantine=" "$E2E_MILTER_LOG" | tail -n 1 |
		    sed -E 's/.*quarantine=([0-9a-f]{16}) .*/\1/')
		if [ -n "$id" ] && ! grep -qxF "$id" "$T/qids" 2>/dev/null; then
			echo "$id" >>"$T/qids"
			echo "$id"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

setup()
{
	local qdir listen
	export PATH=$PATH:/usr/sbin:/sbin
	E2E_QDIR=
	e2e_init "$RUNDIR" "$BUILDDIR" || return 1
	mkdir -p "$T" "$E2E_RUN/spool" "$SHOTS" || return 1
	rm -f "$SHOTS"/*.png
	# accounts: a reviewer, an outsider, the daemon's user
	groupadd "$GROUP" || return 1
	useradd -M -N -s /usr/sbin/nologin -G "$GROUP" "$WEBUSER" &&
	    useradd -M -N -s /usr/sbin/nologin -G "$GROUP" grtest-alice &&
	    useradd -M -N -s /usr/sbin/nologin grtest-bob || return 1
	printf 'grtest-alice:Alice-pass-1\ngrtest-bob:Bob-pass-2\n' | chpasswd ||
	    return 1
	if [ ! -e "$PAM_FILE" ]; then
		cp "$TOP_SRCDIR/packaging/pam.d/guardian-review" "$PAM_FILE" &&
		    PAM_OURS=1 || return 1
	fi
	# the store, as the manual makes it: the reviewer group's
	qdir=$E2E_RUN/spool/quarantine
	install -d -g "$GROUP" -m 2750 "$qdir" &&
	    install -d -g "$GROUP" -m 2770 "$qdir/review" || return 1
	chmod 755 "$E2E_RUN" "$E2E_RUN/spool"
	REVIEW_PORT=$(e2e_free_port)
	listen=127.0.0.1:$REVIEW_PORT
	sed -e "s|@SPOOL@|$E2E_RUN/spool|g" -e "s|@ETC@|$E2E_ETC|g" \
	    -e "s|@QDIR@|$qdir|g" -e "s|@GROUP@|$GROUP|g" \
	    -e "s|@LISTEN@|$listen|g" \
	    -e "s|@SENDMAIL@|/usr/bin/python3 $E2E_RUN/smtp-sendmail.py $E2E_PORT|g" \
	    "$SRCDIR/config.xml" \
	    >"$E2E_ETC/guardian-milter.xml" || return 1
	cp "$TOP_SRCDIR/rules/guardian-milter.rng" "$E2E_ETC/" &&
	    install -m 0755 "$SRCDIR/smtp-sendmail.py" "$E2E_RUN/" || return 1
	"$E2E_MILTER" -n -c "$E2E_ETC/guardian-milter.xml" >"$T/check.log" 2>&1 || {
		cat "$T/check.log"
		return 1
	}
	echo "== starting guardian-milter and Postfix"
	e2e_milter_start "$E2E_ETC/guardian-milter.xml" || return 1
	e2e_postfix_start || return 1
	echo "== holding messages through Postfix"
	ID_GRADES=$(hold "Grades for the term" family.rv1@gmail.example \
	    "$T/m1.eml") || return 1
	sleep 1.1 # held a second later: newest first is well-defined
	ID_HOSTILE=$(hold '<script>window.pwned=1;alert(1)</script><img src=x onerror="window.pwned=2"> grades' \
	    family.rv2@gmail.example "$T/m2.eml" \
	    '<script>window.pwned=3;alert(3)</script><img src=x onerror="window.pwned=4;alert(4)"> Sam'"'"'s grades') ||
	    return 1
	echo "   held $ID_GRADES (plain) and $ID_HOSTILE (hostile)"
	echo "== starting guardian-review on $listen as $WEBUSER"
	"$BUILDDIR/guardian-review" -d -c "$E2E_ETC/guardian-milter.xml" \
	    -u "$WEBUSER" >"$RUNDIR/review.log" 2>&1 &
	REVIEW_PID=$!
	for i in $(seq 1 50); do
		grep -q "serving $listen" "$RUNDIR/review.log" && return 0
		kill -0 "$REVIEW_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$RUNDIR/review.log"
	return 1
}

started=$(date +%s)
if ! setup; then
	echo "review-browser: set-up failed; counting every check as failed"
	failed=$nchecks
	summary
	exit 1
fi

# the browser's checks print "ok NAME" or "FAIL NAME: why"
e2e_python "$SRCDIR/browser.py" --url "http://127.0.0.1:$REVIEW_PORT" \
    --chromium "$CHROMIUM" --driver "$DRIVER" --shots "$SHOTS" \
    --reviewer grtest-alice:Alice-pass-1 --outsider grtest-bob:Bob-pass-2 \
    --plain "$ID_GRADES" --hostile "$ID_HOSTILE" 2>&1 | tee "$T/browser.out"
passed=$(grep -c '^ok ' "$T/browser.out")

# the release went through the MTA to the recipient
if f=$(e2e_sink_wait family.rv1@gmail.example 15) &&
    grep -q 'Sam has a B+ this term' "$f"; then
	echo "ok released_message_is_delivered"
	passed=$((passed + 1))
else
	echo "FAIL released_message_is_delivered: nothing reached family.rv1@gmail.example"
fi
# libmicrohttpd's own TLS: a second daemon on the same store with a
# self-signed certificate; its cookies are Secure, plain HTTP gets no page
tls_check()
{
	local port pid i
	command -v openssl >/dev/null 2>&1 || {
		echo "no openssl to make a certificate"
		return 1
	}
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	    -keyout "$E2E_ETC/review.key" -out "$E2E_ETC/review.crt" \
	    >/dev/null 2>&1 || return 1
	port=$(e2e_free_port)
	sed -e "s|<listen>.*</listen>|<listen>127.0.0.1:$port</listen><tls-cert>$E2E_ETC/review.crt</tls-cert><tls-key>$E2E_ETC/review.key</tls-key>|" \
	    "$E2E_ETC/guardian-milter.xml" >"$E2E_ETC/tls.xml" || return 1
	"$BUILDDIR/guardian-review" -d -c "$E2E_ETC/tls.xml" -u "$WEBUSER" \
	    >"$RUNDIR/review-tls.log" 2>&1 &
	pid=$!
	for i in $(seq 1 50); do
		grep -q "with TLS" "$RUNDIR/review-tls.log" && break
		sleep 0.1
	done
	e2e_python - "$port" <<'PY'
import ssl, sys, urllib.request
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
r = urllib.request.urlopen("https://127.0.0.1:%s/login" % sys.argv[1], context=ctx)
c = r.headers.get("Set-Cookie", "")
h = r.headers.get("Strict-Transport-Security", "")
print("    Set-Cookie: %s\n    Strict-Transport-Security: %s" % (c, h))
sys.exit(0 if "; Secure" in c and "HttpOnly" in c and h else 1)
PY
	i=$?
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return $i
}
if tls_check; then
	echo "ok tls_serves_https_with_secure_cookies"
	passed=$((passed + 1))
else
	echo "FAIL tls_serves_https_with_secure_cookies"
	sed 's/^/     /' "$RUNDIR/review-tls.log" 2>/dev/null
fi

# a check that did not say ok failed (or never ran)
failed=$((nchecks - passed))
echo "   review daemon log:"
sed 's/^/     /' "$RUNDIR/review.log"
echo "   screenshots: $SHOTS"
echo "(review-browser took $(($(date +%s) - started))s)"
summary
[ "$failed" = 0 ]
