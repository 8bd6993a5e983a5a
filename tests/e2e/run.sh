#!/bin/bash
# run.sh BUILDDIR - end-to-end tests: guardian-milter behind a real Postfix
#
# Starts a private Postfix instance and the daemon under
# BUILDDIR/tests/e2e/run (see lib.sh), sends mail through it by SMTP and
# checks the replies and the delivered copies. Needs root (Postfix's
# master runs as root and drops to the postfix user).
# Prints "e2e: N passed, N failed" last; exits non-zero on a failure.
# E2E_KEEP=1 leaves the run directory in place for inspection.

set -u

E2E_SRCDIR=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=$(cd "$E2E_SRCDIR/../.." && pwd)

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 64
fi
BUILDDIR=$(cd "$1" && pwd)

. "$E2E_SRCDIR/lib.sh"

TESTS="
reject_returns_guidance_text
reject_is_logged_with_queue_id
accept_delivers_with_added_header
accept_delivers_to_every_recipient
sasl_login_reaches_daemon
add_guardians_delivers_copies
monitor_rule_adds_header_and_delivers
tempfail_rule_returns_4xx
shipped_policy_refuses_a_student_after_1000_recipients
shipped_policy_refuses_an_overlong_student_address
shipped_policy_flags_a_student_with_no_guardian_on_record
sighup_with_broken_config_keeps_old_rules
sighup_with_good_config_applies_new_rules
address_forms_copy_the_guardian
address_unresolvable_recipient_is_refused
address_percent_hack_to_personal_account_is_refused
address_trailing_dot_sender_must_sign_in
address_tagged_guardian_is_still_copied
sender_null_envelope_with_staff_from_copies_guardian
sender_unknown_login_has_staff_duties
list_copies_the_guardians_of_its_students
alias_of_a_student_copies_the_guardian
list_of_lists_copies_every_family
list_nested_too_deep_is_refused
cc_unreadable_field_shows_guardian_in_own_cc
cc_guardian_as_display_name_is_still_shown
header_field_over_64k_reaches_the_rules
roster_cut_short_keeps_the_directory_served
content_base64_grades_to_personal_account_are_refused
content_encoded_report_card_subject_to_personal_account_is_refused
content_encoded_report_card_subject_to_district_address_passes
content_unreadable_base64_to_personal_account_is_refused
content_unreadable_attachment_to_another_family_is_held
content_class_list_csv_to_personal_account_is_refused
content_class_list_csv_to_district_address_passes
content_grades_to_the_students_own_guardian_pass
content_grades_to_another_family_are_refused
content_base64_xlsx_class_list_to_personal_account_is_refused
quarantine_holds_the_message_and_tells_the_sender
quarantine_release_delivers_the_original_bytes_once
quarantine_release_through_a_filtered_pickup_passes_once
quarantine_delete_removes_the_message
quarantine_store_failure_answers_tempfail
sigterm_stops_daemon_and_worker
postfix_default_action_tempfails_without_daemon
daemon_log_shows_no_crash
quarantine_hold_mode_uses_the_postfix_hold_queue
quarantine_kill_9_during_20_holds_loses_none
"

passed=0
failed=0
skipped=0

summary()
{
	echo "e2e: $passed passed, $failed failed${skipped:+, $skipped skipped}" |
	    sed 's/, 0 skipped$//'
}

# ---------------------------------------------------------------- helpers

# fail MESSAGE - report why the current test fails; returns 1
fail()
{
	printf '    FAIL: %s\n' "$*"
	return 1
}

# msg FILE SUBJECT [HEADER...] - write a small message to FILE
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

# send_expect STATUS OUTFILE [--submit] ARGS... - send (with --submit:
# through the submission listener); fail unless the exit status is
# STATUS (0 accepted, 4, 5); the reply goes to OUTFILE and stdout
send_expect()
{
	local want=$1 out=$2 rc how=e2e_send
	shift 2
	if [ "${1:-}" = --submit ]; then
		how=e2e_submit
		shift
	fi
	$how "$@" >"$out" 2>&1
	rc=$?
	sed 's/^/    reply: /' "$out"
	[ "$rc" = "$want" ] ||
	    fail "expected send status $want, got $rc"
}

# reply_text FILE - the reply without codes, lines joined by spaces
reply_text()
{
	sed -E 's/^[0-9]{3}[- ]([245]\.[0-9]+\.[0-9]+( |$))?//' "$1" | tr '\n' ' ' |
	    tr -s ' '
}

# log_wait PATTERN [SECONDS] - wait for an extended regex in the milter log
log_wait()
{
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		grep -Eq -- "$1" "$E2E_MILTER_LOG" && return 0
		sleep 0.1
	done
	return 1
}

# install_config NAME - put tests/e2e/config/NAME in place as the
# configuration the daemon serves
install_config()
{
	sed -e "s|@SPOOL@|$E2E_RUN/spool|g" -e "s|@ETC@|$E2E_ETC|g" \
	    -e "s|@QDIR@|${E2E_QDIR:-$E2E_RUN/spool/quarantine}|g" \
	    "$E2E_SRCDIR/config/$1" \
	    >"$E2E_ETC/guardian-milter.xml.new" &&
	    mv "$E2E_ETC/guardian-milter.xml.new" "$E2E_ETC/guardian-milter.xml"
}

# ------------------------------------------------------------------ tests

# A reject rule's guidance comes back in the SMTP reply, every line with
# the code and enhanced status, ending with the rule and its guideline.
test_reject_returns_guidance_text()
{
	local m=$T/m.eml out=$T/reply text
	msg "$m" "Report card for Sam"
	send_expect 5 "$out" --to parent.reject@gmail.example "$m" || return 1
	grep -q '^550[- ]5\.7\.1 ' "$out" || fail "no 550 5.7.1 reply line" ||
	    return 1
	# (a blank line between paragraphs arrives as a bare "550-5.7.1")
	if grep -vqE '^550[- ]5\.7\.1( |$)' "$out"; then
		fail "a reply line lacks the 550 5.7.1 prefix"
		return 1
	fi
	text=$(reply_text "$out")
	case $text in
	*"Student records may only be sent to a family's district account."*) ;;
	*) fail "guidance text missing: $text"; return 1 ;;
	esac
	case $text in
	*"Please share grades through the parent portal instead."*) ;;
	*) fail "second paragraph missing: $text"; return 1 ;;
	esac
	tail -n 1 "$out" | grep -qF '550 5.7.1 Rule student-records-personal; guideline: Student Records (Policy 4150): use district systems' ||
	    fail "last line does not cite the rule and guideline" || return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir parent.reject@gmail.example)" ] ||
	    fail "the rejected message was delivered"
}

# The daemon's decision line starts with Postfix's queue id.
test_reject_is_logged_with_queue_id()
{
	local m=$T/m.eml out=$T/reply qid
	msg "$m" "Your grades this term"
	send_expect 5 "$out" --to parent.qid@gmail.example "$m" || return 1
	sleep 0.3
	qid=$(grep 'milter-reject: END-OF-MESSAGE' "$E2E_POSTFIX_LOG" |
	    grep 'to=<parent.qid@gmail.example>' | tail -n 1 |
	    sed -E 's/^.*\]: ([0-9A-F]+): milter-reject.*$/\1/')
	[ -n "$qid" ] || fail "no queue id in the Postfix log" || return 1
	echo "    queue id $qid"
	log_wait "$qid: verdict=reject rule=student-records-personal" 5 ||
	    fail "no line '$qid: verdict=reject rule=student-records-personal' in the milter log"
}

# An accepted message arrives with the header a rule added, and the
# connect macro {daemon_name} reached the daemon.
test_accept_delivers_with_added_header()
{
	local m=$T/m.eml out=$T/reply f
	msg "$m" "Library books due Friday"
	send_expect 0 "$out" --to family.accept@families.example "$m" ||
	    return 1
	f=$(e2e_sink_wait family.accept@families.example) ||
	    fail "nothing delivered to family.accept@families.example" ||
	    return 1
	echo "    delivered: $f"
	[ "$(e2e_header "$f" X-Guardian-Checked)" = families ] ||
	    fail "X-Guardian-Checked is '$(e2e_header "$f" X-Guardian-Checked)', want 'families'" ||
	    return 1
	[ "$(e2e_header "$f" X-Guardian-Daemon)" = guardian-e2e ] ||
	    fail "X-Guardian-Daemon is '$(e2e_header "$f" X-Guardian-Daemon)', want 'guardian-e2e' ({daemon_name} macro)" ||
	    return 1
	[ "$(e2e_header "$f" Subject)" = "Library books due Friday" ] ||
	    fail "the subject changed"
}

# Every envelope recipient gets a copy; the rule matched on one of them
# adds its header to the message as a whole.
test_accept_delivers_to_every_recipient()
{
	local m=$T/m.eml out=$T/reply f a
	msg "$m" "Concert schedule"
	send_expect 0 "$out" --to mom.multi@families.example \
	    --to dad.multi@gmail.example --to colleague.multi@district.example \
	    "$m" || return 1
	for a in mom.multi@families.example dad.multi@gmail.example \
	    colleague.multi@district.example; do
		f=$(e2e_sink_wait $a) || fail "nothing delivered to $a" ||
		    return 1
		[ "$(e2e_header "$f" X-Guardian-Checked)" = families ] ||
		    fail "copy for $a lacks X-Guardian-Checked: families" ||
		    return 1
	done
}

# The SMTP AUTH login and the listener's name reach the daemon as
# {auth_authen} and {daemon_name}; without a login the rule stays quiet.
test_sasl_login_reaches_daemon()
{
	local m=$T/m.eml out=$T/reply f
	msg "$m" "Signed in"
	send_expect 0 "$out" --submit \
	    --auth rivera@district.example:secret \
	    --from rivera@district.example --to family.auth@families.example \
	    "$m" || return 1
	f=$(e2e_sink_wait family.auth@families.example) ||
	    fail "nothing delivered to family.auth@families.example" ||
	    return 1
	[ "$(e2e_header "$f" X-Guardian-Login)" = rivera ] ||
	    fail "X-Guardian-Login is '$(e2e_header "$f" X-Guardian-Login)', want 'rivera'" ||
	    return 1
	[ -z "$(e2e_header "$f" X-Guardian-Daemon)" ] ||
	    fail "X-Guardian-Daemon added on the submission listener" ||
	    return 1
	msg "$m" "Not signed in"
	send_expect 0 "$out" --submit \
	    --from rivera@district.example --to family.noauth@families.example \
	    "$m" || return 1
	f=$(e2e_sink_wait family.noauth@families.example) ||
	    fail "nothing delivered to family.noauth@families.example" ||
	    return 1
	[ -z "$(e2e_header "$f" X-Guardian-Login)" ] ||
	    fail "X-Guardian-Login added without a login"
}

# A rule that copies the guardians: Postfix delivers a copy to the
# parent the milter added (smfi_addrcpt) and none to the parent who opted
# out; the student's copy shows the parent in Cc.
test_add_guardians_delivers_copies()
{
	local m=$T/m.eml out=$T/reply f g
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Pat Pupil <pupil@students.district.example>\n'
		printf 'Subject: Spelling list\n\nPat, here is the list.\n'
	} >"$m"
	send_expect 0 "$out" --submit --auth rivera@district.example:secret \
	    --from rivera@district.example --to pupil@students.district.example \
	    "$m" || return 1
	f=$(e2e_sink_wait pupil@students.district.example) ||
	    fail "nothing delivered to the student" || return 1
	g=$(e2e_sink_wait robin.pupil@families.example) ||
	    fail "no copy for the guardian robin.pupil@families.example" ||
	    return 1
	echo "    guardian's copy: $g"
	[ "$(e2e_header "$f" Cc)" = robin.pupil@families.example ] ||
	    fail "Cc is '$(e2e_header "$f" Cc)', want 'robin.pupil@families.example'" ||
	    return 1
	sleep 0.5
	[ ! -d "$(e2e_sink_dir kai.pupil@families.example)" ] ||
	    fail "the guardian who opted out of copies got one"
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
	    fail "last line does not cite the rule"
}

# serve CONFIG - install tests/e2e/config/CONFIG, SIGHUP the daemon and
# wait until it serves the new generation
serve()
{
	local n pid
	n=$(grep -c 'reloaded configuration, generation' "$E2E_MILTER_LOG")
	install_config "$1" || return 1
	pid=$(e2e_milter_pid)
	kill -HUP "$pid" || fail "cannot signal $pid" || return 1
	for _ in $(seq 1 100); do
		[ "$(grep -c 'reloaded configuration, generation' \
		    "$E2E_MILTER_LOG")" -gt "$n" ] && return 0
		sleep 0.1
	done
	fail "the daemon did not reload $1"
}

# recipient_limit N - Postfix's smtpd_recipient_limit (default: remove)
recipient_limit()
{
	if [ -n "${1:-}" ]; then
		postconf -c "$E2E_ETC" -e "smtpd_recipient_limit = $1"
	else
		postconf -c "$E2E_ETC" -X smtpd_recipient_limit
	fi || return 1
	postfix -c "$E2E_ETC" reload >/dev/null 2>&1 || return 1
	# new smtpd processes read the new value
	sleep 1
}

# shipped_policy_on / shipped_policy_off - the shipped rules with the
# test directory, and Postfix taking up to 2,000 recipients (as a raised
# smtpd_recipient_limit, the sendmail command or Sendmail would)
shipped_policy_on()
{
	cp "$TOP_SRCDIR/rules/district-policy.xml" "$TOP_SRCDIR/rules/offensive-words.txt" "$E2E_ETC/" || return 1
	serve shipped-policy.xml || return 1
	recipient_limit 2000
}

shipped_policy_off()
{
	recipient_limit
	serve guardian-milter.xml
}

# A student after 1,000 district recipients: the daemon keeps 1,000, so
# the student is never looked at; the shipped policy refuses the message
# with a reply that names the recipient limit, and nobody gets it.
test_shipped_policy_refuses_a_student_after_1000_recipients()
{
	local m=$T/m.eml out=$T/reply text i rc=0
	local marker="Class news $RANDOM$$"
	local args="--submit --auth rivera@district.example:secret"
	args="$args --from rivera@district.example"
	for i in $(seq 1 1000); do
		args="$args --to staff$i@district.example"
	done
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: staff@district.example\n'
		printf 'Subject: %s\n\nPat, see you tomorrow.\n' "$marker"
	} >"$m"
	shipped_policy_on || return 1
	# shellcheck disable=SC2086
	send_expect 5 "$out" $args --to pupil@students.district.example \
	    "$m" || rc=1
	shipped_policy_off || rc=1
	[ "$rc" = 0 ] || return 1
	grep -q '^rcpt' "$out" && fail "Postfix refused a recipient" &&
	    return 1
	text=$(reply_text "$out")
	case $text in
	*"it has more than 1,000 recipients"*) ;;
	*) fail "the reply does not name the recipient limit: $text"
	   return 1 ;;
	esac
	tail -n 1 "$out" | grep -q '^550 5\.5\.3 Rule too-many-recipients;' ||
	    fail "the last line does not cite too-many-recipients" ||
	    return 1
	log_wait 'verdict=reject rule=too-many-recipients' 5 ||
	    fail "no verdict=reject rule=too-many-recipients in the log" ||
	    return 1
	sleep 1
	! grep -rqsF "$marker" "$E2E_SINK" ||
	    fail "the refused message was delivered"
}

# A student address over 1,024 bytes (a long +tag still reaches the
# student's mailbox): the shipped policy refuses it, naming the limit.
test_shipped_policy_refuses_an_overlong_student_address()
{
	local m=$T/m.eml out=$T/reply text tag rc=0
	local marker="Spelling $RANDOM$$"
	tag=$(printf '%01100d' 0 | tr 0 x)
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Pat Pupil <pupil@students.district.example>\n'
		printf 'Subject: %s\n\nPat, here is the list.\n' "$marker"
	} >"$m"
	shipped_policy_on || return 1
	send_expect 5 "$out" --submit --auth rivera@district.example:secret \
	    --from rivera@district.example \
	    --to "pupil+$tag@students.district.example" "$m" || rc=1
	shipped_policy_off || rc=1
	[ "$rc" = 0 ] || return 1
	text=$(reply_text "$out")
	case $text in
	*"is longer than 1,024 characters"*) ;;
	*) fail "the reply does not name the address limit: $text"
	   return 1 ;;
	esac
	tail -n 1 "$out" | grep -q '^550 5\.1\.0 Rule address-too-long;' ||
	    fail "the last line does not cite address-too-long" || return 1
	sleep 1
	! grep -rqsF "$marker" "$E2E_SINK" ||
	    fail "the refused message was delivered"
}

# Staff mail to an elementary student with no parent or guardian on
# record (Nico, s4 of the test roster, has none linked): the shipped
# policy delivers it, flagged with X-Guardian-Warning, and the compliance
# mailbox gets a blind copy: Postfix delivers it (smfi_addrcpt) while the
# student's copy names nobody new. The decision line names the mailbox.
test_shipped_policy_flags_a_student_with_no_guardian_on_record()
{
	local m=$T/m.eml out=$T/reply f c w rc=0
	local marker="Welcome $RANDOM$$"
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Nico New <new.kid@students.district.example>\n'
		printf 'Subject: %s\n\nNico, welcome to class.\n' "$marker"
	} >"$m"
	cp "$TOP_SRCDIR/rules/district-policy.xml" "$TOP_SRCDIR/rules/offensive-words.txt" "$E2E_ETC/" || return 1
	serve shipped-policy.xml || return 1
	send_expect 0 "$out" --submit --auth rivera@district.example:secret \
	    --from rivera@district.example \
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
	echo "    compliance copy: $c"
	grep -qF "$marker" "$c" ||
	    fail "the compliance mailbox got another message" || return 1
	[ "$(e2e_header "$c" X-Guardian-Warning)" = "$w" ] ||
	    fail "the compliance copy is not flagged" || return 1
	# blind: no header of the delivered message names the mailbox
	if sed '/^$/q' "$f" | grep -qi 'compliance@district\.example'; then
		fail "the student's copy shows the compliance mailbox"
		return 1
	fi
	log_wait 'verdict=accept rules=[^ ]*elementary-middle-no-guardian-on-record[^ ]* added_rcpts=1 notified=compliance@district\.example ' 5 ||
	    fail "no decision line naming the rule and notified=compliance@district.example" ||
	    return 1
	grep -F 'notified=compliance@district.example' "$E2E_MILTER_LOG" |
	    tail -n 1 | sed 's/^/    log: /'
}

# SIGHUP with a broken configuration: every problem logged as
# file:line: message, the daemon keeps running, the old rules serve.
test_sighup_with_broken_config_keeps_old_rules()
{
	local m=$T/m.eml out=$T/reply pid cfg=$E2E_ETC/guardian-milter.xml
	local l1 l2 f
	cp "$cfg" "$T/good.xml"
	install_config broken.xml || return 1
	l1=$(grep -n 'actoin=' "$cfg" | cut -d: -f1)
	l2=$(grep -n 'regex="a(b"' "$cfg" | cut -d: -f1)
	pid=$(e2e_milter_pid)
	echo "    SIGHUP to $pid"
	kill -HUP "$pid" || fail "cannot signal $pid" || return 1
	log_wait "guardian-milter\.xml:$l1: unknown attribute \"actoin\" on <rule>" ||
	    fail "no 'guardian-milter.xml:$l1: unknown attribute \"actoin\" on <rule>' in the log" ||
	    return 1
	log_wait "guardian-milter\.xml:$l2: invalid regex \"a\(b\"" ||
	    fail "no 'guardian-milter.xml:$l2: invalid regex \"a(b\"' in the log" ||
	    return 1
	grep -E 'guardian-milter\.xml:[0-9]+: ' "$E2E_MILTER_LOG" |
	    sed 's/^/    log: /'
	sleep 0.5
	kill -0 "$pid" 2>/dev/null || fail "the daemon died on a bad reload" ||
	    return 1
	# the old rules still reject ...
	msg "$m" "Report card for Ana"
	send_expect 5 "$out" --to parent.afterbad@gmail.example "$m" ||
	    return 1
	grep -q 'Rule student-records-personal;' "$out" ||
	    fail "the old reject rule did not answer" || return 1
	# ... and still add their header
	msg "$m" "Picture day"
	send_expect 0 "$out" --to family.afterbad@families.example "$m" ||
	    return 1
	f=$(e2e_sink_wait family.afterbad@families.example) ||
	    fail "nothing delivered after the bad reload" || return 1
	[ "$(e2e_header "$f" X-Guardian-Checked)" = families ] ||
	    fail "old add-header rule no longer serving"
	cp "$T/good.xml" "$cfg"
}

# SIGHUP with a good configuration publishes it: a rule only the new file
# has starts rejecting.
test_sighup_with_good_config_applies_new_rules()
{
	local m=$T/m.eml out=$T/reply pid
	msg "$m" "reload marker"
	send_expect 0 "$out" --to family.before@families.example "$m" ||
	    fail "the marker was refused before the reload" || return 1
	install_config reload.xml || return 1
	pid=$(e2e_milter_pid)
	kill -HUP "$pid" || fail "cannot signal $pid" || return 1
	log_wait 'reloaded configuration, generation [0-9]+' ||
	    fail "no 'reloaded configuration, generation N' in the log" ||
	    return 1
	grep -E 'reloaded configuration, generation' "$E2E_MILTER_LOG" |
	    sed 's/^/    log: /'
	send_expect 5 "$out" --to family.after@families.example "$m" ||
	    return 1
	grep -q 'The reloaded rules are serving\.' "$out" ||
	    fail "the new rule's text is not in the reply"
}

# SIGTERM to the supervisor stops it and the worker, exit status 0.
test_sigterm_stops_daemon_and_worker()
{
	local pid=$E2E_MILTER_PID i rc
	[ -n "$pid" ] || fail "daemon not running" || return 1
	kill -TERM "$pid"
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "supervisor $pid still running 10s after SIGTERM"
		return 1
	fi
	wait "$pid"
	rc=$?
	E2E_MILTER_PID=
	# setsid made the supervisor a session leader: its worker has the
	# same process group
	sleep 0.2
	if pgrep -g "$pid" >/dev/null 2>&1; then
		fail "processes left in group $pid: $(pgrep -g "$pid" | tr '\n' ' ')"
		kill -KILL -- "-$pid" 2>/dev/null
		return 1
	fi
	[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM, want 0"
}

# No daemon: this tests Postfix's own milter_default_action = tempfail
# (set in the private instance's main.cf, as the shipped snippet does),
# not the filter: the deployment must never send mail unfiltered.
test_postfix_default_action_tempfails_without_daemon()
{
	local m=$T/m.eml out=$T/reply
	e2e_milter_stop
	msg "$m" "Nobody is filtering"
	send_expect 4 "$out" --to family.down@families.example "$m" ||
	    return 1
	grep -q '^451 4\.7\.1 ' "$out" || fail "no 451 4.7.1 reply"
}

# The daemon's log (its stderr, and a sanitizer's when the daemon is an
# ASan/UBSan build) shows no worker that died and no sanitizer report:
# a crash the supervisor papered over by restarting would otherwise go
# unnoticed.
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

# ------------------------------------------------ address forms (issue 11)

# send_raw STATUS OUTFILE PORT AUTH FROM FILE RCPT... - send FILE with the
# addresses on the wire exactly as given (smtplib would re-quote them);
# AUTH is LOGIN:PASSWORD or ""; fail unless the exit status is STATUS
send_raw()
{
	local want=$1 out=$2 port=$3 auth=$4 from=$5 file=$6 rc
	shift 6
	e2e_python - "$port" "$auth" "$from" "$file" "$@" >"$out" 2>&1 <<'PY'
import smtplib, sys
port, auth, sender, path = sys.argv[1:5]
s = smtplib.SMTP("127.0.0.1", int(port), timeout=60)
s.ehlo()
if auth:
    user, _, password = auth.partition(":")
    s.login(user, password)
for cmd in ["MAIL FROM:<%s>" % sender] + \
        ["RCPT TO:<%s>" % r for r in sys.argv[5:]]:
    code, text = s.docmd(cmd)
    if code not in (250, 251):
        print(code, text.decode("utf-8", "replace"))
        sys.exit(code // 100)
with open(path, "rb") as f:
    code, text = s.data(f.read())
print(code, text.decode("utf-8", "replace"))
s.quit()
sys.exit(0 if code == 250 else code // 100)
PY
	rc=$?
	sed 's/^/    reply: /' "$out"
	[ "$rc" = "$want" ] ||
	    fail "expected send status $want, got $rc"
}

# wait_subject ADDRESS SUBJECT - wait until a message with SUBJECT is
# delivered to ADDRESS
wait_subject()
{
	local dir i
	dir=$(e2e_sink_dir "$1")/new
	for i in $(seq 1 100); do
		grep -qs -x -F "Subject: $2" "$dir"/* && return 0
		sleep 0.1
	done
	return 1
}

# use_config NAME - serve tests/e2e/config/NAME, with the shipped
# district policy beside it, and wait for the daemon to reload it
use_config()
{
	local n i
	n=$(grep -c 'reloaded configuration, generation' "$E2E_MILTER_LOG")
	cp "$TOP_SRCDIR/rules/district-policy.xml" "$TOP_SRCDIR/rules/offensive-words.txt" "$E2E_ETC/" &&
	    install_config "$1" || return 1
	kill -HUP "$(e2e_milter_pid)" || fail "cannot signal the daemon" ||
	    return 1
	for i in $(seq 1 100); do
		[ "$(grep -c 'reloaded configuration, generation' \
		    "$E2E_MILTER_LOG")" -gt "$n" ] && return 0
		sleep 0.1
	done
	fail "the daemon did not reload $1"
}

# postfix_local DOMAINS - make Postfix final destination for DOMAINS
# (mydestination, delivered by the sink too), as a district's relay is
# for its own domain: the percent hack and bang paths then route as they
# do there. postfix_local "" puts the test instance back.
postfix_local()
{
	postconf -c "$E2E_ETC" -e "mydestination = $1" \
	    "local_transport = ${1:+sink}${1:-local}" &&
	    postfix -c "$E2E_ETC" reload >/dev/null 2>&1 ||
	    fail "cannot set mydestination" || return 1
	sleep 1
}

# Issue 11 item 1: every spelling of the student's address that Postfix
# delivers to the student copies the guardian, under the shipped policy.
# Postfix is final destination for district.example here, so the percent
# hack and the bang path really route to the student.
test_address_forms_copy_the_guardian()
{
	local m=$T/m.eml out=$T/reply form subj n=0 rc=0
	use_config address.xml || return 1
	postfix_local "district.example, localhost" || return 1
	for form in '"pupil"@students.district.example' \
	    '"pup\il"@students.district.example' \
	    'pupil%students.district.example@district.example' \
	    'students.district.example!pupil@district.example' \
	    'pupil@Students.District.Example.'; do
		n=$((n + 1))
		subj="Spelling list $n.$$"
		printf 'From: Ana Rivera <rivera@district.example>\nTo: Pat <%s>\nSubject: %s\n\nPat, the list.\n' \
		    "$form" "$subj" >"$m"
		echo "    RCPT TO:<$form>"
		send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
		    rivera@district.example "$m" "$form" || { rc=1; continue; }
		wait_subject pupil@students.district.example "$subj" ||
		    fail "Postfix did not deliver <$form> to the student" ||
		    rc=1
		wait_subject robin.pupil@families.example "$subj" ||
		    fail "no guardian copy for <$form>" || rc=1
	done
	postfix_local "" || rc=1
	return $rc
}

# Issue 11 item 1: nested routing cannot be resolved safely: refused with
# a reply that says what to do, never passed as an outside address.
test_address_unresolvable_recipient_is_refused()
{
	local m=$T/m.eml out=$T/reply
	use_config address.xml || return 1
	msg "$m" "Spelling list"
	send_raw 5 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" \
	    'x%pupil%students.district.example@district.example' || return 1
	grep -q 'Rule unresolvable-recipient' "$out" ||
	    fail "not refused by rule unresolvable-recipient" || return 1
	reply_text "$out" | grep -q 'name@domain' ||
	    fail "the reply does not say how to write the address"
}

# Issue 11 item 1: a report card to someone%gmail.example@localhost goes
# to gmail.example: the records rule sees the address Postfix routes to.
test_address_percent_hack_to_personal_account_is_refused()
{
	local m=$T/m.eml out=$T/reply rc=0
	use_config address.xml || return 1
	postfix_local "district.example, localhost" || return 1
	msg "$m" "Report card for Pat"
	send_raw 5 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" 'someone%gmail.example@localhost' ||
	    rc=1
	[ $rc = 1 ] || grep -q 'Rule student-records-to-personal-account' \
	    "$out" || fail "not refused by the student records rule" || rc=1
	postfix_local "" || rc=1
	return $rc
}

# Issue 11 item 1: MAIL FROM:<rivera@district.example.> on the submission
# port without signing in is a district sender like any other.
test_address_trailing_dot_sender_must_sign_in()
{
	local m=$T/m.eml out=$T/reply
	use_config address.xml || return 1
	msg "$m" "Picture day"
	send_raw 5 "$out" "$E2E_SUBMIT_PORT" "" rivera@district.example. \
	    "$m" family.dot@families.example || return 1
	grep -q 'Rule district-sender-must-authenticate' "$out" ||
	    fail "not refused by rule district-sender-must-authenticate"
}

# Issue 11 item 3: a tagged copy of the guardian's address
# (robin.pupil+none@) is not the guardian: the guardian is still added.
test_address_tagged_guardian_is_still_copied()
{
	local m=$T/m.eml out=$T/reply subj="Spelling list tagged.$$"
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: Pat <pupil@students.district.example>\nSubject: %s\n\nPat, the list.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" pupil@students.district.example \
	    robin.pupil+none@families.example || return 1
	wait_subject robin.pupil+none@families.example "$subj" ||
	    fail "the tagged address got nothing" || return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "the guardian's own address got no copy"
}

# Issue 11 item 4(b): on port 25, without signing in, MAIL FROM:<> with
# a teacher's From reaches an elementary student: the author is the
# sender, so the guardian gets a copy.
test_sender_null_envelope_with_staff_from_copies_guardian()
{
	local m=$T/m.eml out=$T/reply subj="Reading log null.$$"
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: Pat <pupil@students.district.example>\nSubject: %s\n\nPat, the log.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_PORT" "" "" "$m" \
	    pupil@students.district.example || return 1
	wait_subject pupil@students.district.example "$subj" ||
	    fail "the student got nothing" || return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "no guardian copy for a teacher's From with MAIL FROM:<>"
}

# Issue 11 item 4(a): a login the directory does not know cannot make the
# sender someone else by the envelope: with a personal MAIL FROM it is
# still staff (the shipped default), and the guardian gets a copy.
test_sender_unknown_login_has_staff_duties()
{
	local m=$T/m.eml out=$T/reply subj="Reading log ghost.$$"
	use_config address.xml || return 1
	e2e_add_login ghost@district.example secret2 || return 1
	printf 'From: Someone <someone@gmail.example>\nTo: Pat <pupil@students.district.example>\nSubject: %s\n\nPat, the log.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" ghost@district.example:secret2 \
	    someone@gmail.example "$m" pupil@students.district.example ||
	    return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "no guardian copy for a login the directory does not know"
}

# ------------------------------------------------------- lists and aliases

# headers_of FILE - the header of a delivered copy, for failure reports
headers_of()
{
	sed -n '1,/^$/p' "$1" | sed 's/^/    | /'
}

# Staff mail to a district list: Postfix expands it to the two second
# graders after the daemon saw the envelope. The daemon read the same
# virtual file, so both families get their copy, as blind copies: the
# header shows the list, not its members, and no family sees the other.
test_list_copies_the_guardians_of_its_students()
{
	local m=$T/m.eml out=$T/reply subj="Reading log list.$$" a f
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: Reading group <grade2-reading@district.example>\nSubject: %s\n\nPlease bring your reading logs.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" grade2-reading@district.example ||
	    return 1
	for a in lou.reader@students.district.example \
	    mo.writer@students.district.example; do
		wait_subject "$a" "$subj" ||
		    fail "Postfix did not deliver the list to its student $a" ||
		    return 1
	done
	for a in sky.reader@families.example dee.writer@families.example; do
		wait_subject "$a" "$subj" ||
		    fail "no guardian copy for $a" || return 1
	done
	f=$(grep -l -x -F "Subject: $subj" \
	    "$(e2e_sink_dir sky.reader@families.example)"/new/*) || return 1
	headers_of "$f"
	[ -z "$(e2e_header "$f" Cc)" ] ||
	    fail "the guardians of a list are shown in Cc: $(e2e_header "$f" Cc)" ||
	    return 1
	e2e_header "$f" X-Guardian-Copied | grep -q '^2 parent/guardian addresses of 2 students added as blind copies' ||
	    fail "no X-Guardian-Copied note for 2 families"
}

# Staff mail to an alias of one elementary student: Postfix delivers it
# to Pat; the daemon copies Pat's parent, in Cc as for mail to Pat.
test_alias_of_a_student_copies_the_guardian()
{
	local m=$T/m.eml out=$T/reply subj="Spelling alias.$$" f
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: Pat <pat.pupil@district.example>\nSubject: %s\n\nPat, the list.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" pat.pupil@district.example ||
	    return 1
	wait_subject pupil@students.district.example "$subj" ||
	    fail "Postfix did not deliver the alias to the student" ||
	    return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "no guardian copy for mail to the student's alias" ||
	    return 1
	f=$(grep -l -x -F "Subject: $subj" \
	    "$(e2e_sink_dir pupil@students.district.example)"/new/*) ||
	    return 1
	[ "$(e2e_header "$f" Cc)" = robin.pupil@families.example ] ||
	    fail "Cc is '$(e2e_header "$f" Cc)', want 'robin.pupil@families.example'" ||
	    return 1
	sleep 0.5
	! grep -qs -x -F "Subject: $subj" \
	    "$(e2e_sink_dir kai.pupil@families.example)"/new/* ||
	    fail "the guardian who opted out of copies got one"
}

# A list of an alias and a list, its results separated by blanks only:
# Postfix reads them as two, and so does the daemon; all three families
# get their copy.
test_list_of_lists_copies_every_family()
{
	local m=$T/m.eml out=$T/reply subj="Assembly lists.$$" a
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: lower-grades@district.example\nSubject: %s\n\nAssembly on Friday.\n' \
	    "$subj" >"$m"
	send_raw 0 "$out" "$E2E_PORT" "" rivera@district.example "$m" \
	    lower-grades@district.example || return 1
	for a in pupil@students.district.example \
	    lou.reader@students.district.example \
	    mo.writer@students.district.example robin.pupil@families.example \
	    sky.reader@families.example dee.writer@families.example; do
		wait_subject "$a" "$subj" ||
		    fail "nothing delivered to $a" || return 1
	done
}

# Aliases nested deeper than the daemon follows (a loop would be too, but
# Postfix defers mail to a loop itself): Postfix would deliver to Pat, so
# the daemon refuses the message as recipients it could not check, and
# nobody gets it.
test_list_nested_too_deep_is_refused()
{
	local m=$T/m.eml out=$T/reply subj="Deep $RANDOM.$$"
	use_config address.xml || return 1
	printf 'From: Ana Rivera <rivera@district.example>\nTo: deep0@district.example\nSubject: %s\n\nHello.\n' \
	    "$subj" >"$m"
	send_raw 5 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" deep0@district.example || return 1
	grep -q '^550 5\.4\.6' "$out" || fail "no 550 5.4.6 reply" ||
	    return 1
	log_wait 'verdict=reject rule=filter:recipients-not-checked' 5 ||
	    fail "no verdict=reject rule=filter:recipients-not-checked in the log" ||
	    return 1
	sleep 0.5
	! grep -rqsF "$subj" "$E2E_SINK" ||
	    fail "the refused message was delivered"
}

# ------------------------------------------- how guardians are shown in Cc

# guardian_copy SUBJECT TO CC - send a teacher's message with these To and
# Cc fields (CC may be empty: no Cc field) to the student, signed in;
# prints the student's delivered copy once the guardian has theirs too
guardian_copy()
{
	local subj=$1 to=$2 cc=$3 m=$T/m.eml out=$T/reply f
	use_config address.xml || return 1
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: %s\n' "$to"
		[ -z "$cc" ] || printf 'Cc: %s\n' "$cc"
		printf 'Subject: %s\n\nPat, the list.\n' "$subj"
	} >"$m"
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" pupil@students.district.example \
	    >&2 || return 1
	wait_subject pupil@students.district.example "$subj" ||
	    fail "the student got nothing" >&2 || return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "the guardian got no copy" >&2 || return 1
	f=$(grep -l -x -F "Subject: $subj" \
	    "$(e2e_sink_dir pupil@students.district.example)"/new/*) ||
	    return 1
	echo "$f"
}

# show_cc FILE - the Cc fields of a delivered copy, for the log
show_cc()
{
	e2e_header "$1" Cc | sed 's/^/    Cc: /'
}

# A Cc field with an unclosed comment: anything appended to it is part of
# the comment, which no mail program shows. The guardian gets a Cc field
# of their own, and the sender's field is delivered as written.
test_cc_unreadable_field_shows_guardian_in_own_cc()
{
	local f cc='(unclosed comment, robin.pupil@families.example'
	f=$(guardian_copy "Spelling list cc.$$" \
	    'Pat <pupil@students.district.example>' "$cc") || return 1
	show_cc "$f"
	e2e_header "$f" Cc | grep -q -x -F 'robin.pupil@families.example' ||
	    fail "no Cc field holding the guardian alone" || return 1
	e2e_header "$f" Cc | grep -q -x -F "$cc" ||
	    fail "the sender's Cc field was changed"
}

# An unquoted display name that is an address is a name, not a
# recipient: "robin.pupil@families.example <pupil@...>" shows only the
# student, so the guardian is still shown in Cc.
test_cc_guardian_as_display_name_is_still_shown()
{
	local f
	f=$(guardian_copy "Spelling list name.$$" \
	    'robin.pupil@families.example <pupil@students.district.example>' \
	    '') || return 1
	show_cc "$f"
	[ "$(e2e_header "$f" Cc)" = robin.pupil@families.example ] ||
	    fail "Cc is '$(e2e_header "$f" Cc)', want 'robin.pupil@families.example'"
}

# A header field of 85 KB, under the 100 KB header limit, and over the
# 64 KiB a milter packet may hold by libmilter's default: the message
# still reaches the rules (the student is copied to the guardian). Postfix
# 3.7 gets such a field through to the filter even with libmilter's
# default; Sendmail does not, which the protocol test covers by sending
# the field itself.
test_header_field_over_64k_reaches_the_rules()
{
	local m=$T/m.eml out=$T/reply subj="Field trip notes.$$" i
	use_config address.xml || return 1
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Pat <pupil@students.district.example>\n'
		printf 'Subject: %s\n' "$subj"
		printf 'X-Notes: start'
		for i in $(seq 1 1700); do
			printf '\n\tline %04d of the notes the form kept for later' \
			    "$i"
		done
		printf '\n\nPat, the notes.\n'
	} >"$m"
	[ "$(wc -c <"$m")" -gt 70000 ] || fail "the field is too small" ||
	    return 1
	send_raw 0 "$out" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$m" pupil@students.district.example ||
	    return 1
	wait_subject pupil@students.district.example "$subj" ||
	    fail "the student got nothing" || return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "the guardian got no copy: the rules did not run"
}

# A roster export cut short (staff and students, no guardians) dropped in
# place: the reload is refused, and the directory served before keeps
# copying the guardian. Without the guard the student's mail went out
# with no copy.
test_roster_cut_short_keeps_the_directory_served()
{
	local m=$T/m.eml out=$T/reply subj="Reading log.$$" users rc=0
	users=$E2E_ETC/roster/users.csv
	use_config address.xml || return 1
	cp "$users" "$T/users.full" &&
	    head -n 3 "$T/users.full" >"$T/users.cut" &&
	    mv "$T/users.cut" "$users" || return 1
	kill -HUP "$(e2e_milter_pid)" || rc=1
	log_wait 'refused as an export cut short' 10 ||
	    fail "the cut roster was not refused" || rc=1
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: Pat <pupil@students.district.example>\n'
		printf 'Subject: %s\n\nPat, your reading log.\n' "$subj"
	} >"$m"
	[ "$rc" = 0 ] && send_raw 0 "$out" "$E2E_SUBMIT_PORT" \
	    rivera@district.example:secret rivera@district.example "$m" \
	    pupil@students.district.example || rc=1
	cp "$T/users.full" "$users" && use_config address.xml || rc=1
	[ "$rc" = 0 ] || return 1
	wait_subject pupil@students.district.example "$subj" ||
	    fail "the student got nothing" || return 1
	wait_subject robin.pupil@families.example "$subj" ||
	    fail "the guardian got no copy: the cut roster was served"
}

# ------------------------------------------------- message content (MIME)

# wait_marker ADDRESS TEXT - wait until a message holding TEXT is
# delivered to ADDRESS
wait_marker()
{
	local dir i
	dir=$(e2e_sink_dir "$1")/new
	for i in $(seq 1 100); do
		grep -qsF "$2" "$dir"/* && return 0
		sleep 0.1
	done
	return 1
}

# content_send STATUS OUT FILE RCPT - FILE from rivera, signed in, on the
# submission port, under the shipped policy
content_send()
{
	use_config address.xml || return 1
	send_raw "$1" "$2" "$E2E_SUBMIT_PORT" rivera@district.example:secret \
	    rivera@district.example "$3" "$4"
}

# refused_by RULE OUT MARKER - the reply cites RULE and nothing holding
# MARKER was delivered
refused_by()
{
	grep -q "Rule $1;" "$2" || fail "not refused by rule $1" || return 1
	sleep 1
	! grep -rqsF "$3" "$E2E_SINK" ||
	    fail "the refused message was delivered"
}

# Grades written in a base64 body (the subject says nothing): the
# records rule reads the decoded text and refuses it for a personal
# account.
test_content_base64_grades_to_personal_account_are_refused()
{
	local m=$T/m.eml out=$T/reply marker="Term news $RANDOM$$"
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <sam.family@gmail.example>\nSubject: %s\n' "$marker"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		printf "Here are Sam's grades for the term: Math A-, Reading B+.\n" |
		    base64
	} >"$m"
	content_send 5 "$out" "$m" sam.family@gmail.example || return 1
	refused_by student-records-to-personal-account "$out" "$marker"
}

# class_list_csv FILE RCPT MARKER - a message with the e2e roster's
# thirty third-graders (tests/e2e/config/roster, s101-s130) as a CSV
# attachment; the columns name no record, only who is in which group
class_list_csv()
{
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <%s>\nSubject: %s\n' "$2" "$3"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
		printf -- '--b1\nContent-Type: text/plain\n\n'
		printf 'Here is the reading group list.\n\n'
		printf -- '--b1\nContent-Type: text/csv; name="groups.csv"\n'
		printf 'Content-Disposition: attachment; filename="groups.csv"\n\n'
		printf 'family,given,number,group\n'
		awk -F, '$6 == "student" && $1 ~ /^s1[0-9][0-9]$/ {
		    printf "%s,%s,%s,%s\n", $10, $9, $12, NR % 3 + 1 }' \
		    "$E2E_SRCDIR/config/roster/users.csv"
		printf -- '--b1--\n'
	} >"$1"
}

# A class list (thirty students of the roster in a CSV attachment) to a
# personal account: refused, whatever the subject says.
test_content_class_list_csv_to_personal_account_is_refused()
{
	local m=$T/m.eml out=$T/reply marker="Groups $RANDOM$$"
	class_list_csv "$m" sam.family@gmail.example "$marker"
	content_send 5 "$out" "$m" sam.family@gmail.example || return 1
	refused_by class-list-outside-district "$out" "$marker"
}

# The same list to a colleague's district address is district business.
test_content_class_list_csv_to_district_address_passes()
{
	local m=$T/m.eml out=$T/reply marker="Groups $RANDOM$$"
	class_list_csv "$m" colleague@district.example "$marker"
	content_send 0 "$out" "$m" colleague@district.example || return 1
	wait_marker colleague@district.example "$marker" ||
	    fail "the list to the district address was not delivered"
}

# grades_of FILE RCPT MARKER - Pat Pupil's grades in the body
grades_of()
{
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <%s>\nSubject: %s\n' "$2" "$3"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n'
		printf 'Dear family,\n\nPat Pupil has these grades this term: '
		printf 'Reading B+, Math A-.\n'
	} >"$1"
}

# A student's grades to that student's own guardian: delivered.
test_content_grades_to_the_students_own_guardian_pass()
{
	local m=$T/m.eml out=$T/reply marker="Term $RANDOM$$"
	grades_of "$m" robin.pupil@families.example "$marker"
	content_send 0 "$out" "$m" robin.pupil@families.example || return 1
	wait_marker robin.pupil@families.example "$marker" ||
	    fail "the guardian did not get their own child's grades"
}

# The same grades to the guardian of another student: one family's
# data to another, refused.
test_content_grades_to_another_family_are_refused()
{
	local m=$T/m.eml out=$T/reply marker="Term $RANDOM$$"
	grades_of "$m" sky.reader@families.example "$marker"
	content_send 5 "$out" "$m" sky.reader@families.example || return 1
	refused_by student-records-not-entitled "$out" "$marker"
}

# A base64 XLSX spreadsheet with the thirty students' names (built here
# with Python's zipfile: shared strings, one sheet) to a personal
# account: refused.
test_content_base64_xlsx_class_list_to_personal_account_is_refused()
{
	local m=$T/m.eml out=$T/reply marker="Seating $RANDOM$$" x=$T/s.xlsx
	e2e_python - "$E2E_SRCDIR/config/roster/users.csv" "$x" <<'PY' ||
import csv, sys, zipfile
rows = [r for r in csv.DictReader(open(sys.argv[1]))
        if r["role"] == "student" and r["sourcedId"].startswith("s1")]
strings, index = [], {}
def si(s):
    if s not in index:
        index[s] = len(strings)
        strings.append(s)
    return index[s]
cells = [[si("Family"), si("Given"), si("Seat")]]
cells += [[si(r["familyName"]), si(r["givenName"]), si(str(i + 1))]
          for i, r in enumerate(rows)]
col = "ABC"
sheet = "".join('<row r="%d">%s</row>' % (i + 1, "".join(
    '<c r="%s%d" t="s"><v>%d</v></c>' % (col[k], i + 1, v)
    for k, v in enumerate(row))) for i, row in enumerate(cells))
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="xml" '
        'ContentType="application/xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="r1" Type="%s/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>' % rel)
    z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook %s '
        'xmlns:r="%s"><sheets><sheet name="Seats" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>' % (ns, rel))
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>' % rel)
    z.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst %s>%s'
        '</sst>' % (ns, "".join("<si><t>%s</t></si>" % s for s in strings)))
    z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?>'
        '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, sheet))
PY
	    fail "cannot build the spreadsheet" || return 1
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <sam.family@gmail.example>\nSubject: %s\n' "$marker"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
		printf -- '--b1\nContent-Type: text/plain\n\nThe seating plan.\n\n'
		printf -- '--b1\nContent-Type: application/octet-stream; name="plan.xlsx"\n'
		printf 'Content-Disposition: attachment; filename="plan.xlsx"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 "$x"
		printf -- '--b1--\n'
	} >"$m"
	content_send 5 "$out" "$m" sam.family@gmail.example || return 1
	refused_by class-list-outside-district "$out" "$marker"
}

# An attachment the filter cannot decode, to a family: the content rules
# could not read what it carries (another family's grades, say), so it
# is held for a reviewer, never delivered unread.
test_content_unreadable_attachment_to_another_family_is_held()
{
	local m=$T/m.eml out=$T/reply marker="Worksheet $RANDOM$$"
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <sky.reader@families.example>\nSubject: %s\n' "$marker"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
		printf -- '--b1\nContent-Type: text/plain\n\nThe worksheet.\n\n'
		printf -- '--b1\nContent-Type: text/csv; name="list.csv"\n'
		printf 'Content-Disposition: attachment; filename="list.csv"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		printf 'UGF0!!*** not base64 at all ***\n'
		printf -- '--b1--\n'
	} >"$m"
	content_send 0 "$out" "$m" sky.reader@families.example || return 1
	log_wait 'verdict=quarantine rule=uninspected-content-outside-district' ||
	    fail "not held by rule uninspected-content-outside-district" ||
	    return 1
	sleep 1
	! grep -rqsF "$marker" "$E2E_SINK" ||
	    fail "the unread message was delivered"
}

# encoded_subject FILE RCPT MARKER - "Report card for Sam" as an RFC 2047
# encoded subject, MARKER in the body
encoded_subject()
{
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <%s>\n' "$2"
		printf 'Subject: =?UTF-8?B?%s?=\n' \
		    "$(printf 'Report card for Sam' | base64)"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n'
		printf 'Dear family,\n\n%s\n' "$3"
	} >"$1"
}

test_content_encoded_report_card_subject_to_personal_account_is_refused()
{
	local m=$T/m.eml out=$T/reply marker="See you soon $RANDOM$$"
	encoded_subject "$m" sam.family@gmail.example "$marker"
	content_send 5 "$out" "$m" sam.family@gmail.example || return 1
	refused_by student-records-to-personal-account "$out" "$marker"
}

# The same message to a district address is district business: it is
# delivered (and its body, which no rule that may match reads, is not
# stored).
test_content_encoded_report_card_subject_to_district_address_passes()
{
	local m=$T/m.eml out=$T/reply marker="See you soon $RANDOM$$"
	encoded_subject "$m" colleague@district.example "$marker"
	content_send 0 "$out" "$m" colleague@district.example || return 1
	wait_marker colleague@district.example "$marker" ||
	    fail "the message to the district address was not delivered"
}

# A text part whose base64 the filter cannot decode, to a personal
# account: refused with a reply that says what to do, never passed
# unread.
test_content_unreadable_base64_to_personal_account_is_refused()
{
	local m=$T/m.eml out=$T/reply marker="Lunch menu $RANDOM$$"
	{
		printf 'From: Ana Rivera <rivera@district.example>\n'
		printf 'To: <sam.family@gmail.example>\nSubject: %s\n' "$marker"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		printf 'R3JhZGVz!!*** not base64 at all ***\n'
	} >"$m"
	content_send 5 "$out" "$m" sam.family@gmail.example || return 1
	# smtplib keeps each line's status code: drop them all
	tr '\n' ' ' <"$out" | sed -E 's/[245]\.[0-9]+\.[0-9]+ //g' |
	    tr -s ' ' | grep -q 'could not read all of its content' ||
	    fail "the reply does not say the content could not be read" ||
	    return 1
	refused_by uninspected-content-to-personal-account "$out" "$marker"
}

# ------------------------------------------------ quarantine (issue 9)

# gctl ARGS... - guardianctl against the served configuration
gctl()
{
	"$E2E_BUILD/guardianctl" -c "$E2E_ETC/guardian-milter.xml" "$@"
}

# quarantine_send SUBJECT RCPT FILE - send a message the rule holds;
# print its quarantine id (from the milter log)
quarantine_send()
{
	local subject=$1 rcpt=$2 m=$3 out=$T/qreply id i
	msg "$m" "$subject"
	send_expect 0 "$out" --to "$rcpt" "$m" >/dev/null || return 1
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
	fail "no quarantine line in the milter log"
}

# A held message is answered 250, never delivered, kept in the store,
# and its sender gets a notice that names the guideline and the id.
test_quarantine_holds_the_message_and_tells_the_sender()
{
	local m=$T/q1.eml id f n t0 t1 ms=""
	use_config quarantine.xml || return 1
	id=$(quarantine_send "Grades for the term" family.q1@gmail.example "$m") ||
	    return 1
	echo "    held as $id"
	f=$(e2e_sink_wait teacher@district.example 10) ||
	    fail "no notice reached the sender" || return 1
	[ "$(e2e_header "$f" Auto-Submitted)" = auto-generated ] ||
	    fail "the notice is not marked Auto-Submitted: auto-generated" ||
	    return 1
	[ "$(e2e_header "$f" Subject)" = "Your message was held for review (quarantine $id)" ] ||
	    fail "notice subject: $(e2e_header "$f" Subject)" || return 1
	grep -qF "Student Records (Policy 4150)" "$f" &&
	    grep -qF "Grades are shared through the parent portal" "$f" ||
	    fail "the notice lacks the guideline or the guidance" || return 1
	# (pipe(8) shows the null sender as MAILER-DAEMON)
	grep -Eq '^Return-Path: <(MAILER-DAEMON)?>$' "$f" ||
	    fail "the notice's envelope sender is not null" || return 1
	[ "$(e2e_header "$f" From)" = "District mail policy <compliance@district.example>" ] ||
	    fail "notice From: $(e2e_header "$f" From)" || return 1
	[ ! -e "$(e2e_sink_dir family.q1@gmail.example)" ] ||
	    fail "the held message was delivered" || return 1
	# the compliance mailbox is alerted, without the message's content
	wait_subject compliance@district.example "A message was held for review (quarantine $id)" ||
	    fail "no alert reached the compliance mailbox" || return 1
	grep -lF "Review it with: guardianctl quarantine show $id" \
	    "$(e2e_sink_dir compliance@district.example)"/new/* >/dev/null ||
	    fail "the alert does not say how to review $id" || return 1
	! grep -qsF "A short note from school" \
	    "$(e2e_sink_dir compliance@district.example)"/new/* ||
	    fail "the alert carries the message's content" || return 1
	gctl quarantine list | grep -E "^$id .* held .*hold-grades" ||
	    fail "list does not show $id held" || return 1
	gctl quarantine list --json --sender teacher@ | grep -qF "\"id\":\"$id\"" ||
	    fail "list --json --sender does not show $id" || return 1
	gctl quarantine show "$id" >"$T/show" || fail "show failed" ||
	    return 1
	grep -qx 'recipient: <family.q1@gmail.example>' "$T/show" &&
	    grep -qx 'rule: hold-grades' "$T/show" &&
	    grep -qx '  hold-grades \[enforce\]: quarantine' "$T/show" &&
	    grep -qF 'A short note from school.' "$T/show" ||
	    fail "show lacks the envelope, rule or text" || return 1
	# p50 of a quarantine through Postfix: SMTP DATA to 250
	for n in $(seq 1 20); do
		msg "$T/p.eml" "Grades timing $n"
		t0=$(date +%s%N)
		e2e_send --to family.timing@gmail.example "$T/p.eml" >/dev/null ||
		    fail "timing message $n not accepted" || return 1
		t1=$(date +%s%N)
		ms="$ms $(((t1 - t0) / 1000000))"
	done
	echo "    quarantine through Postfix, ms:$ms"
	echo "    p50: $(printf '%s\n' $ms | sort -n | sed -n 10p) ms"
	echo "    durable store in the daemon, p50: $(sed -n 's/.*store_ms=\([0-9.]*\).*/\1/p' \
	    "$E2E_MILTER_LOG" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms"
	# the same, accepted, for comparison
	ms=""
	for n in $(seq 1 20); do
		msg "$T/p.eml" "Timing $n"
		t0=$(date +%s%N)
		e2e_send --to family.timing@gmail.example "$T/p.eml" >/dev/null ||
		    fail "timing message $n not accepted" || return 1
		t1=$(date +%s%N)
		ms="$ms $(((t1 - t0) / 1000000))"
	done
	echo "    accepted through Postfix, ms:$ms"
	echo "    p50: $(printf '%s\n' $ms | sort -n | sed -n 10p) ms"
}

# A release delivers the held bytes to the original recipients, once;
# the second is refused; both are in the audit log.
test_quarantine_release_delivers_the_original_bytes_once()
{
	local m=$T/q2.eml id f
	use_config quarantine.xml || return 1
	id=$(quarantine_send "Grades for the spring term" family.q2@gmail.example "$m") ||
	    return 1
	gctl quarantine release "$id" >"$T/rel" 2>&1 &&
	    fail "a release without --reason was accepted" || true
	grep -qF 'needs --reason' "$T/rel" || fail "$(cat "$T/rel")" || return 1
	gctl quarantine release "$id" --reason "parent portal down; approved" ||
	    fail "release failed" || return 1
	f=$(e2e_sink_wait family.q2@gmail.example 10) ||
	    fail "the released message was not delivered" || return 1
	echo "    delivered: $f"
	e2e_python - "$m" "$f" <<'PY' || fail "the delivered copy differs from the message sent" || return 1
import sys
sent = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
got = open(sys.argv[2], "rb").read().replace(b"\r\n", b"\n")
sh, _, sb = sent.partition(b"\n\n")
gh, _, gb = got.partition(b"\n\n")
if sb != gb:
    print("    body differs:", repr(sb), repr(gb)); sys.exit(1)
lines = gh.split(b"\n")
for l in sh.split(b"\n"):
    if lines.count(l) != 1:
        print("    header line not there once:", l); sys.exit(1)
PY
	if gctl quarantine release "$id" --reason again >"$T/rel2" 2>&1; then
		fail "a second release was accepted"
		return 1
	fi
	grep -qF "was released or deleted already" "$T/rel2" ||
	    fail "second release: $(cat "$T/rel2")" || return 1
	sleep 1
	[ "$(ls "$(e2e_sink_dir family.q2@gmail.example)/new" | wc -l)" = 1 ] ||
	    fail "the message was delivered twice" || return 1
	gctl quarantine audit >"$T/audit" || return 1
	grep -E "user=root action=release id=$id reason=\"parent portal down; approved\"" "$T/audit" &&
	    grep -E "action=release-refused id=$id" "$T/audit" ||
	    fail "the audit log lacks the release: $(cat "$T/audit")"
}

# With non_smtpd_milters naming the filter (as guardian-milter(8)
# recommends), the released message comes back through it: its release
# pass lets it through, once; the same message sent again is held.
test_quarantine_release_through_a_filtered_pickup_passes_once()
{
	local m=$T/q5.eml id id2 f rc=0
	use_config quarantine.xml || return 1
	postconf -c "$E2E_ETC" -e "non_smtpd_milters = $E2E_SOCKET" &&
	    postfix -c "$E2E_ETC" reload >/dev/null 2>&1 ||
	    fail "cannot set non_smtpd_milters" || return 1
	sleep 1
	id=$(quarantine_send "Grades through pickup" family.q5@gmail.example "$m") ||
	    rc=1
	[ $rc = 1 ] || gctl quarantine release "$id" --reason "approved" ||
	    fail "release failed" || rc=1
	if [ $rc = 0 ]; then
		f=$(e2e_sink_wait family.q5@gmail.example 10) ||
		    fail "the released message was held again, not delivered" ||
		    rc=1
	fi
	[ $rc = 1 ] || log_wait "quarantine=$id released by a reviewer: delivered unchanged" 5 ||
	    fail "no 'released by a reviewer' line in the milter log" || rc=1
	# the pass is spent: the same message sent again is held again
	if [ $rc = 0 ]; then
		send_expect 0 "$T/q5again" --to family.q5@gmail.example "$m" ||
		    rc=1
		sleep 1
		[ "$(ls "$(e2e_sink_dir family.q5@gmail.example)/new" | wc -l)" = 1 ] ||
		    fail "the message sent again was delivered" || rc=1
	fi
	postconf -c "$E2E_ETC" -e "non_smtpd_milters =" &&
	    postfix -c "$E2E_ETC" reload >/dev/null 2>&1
	sleep 1
	return $rc
}

# delete removes the held message; show then fails; audit has it
test_quarantine_delete_removes_the_message()
{
	local m=$T/q3.eml id
	use_config quarantine.xml || return 1
	id=$(quarantine_send "Grades to delete" family.q3@gmail.example "$m") ||
	    return 1
	gctl quarantine show ../../etc/passwd >"$T/bad" 2>&1 &&
	    fail "a path as id was accepted" || true
	grep -qF "invalid quarantine id" "$T/bad" || fail "$(cat "$T/bad")" ||
	    return 1
	# a user outside root and the reviewer group is refused, and told so
	if runuser -u "$E2E_SINK_USER" -- "$E2E_BUILD/guardianctl" \
	    -c "$E2E_ETC/guardian-milter.xml" quarantine delete "$id" \
	    --reason x >"$T/nobody" 2>&1; then
		fail "$E2E_SINK_USER could delete a held message"
		return 1
	fi
	grep -qF "only root and the reviewer group (none is set) may review held mail; $E2E_SINK_USER is not in it" "$T/nobody" ||
	    fail "refusal: $(cat "$T/nobody")" || return 1
	gctl quarantine delete "$id" --reason "contains report cards" ||
	    fail "delete failed" || return 1
	[ ! -e "$E2E_RUN/spool/quarantine/$id" ] ||
	    fail "the held file is still there" || return 1
	gctl quarantine show "$id" >/dev/null 2>&1 &&
	    fail "show still finds a deleted message" || true
	gctl quarantine release "$id" --reason x >/dev/null 2>&1 &&
	    fail "a deleted message was released" || true
	gctl quarantine list --status deleted | grep -q "^$id " ||
	    fail "list --status deleted does not show it" || return 1
	gctl quarantine audit | grep -qE "user=root action=delete id=$id reason=\"contains report cards\"" ||
	    fail "the audit log lacks the delete"
}

# A store on a full file system (a 256 KB tmpfs), or one that went
# away, answers 4xx: the message stays with the sending side.
test_quarantine_store_failure_answers_tempfail()
{
	local m=$T/q4.eml out=$T/q4reply mnt=$E2E_RUN/tiny rc=0
	mkdir -p "$mnt" && chmod 750 "$mnt"
	if mount -t tmpfs -o size=256k,mode=0750 tmpfs "$mnt" 2>/dev/null; then
		echo "    a 256 KB tmpfs at $mnt"
		E2E_QDIR=$mnt/q use_config quarantine.xml || rc=1
		# fill it
		[ $rc = 1 ] || head -c 300000 /dev/zero >"$mnt/fill" 2>/dev/null
	else
		echo "    no tmpfs (not permitted): the store goes away instead"
		E2E_QDIR=$mnt/q use_config quarantine.xml || rc=1
		[ $rc = 1 ] || rm -rf "$mnt/q"
	fi
	if [ $rc = 0 ]; then
		msg "$m" "Grades for a full disk"
		awk 'BEGIN { for (i = 0; i < 2000; i++) print "line of a large report " i }' >>"$m"
		send_expect 4 "$out" --to family.q4@gmail.example "$m" || rc=1
	fi
	if [ $rc = 0 ]; then
		grep -q '^451[- ]4\.3\.0 ' "$out" || fail "no 451 4.3.0 reply" ||
		    rc=1
		log_wait "quarantine failed: .*(No space left on device|No such file)" 5 ||
		    fail "no 'quarantine failed' line in the milter log" || rc=1
		[ ! -e "$(e2e_sink_dir family.q4@gmail.example)" ] ||
		    fail "the message was delivered" || rc=1
	fi
	use_config quarantine.xml
	umount "$mnt" 2>/dev/null
	return $rc
}

# Hold mode: stored, and on Postfix's hold queue; guardianctl release
# names the postsuper command that delivers it, which does.
test_quarantine_hold_mode_uses_the_postfix_hold_queue()
{
	local m=$T/h.eml id qid out=$T/hold
	[ -n "$(e2e_milter_pid)" ] && kill -0 "$(e2e_milter_pid)" 2>/dev/null ||
	    {
		install_config quarantine-hold.xml &&
		    e2e_milter_start "$E2E_ETC/guardian-milter.xml"
	    } || return 1
	use_config quarantine-hold.xml || return 1
	id=$(quarantine_send "Grades on hold" family.hold@gmail.example "$m") ||
	    return 1
	sleep 0.5
	qid=$(gctl quarantine show "$id" | sed -n 's/^queue id: //p')
	echo "    held as $id, Postfix queue id $qid"
	postqueue -c "$E2E_ETC" -p | grep -E "^$qid!" ||
	    fail "$qid is not on Postfix's hold queue" || return 1
	[ ! -e "$(e2e_sink_dir family.hold@gmail.example)" ] ||
	    fail "the held message was delivered" || return 1
	gctl quarantine release "$id" --reason "approved" >"$out" ||
	    fail "release failed" || return 1
	grep -qx "  postsuper -H $qid" "$out" ||
	    fail "release does not name postsuper -H $qid: $(cat "$out")" ||
	    return 1
	postsuper -c "$E2E_ETC" -H "$qid" 2>&1 &&
	    postqueue -c "$E2E_ETC" -f
	e2e_sink_wait family.hold@gmail.example 10 >/dev/null ||
	    fail "postsuper -H did not deliver it"
}

# Issue 9: kill -9 of the daemon while 20 messages are being held loses
# none: each message answered 250 is in the store, the others were
# answered 4xx (the sending side keeps and retries them).
test_quarantine_kill_9_during_20_holds_loses_none()
{
	local n pid rc ok=0 soft=0 held
	install_config quarantine.xml || return 1
	if [ -z "$(e2e_milter_pid)" ] || ! kill -0 "$(e2e_milter_pid)" 2>/dev/null; then
		e2e_milter_start "$E2E_ETC/guardian-milter.xml" || return 1
	else
		use_config quarantine.xml || return 1
	fi
	pid=$E2E_MILTER_PID
	for n in $(seq 1 20); do
		msg "$T/k$n.eml" "Grades kill $n"
		awk 'BEGIN { for (i = 0; i < 3000; i++) print "a line of the report " i }' >>"$T/k$n.eml"
		(e2e_send --to family.kill@gmail.example "$T/k$n.eml" \
		    >"$T/k$n.out" 2>&1; echo $? >"$T/k$n.rc") &
	done
	sleep 0.3
	# the supervisor and its worker: the session e2e_milter_start made
	kill -KILL -- "-$pid" 2>/dev/null
	wait
	E2E_MILTER_PID=
	for n in $(seq 1 20); do
		rc=$(cat "$T/k$n.rc")
		case $rc in
		0)
			ok=$((ok + 1))
			grep -lsF "subject: Grades kill $n" \
			    "$E2E_RUN/spool/quarantine/"[0-9a-f]* >/dev/null ||
			    fail "message $n was answered 250 but is not held" ||
			    return 1
			;;
		4) soft=$((soft + 1)) ;;
		*) fail "message $n: send status $rc"; return 1 ;;
		esac
	done
	held=$(grep -lsE "subject: Grades kill [0-9]+$" \
	    "$E2E_RUN/spool/quarantine/"[0-9a-f]* | wc -l)
	echo "    $ok held and answered 250, $soft answered 4xx, $held files"
	[ ! -e "$(e2e_sink_dir family.kill@gmail.example)" ] ||
	    fail "a message was delivered"
}

# ------------------------------------------------------------------- main

ntests=$(echo $TESTS | wc -w)

if [ "$(id -u)" != 0 ]; then
	echo "e2e: the private Postfix needs root; skipping"
	skipped=$ntests
	summary
	exit 0
fi

E2E_RUNDIR=$(e2e_rundir "$BUILDDIR/tests/e2e/run") || exit 1
T=$E2E_RUNDIR/tmp

setup()
{
	local tool
	for tool in postfix python3; do
		command -v $tool >/dev/null 2>&1 ||
		    [ -x /usr/sbin/$tool ] || {
			echo "e2e: $tool not found (run script/bootstrap)"
			return 1
		}
	done
	export PATH=$PATH:/usr/sbin:/sbin
	e2e_init "$E2E_RUNDIR" "$BUILDDIR" || return 1
	mkdir -p "$T" "$E2E_RUN/spool" || return 1
	cp "$E2E_SRCDIR/config/rules.xml" "$E2E_ETC/rules.xml" || return 1
	cp -r "$E2E_SRCDIR/config/roster" "$E2E_ETC/roster" || return 1
	# the lists: Postfix's virtual_alias_maps and the daemon's
	# <virtual-aliases> are this one file
	cp "$E2E_SRCDIR/config/virtual" "$E2E_ETC/virtual" &&
	    e2e_virtual "$E2E_ETC/virtual" || return 1
	# the schema beside the main file is the one the daemon uses
	cp "$TOP_SRCDIR/rules/guardian-milter.rng" "$E2E_ETC/" || return 1
	install_config guardian-milter.xml || return 1
	e2e_add_login rivera@district.example secret || return 1
	if ! "$E2E_MILTER" -n -c "$E2E_ETC/guardian-milter.xml" \
	    >"$T/check.log" 2>&1; then
		echo "e2e: guardian-milter -n rejects the test configuration:"
		cat "$T/check.log"
		return 1
	fi
	echo "== starting guardian-milter ($E2E_SOCKET)"
	e2e_milter_start "$E2E_ETC/guardian-milter.xml" || return 1
	echo "== starting Postfix on 127.0.0.1:$E2E_PORT ($E2E_RUN)"
	e2e_postfix_start || return 1
}

cleanup()
{
	e2e_stop_all 2>&1
	if [ "${E2E_KEEP:-0}" = 0 ] && [ "$failed" = 0 ]; then
		rm -rf "$E2E_RUNDIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
if ! setup; then
	echo "e2e: set-up failed; counting every test as failed"
	failed=$ntests
	cleanup
	summary
	exit 1
fi

for t in $TESTS; do
	log=$T/$t.log
	if "test_$t" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $t"
		[ "${E2E_VERBOSE:-0}" = 0 ] || sed 's/^/     /' "$log"
	else
		failed=$((failed + 1))
		echo "FAIL $t"
		sed 's/^/     /' "$log"
		echo "     --- milter log (last 15 lines)"
		tail -n 15 "$E2E_MILTER_LOG" | sed 's/^/     /'
		echo "     --- postfix log (last 10 lines)"
		tail -n 10 "$E2E_POSTFIX_LOG" 2>/dev/null | sed 's/^/     /'
	fi
done
cleanup
echo "(e2e took $(($(date +%s) - started))s; run directory $E2E_RUNDIR)"
summary
[ "$failed" = 0 ]
