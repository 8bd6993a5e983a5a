#!/bin/bash
# sendmail.sh BUILDDIR - end-to-end tests: guardian-milter behind a real
# Sendmail 8.17
#
# The Sendmail counterpart of run.sh: one scenario per kind of action
# (add a header, copy the guardians in Cc, blind copies, reject with
# several lines of guidance, tempfail, monitor), carried by a private
# Sendmail (see sendmail-lib.sh) from SMTP to the capture sink, with the
# configuration and test directory of run.sh. Sendmail is fetched with
# apt-get download into SENDMAIL_DEBS (default BUILDDIR/sendmail-debs,
# kept between runs) and unpacked into the run directory; nothing is
# installed. Needs root, as Sendmail does.
# Prints "sendmail: N passed, N failed[, N skipped]" last; exits non-zero
# on a failure. The tests are skipped, with the reason, only when the
# Sendmail packages cannot be downloaded. E2E_KEEP=1 keeps the run
# directory.

set -u

E2E_SRCDIR=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=$(cd "$E2E_SRCDIR/../.." && pwd)

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 64
fi
BUILDDIR=$(cd "$1" && pwd)

. "$E2E_SRCDIR/lib.sh"
. "$E2E_SRCDIR/sendmail-lib.sh"

TESTS="
accept_delivers_with_added_header
sasl_login_reaches_daemon
accept_is_logged_with_queue_id
add_guardians_delivers_copies_in_cc
blind_copy_for_student_with_no_guardian
reject_returns_multiline_guidance
tempfail_rule_returns_4xx
monitor_rule_adds_header_and_delivers
folded_header_reaches_rules_unfolded
header_value_loses_one_space_after_the_colon
sendmail_tempfails_without_daemon
daemon_log_shows_no_crash
"

passed=0
failed=0
skipped=0

summary()
{
	echo "sendmail: $passed passed, $failed failed, $skipped skipped" |
	    sed 's/, 0 skipped$//'
}

# ---------------------------------------------------------------- helpers

fail()
{
	printf '    FAIL: %s\n' "$*"
	return 1
}

# msg FILE SUBJECT [HEADER...] - a small message from a teacher
msg()
{
	local file=$1 subject=$2 h
	shift 2
	{
		printf 'From: Ms. Rivera <teacher@district.example>\n'
		printf 'To: family@families.example\n'
		printf 'Subject: %s\n' "$subject"
		printf 'Message-ID: <%s.%s@district.example>\n' "$RANDOM" "$$"
		for h in "$@"; do
			printf '%s\n' "$h"
		done
		printf '\nDear family,\n\nA short note from school.\n\n-- Ms. Rivera\n'
	} >"$file"
}

# send_expect STATUS OUTFILE ARGS... - e2e_send; fail unless its exit
# status is STATUS (0 accepted, 4, 5)
send_expect()
{
	local want=$1 out=$2 rc
	shift 2
	e2e_send "$@" >"$out" 2>&1
	rc=$?
	sed 's/^/    reply: /' "$out"
	[ "$rc" = "$want" ] ||
	    fail "expected send status $want, got $rc"
}

reply_text()
{
	sed -E 's/^[0-9]{3}[- ]([245]\.[0-9]+\.[0-9]+( |$))?//' "$1" | tr '\n' ' ' |
	    tr -s ' '
}

log_wait()
{
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		grep -Eq -- "$1" "$E2E_MILTER_LOG" && return 0
		sleep 0.1
	done
	return 1
}

install_config()
{
	sed "s|@SPOOL@|$E2E_RUN/spool|g" "$E2E_SRCDIR/config/$1" \
	    >"$E2E_ETC/guardian-milter.xml.new" &&
	    mv "$E2E_ETC/guardian-milter.xml.new" "$E2E_ETC/guardian-milter.xml"
}

# serve CONFIG - install tests/e2e/config/CONFIG, SIGHUP the daemon and
# wait until it serves the new generation
serve()
{
	local n
	n=$(grep -c 'reloaded configuration, generation' "$E2E_MILTER_LOG")
	install_config "$1" || return 1
	kill -HUP "$(e2e_milter_pid)" || fail "cannot signal the daemon" ||
	    return 1
	for _ in $(seq 1 100); do
		[ "$(grep -c 'reloaded configuration, generation' \
		    "$E2E_MILTER_LOG")" -gt "$n" ] && return 0
		sleep 0.1
	done
	fail "the daemon did not reload $1"
}

# raw_header FILE NAME - the first line of header field NAME as stored
raw_header()
{
	sed -n '1,/^$/p' "$1" | grep -i -m 1 "^$2:"
}

# ------------------------------------------------------------------ tests

# The SMTP AUTH login and the listener's name reach the daemon as
# {auth_authen} and {daemon_name}, as with Postfix: Sendmail gives the
# login as the client typed it, realm included.
test_sasl_login_reaches_daemon()
{
	local m=$T/m.eml out=$T/reply f
	[ -n "$SM_AUTH" ] ||
	    fail "Sendmail runs without SMTP AUTH (no unshare --mount, or no /etc/sasldb2 to stand in for)" ||
	    return 1
	msg "$m" "Signed in"
	e2e_submit --auth rivera@district.example:secret \
	    --from rivera@district.example --to family.auth@families.example \
	    "$m" >"$out" 2>&1
	[ $? = 0 ] || { sed 's/^/    reply: /' "$out"; fail "refused"; return 1; }
	f=$(e2e_sink_wait family.auth@families.example) ||
	    fail "nothing delivered to family.auth@families.example" ||
	    return 1
	[ "$(e2e_header "$f" X-Guardian-Login)" = rivera ] ||
	    fail "X-Guardian-Login is '$(e2e_header "$f" X-Guardian-Login)', want 'rivera' ({auth_authen} rivera@district.example)" ||
	    return 1
	log_wait 'verdict=accept rules=[^ ]*e2e-signed-in' 5 ||
	    fail "no decision line naming e2e-signed-in" || return 1
	# the submission listener refuses mail without a login (M=Ea)
	e2e_submit --to family.noauth@families.example "$m" >"$out" 2>&1
	[ $? = 5 ] || { sed 's/^/    reply: /' "$out"
		fail "the submission port took mail without a login"; }
}

# An accepted message arrives with the headers two rules added: one
# matched on the recipient, one on {daemon_name}, which Sendmail sets to
# the Name= of the DAEMON_OPTIONS that took the message. Sendmail writes
# an added field as "Name: value", one space, as Postfix does.
test_accept_delivers_with_added_header()
{
	local m=$T/m.eml out=$T/reply f
	msg "$m" "Library books due Friday"
	send_expect 0 "$out" --to family.accept@families.example "$m" ||
	    return 1
	f=$(e2e_sink_wait family.accept@families.example) ||
	    fail "nothing delivered to family.accept@families.example" ||
	    return 1
	sed -n '1,/^$/p' "$f" | sed 's/^/    | /'
	[ "$(raw_header "$f" X-Guardian-Checked)" = "X-Guardian-Checked: families" ] ||
	    fail "the added field is '$(raw_header "$f" X-Guardian-Checked)', want 'X-Guardian-Checked: families'" ||
	    return 1
	[ "$(e2e_header "$f" X-Guardian-Daemon)" = "$SM_NAME" ] ||
	    fail "X-Guardian-Daemon is '$(e2e_header "$f" X-Guardian-Daemon)', want '$SM_NAME' ({daemon_name} macro)" ||
	    return 1
	[ "$(e2e_header "$f" Subject)" = "Library books due Friday" ] ||
	    fail "the subject changed"
}

# The decision line starts with Sendmail's queue id (macro i), the one
# Sendmail gives in its 250 reply.
test_accept_is_logged_with_queue_id()
{
	local m=$T/m.eml out=$T/reply qid
	msg "$m" "Bus schedule"
	send_expect 0 "$out" --to family.qid@families.example "$m" || return 1
	qid=$(sed -n 's/^250 2\.0\.0 \([A-Za-z0-9]*\) Message accepted.*/\1/p' "$out")
	[ -n "$qid" ] || fail "no queue id in the reply" || return 1
	log_wait "$qid: verdict=accept " 5 ||
	    fail "no line '$qid: verdict=accept' in the milter log"
}

# Staff mail to an elementary student: Sendmail delivers the copy the
# milter added (smfi_addrcpt) to the parent who wants copies, none to the
# one who opted out, and the student's copy shows the parent in Cc.
test_add_guardians_delivers_copies_in_cc()
{
	local m=$T/m.eml out=$T/reply f g
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Pat Pupil <pupil@students.district.example>\n'
		printf 'Subject: Spelling list\n\nPat, here is the list.\n'
	} >"$m"
	send_expect 0 "$out" --from rivera@district.example \
	    --to pupil@students.district.example "$m" || return 1
	f=$(e2e_sink_wait pupil@students.district.example) ||
	    fail "nothing delivered to the student" || return 1
	g=$(e2e_sink_wait robin.pupil@families.example) ||
	    fail "no copy for the guardian robin.pupil@families.example" ||
	    return 1
	echo "    guardian's copy: $g"
	[ "$(e2e_header "$f" Cc)" = robin.pupil@families.example ] ||
	    fail "Cc is '$(e2e_header "$f" Cc)', want 'robin.pupil@families.example'" ||
	    return 1
	[ "$(raw_header "$f" Cc)" = "Cc: robin.pupil@families.example" ] ||
	    fail "the Cc field is written '$(raw_header "$f" Cc)'" || return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir kai.pupil@families.example)" ] ||
	    fail "the guardian who opted out of copies got one"
}

# The shipped policy, for a student with no guardian on record: the
# message is delivered flagged, and the compliance mailbox gets a blind
# copy that no header of the student's copy names.
test_blind_copy_for_student_with_no_guardian()
{
	local m=$T/m.eml out=$T/reply f c w rc=0
	local marker="Welcome $RANDOM$$"
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Nico New <new.kid@students.district.example>\n'
		printf 'Subject: %s\n\nNico, welcome to class.\n' "$marker"
	} >"$m"
	cp "$TOP_SRCDIR/rules/district-policy.xml" \
	    "$TOP_SRCDIR/rules/offensive-words.txt" "$E2E_ETC/" || return 1
	serve shipped-policy.xml || return 1
	send_expect 0 "$out" --from rivera@district.example \
	    --to new.kid@students.district.example "$m" || rc=1
	serve guardian-milter.xml || rc=1
	[ "$rc" = 0 ] || return 1
	f=$(e2e_sink_wait new.kid@students.district.example) ||
	    fail "nothing delivered to the student" || return 1
	w="no parent or guardian of a student recipient is on record to copy; sent to the district compliance office for follow-up"
	[ "$(e2e_header "$f" X-Guardian-Warning)" = "$w" ] ||
	    fail "X-Guardian-Warning is '$(e2e_header "$f" X-Guardian-Warning)', want '$w'" ||
	    return 1
	c=$(e2e_sink_wait compliance@district.example) ||
	    fail "no copy for the compliance mailbox" || return 1
	grep -qF "$marker" "$c" ||
	    fail "the compliance mailbox got another message" || return 1
	if sed '/^$/q' "$f" | grep -qi 'compliance@district\.example'; then
		fail "the student's copy shows the compliance mailbox"
		return 1
	fi
	log_wait 'added_rcpts=1 notified=compliance@district\.example ' 5 ||
	    fail "no decision line with notified=compliance@district.example"
}

# A reject rule's guidance comes back as a multi-line reply, every line
# with the code and enhanced status (the blank line between paragraphs
# as a bare "550-5.7.1"), the last citing the rule and its guideline.
test_reject_returns_multiline_guidance()
{
	local m=$T/m.eml out=$T/reply text
	msg "$m" "Report card for Sam"
	send_expect 5 "$out" --to parent.reject@gmail.example "$m" || return 1
	[ "$(grep -c '^550-5\.7\.1' "$out")" -ge 2 ] ||
	    fail "not a multi-line 550 5.7.1 reply" || return 1
	if grep -vqE '^550[- ]5\.7\.1( |$)' "$out"; then
		fail "a reply line lacks the 550 5.7.1 prefix"
		return 1
	fi
	text=$(reply_text "$out")
	case $text in
	*"Student records may only be sent to a family's district account."*"Please share grades through the parent portal instead."*) ;;
	*) fail "guidance text missing: $text"; return 1 ;;
	esac
	tail -n 1 "$out" | grep -qF '550 5.7.1 Rule student-records-personal; guideline: Student Records (Policy 4150): use district systems' ||
	    fail "last line does not cite the rule and guideline" || return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir parent.reject@gmail.example)" ] ||
	    fail "the rejected message was delivered"
}

# A tempfail rule answers 4xx with its text; nothing is delivered.
test_tempfail_rule_returns_4xx()
{
	local m=$T/m.eml out=$T/reply
	msg "$m" "Anything" "X-E2E-Tempfail: yes"
	send_expect 4 "$out" --to family.tempfail@families.example "$m" ||
	    return 1
	grep -q '^451[- ]4\.7\.1 Please try again later\.' "$out" ||
	    fail "no '451 4.7.1 Please try again later.' line" || return 1
	tail -n 1 "$out" | grep -qF '451 4.7.1 Rule e2e-tempfail; guideline: Test harness' ||
	    fail "last line does not cite the rule" || return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir family.tempfail@families.example)" ] ||
	    fail "the message was delivered"
}

# A monitor rule changes nothing but adds X-Guardian-Monitor.
test_monitor_rule_adds_header_and_delivers()
{
	local m=$T/m.eml out=$T/reply f h
	msg "$m" "Field trip permission slip"
	send_expect 0 "$out" --to parent.monitor@gmail.example "$m" || return 1
	f=$(e2e_sink_wait parent.monitor@gmail.example) ||
	    fail "the monitored message was not delivered" || return 1
	h=$(e2e_header "$f" X-Guardian-Monitor)
	echo "    X-Guardian-Monitor: $h"
	[ "$h" = "personal-accounts-watch would reject 550 5.7.1" ] ||
	    fail "X-Guardian-Monitor is '$h', want 'personal-accounts-watch would reject 550 5.7.1'"
}

# A folded subject: Sendmail passes the field's lines joined by a bare
# LF, as Postfix does, and the rule reads it unfolded ("Report card").
test_folded_header_reaches_rules_unfolded()
{
	local m=$T/m.eml out=$T/reply
	{
		printf 'From: Ms. Rivera <teacher@district.example>\n'
		printf 'To: family@families.example\n'
		printf 'Subject: Report\n card for Sam\n\nDear family.\n'
	} >"$m"
	send_expect 5 "$out" --to parent.folded@gmail.example "$m" || return 1
	grep -q 'Rule student-records-personal;' "$out" ||
	    fail "the folded subject did not reach the rule"
}

# Header values reach the rules with the one space after the colon
# removed (the filter does not ask for SMFIP_HDR_LEADSPC): "X: a" and
# "X:a" read "a"; a second space or a tab stays part of the value, as
# with Postfix. The delivered field is written as it came.
test_header_value_loses_one_space_after_the_colon()
{
	local m=$T/m.eml out=$T/reply f i=0 v want rc=0
	serve header-space.xml || return 1
	for v in 'X-E2E-Lead: a|yes|' 'X-E2E-Lead:a|yes|' \
	    'X-E2E-Lead:  a||yes' "$(printf 'X-E2E-Lead:\ta||yes')"; do
		i=$((i + 1))
		msg "$m" "Lead $i" "${v%%|*}"
		send_expect 0 "$out" --to lead$i@families.example "$m" ||
		    { rc=1; break; }
		f=$(e2e_sink_wait lead$i@families.example) ||
		    { fail "nothing delivered for '${v%%|*}'"; rc=1; break; }
		want=${v#*|}
		echo "    '${v%%|*}': anchored=$(e2e_header "$f" X-E2E-Anchored) space=$(e2e_header "$f" X-E2E-Space)"
		[ "$(e2e_header "$f" X-E2E-Anchored)|$(e2e_header "$f" X-E2E-Space)" = "$want" ] ||
		    { fail "'${v%%|*}' read as anchored|space '$(e2e_header "$f" X-E2E-Anchored)|$(e2e_header "$f" X-E2E-Space)', want '$want'"
		      rc=1; break; }
		[ "$(raw_header "$f" X-E2E-Lead)" = "${v%%|*}" ] ||
		    { fail "the field was delivered as '$(raw_header "$f" X-E2E-Lead)'"
		      rc=1; break; }
	done
	serve guardian-milter.xml || return 1
	return $rc
}

# F=T in INPUT_MAIL_FILTER: with the daemon stopped, Sendmail answers
# 4xx instead of passing the message unchecked.
test_sendmail_tempfails_without_daemon()
{
	local m=$T/m.eml out=$T/reply
	e2e_milter_stop
	msg "$m" "Nobody is filtering"
	send_expect 4 "$out" --to family.down@families.example "$m" ||
	    return 1
	grep -q '^451 4\.3\.2 ' "$out" ||
	    fail "no '451 4.3.2' reply" || return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir family.down@families.example)" ] ||
	    fail "the unchecked message was delivered"
}

test_daemon_log_shows_no_crash()
{
	local pat='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|restarting it|restarted worker|the worker .*(status [1-9]|signal)|dumped core'
	if grep -Eq "$pat" "$E2E_MILTER_LOG"; then
		grep -E "$pat" "$E2E_MILTER_LOG" | head -n 20 | sed 's/^/    /'
		fail "the daemon log shows a crash or a sanitizer report"
		return 1
	fi
	echo "    $(wc -l <"$E2E_MILTER_LOG") log lines checked"
}

# ------------------------------------------------------------------- main

ntests=$(echo $TESTS | wc -w)

if [ "$(id -u)" != 0 ]; then
	echo "sendmail: the private Sendmail needs root; skipping"
	skipped=$ntests
	summary
	exit 0
fi

E2E_RUNDIR=$(e2e_rundir "$BUILDDIR/tests/e2e/run-sendmail") || exit 1
T=$E2E_RUNDIR/tmp
SENDMAIL_DEBS=${SENDMAIL_DEBS:-$BUILDDIR/sendmail-debs}

cleanup()
{
	[ -z "${E2E_RUN:-}" ] || {
		sm_stop
		e2e_milter_stop
	}
	if [ "${E2E_KEEP:-0}" = 0 ] && [ "$failed" = 0 ]; then
		rm -rf "$E2E_RUNDIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

setup()
{
	local tool
	export PATH=$PATH:/usr/sbin:/sbin
	for tool in m4 python3 apt-get dpkg; do
		command -v $tool >/dev/null 2>&1 || {
			echo "sendmail: $tool not found (run script/bootstrap)"
			return 1
		}
	done
	sm_init "$E2E_RUNDIR" "$BUILDDIR" || return 1
	if ! sm_fetch "$SENDMAIL_DEBS"; then
		echo "sendmail: cannot download $SM_PACKAGES into $SENDMAIL_DEBS:"
		tail -n 5 "$SENDMAIL_DEBS/download.log" 2>/dev/null
		return 2
	fi
	mkdir -p "$T" "$E2E_RUN/spool" || return 1
	cp "$E2E_SRCDIR/config/rules.xml" "$E2E_ETC/rules.xml" &&
	    cp -r "$E2E_SRCDIR/config/roster" "$E2E_ETC/roster" &&
	    cp "$E2E_SRCDIR/config/virtual" "$E2E_ETC/virtual" &&
	    cp "$TOP_SRCDIR/rules/guardian-milter.rng" "$E2E_ETC/" &&
	    install_config guardian-milter.xml || return 1
	sm_write_config || return 1
	sm_add_login rivera@district.example secret || return 1
	echo "== starting guardian-milter ($E2E_SOCKET)"
	e2e_milter_start "$E2E_ETC/guardian-milter.xml" || return 1
	echo "== starting Sendmail $(sm_run -C "$SM_CF" -d0.1 -bt </dev/null 2>/dev/null |
	    sed -n 's/^Version //p') on 127.0.0.1:$E2E_PORT ($E2E_RUN)"
	sm_start
}

started=$(date +%s)
setup
rc=$?
if [ $rc = 2 ]; then
	echo "sendmail: Sendmail packages unavailable; skipping every test"
	skipped=$ntests
	summary
	exit 0
elif [ $rc != 0 ]; then
	echo "sendmail: set-up failed; counting every test as failed"
	failed=$ntests
	summary
	exit 1
fi

for t in $TESTS; do
	log=$T/$t.log
	t1=$(date +%s)
	if "test_$t" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $t ($(($(date +%s) - t1))s)"
		[ "${E2E_VERBOSE:-0}" = 0 ] || sed 's/^/     /' "$log"
	else
		failed=$((failed + 1))
		echo "FAIL $t"
		sed 's/^/     /' "$log"
		echo "     --- milter log (last 15 lines)"
		tail -n 15 "$E2E_MILTER_LOG" | sed 's/^/     /'
	fi
done
echo "(sendmail took $(($(date +%s) - started))s; run directory $E2E_RUNDIR)"
cleanup
summary
[ "$failed" = 0 ]
