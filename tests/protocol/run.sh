#!/bin/sh
# run.sh - protocol tests: the built guardian-milter driven by Debian's
# miltertest (and, for what miltertest cannot send, rawclient.pl)
#
#   tests/protocol/run.sh BUILDDIR
#
# Starts BUILDDIR/guardian-milter -f on a UNIX socket in a private
# directory with tests/protocol/config.xml, runs every NN-*.lua, sends a
# huge header field, reloads with a broken configuration (the old rules
# must keep serving and the log must give file:line) and then with a good
# one, lets a changed roster file reload the directory alone, sends
# SIGHUP to the worker and to both processes, restarts the worker (a
# broken configuration then serves no policy: tempfail), stops with 20
# messages in flight (each must end with an answer), stops a daemon that
# idled past its stop timeout with a message in flight, kills a supervisor
# during start-up (the starter must not hang), checks the command line's
# errors, the daemon mode and, as root, that the files are read as the
# -u user, and stops everything it started. The last line is "protocol: N passed, N failed";
# the exit status is non-zero if anything failed. With GM_PROTOCOL_KEEP
# set, the private directory (configuration, log) is kept for a look.

set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILDDIR" >&2
	exit 64
fi
builddir=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
daemon=$builddir/guardian-milter
GUARDIAN_MILTER_SCHEMA=$srcdir/rules/guardian-milter.rng
export GUARDIAN_MILTER_SCHEMA

passed=0
failed=0
dpid=
idlepid=
tmp=

pass() {
	passed=$((passed + 1))
	echo "PASS: $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
}

finish() {
	if [ "$failed" -ne 0 ] && [ -n "$tmp" ] && [ -s "$tmp/daemon.log" ]; then
		echo "daemon log (last 40 lines):"
		tail -n 40 "$tmp/daemon.log" | sed 's/^/    /'
	fi
	[ -n "$tmp" ] && [ -n "${GM_PROTOCOL_KEEP:-}" ] && echo "kept $tmp"
	echo "protocol: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

cleanup() {
	if [ -n "${idlepid:-}" ] && kill -0 "$idlepid" 2>/dev/null; then
		kill -TERM "$idlepid" 2>/dev/null
		wait "$idlepid" 2>/dev/null
	fi
	if [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null; then
		kill -TERM "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
	fi
	if [ -n "$tmp" ] && [ -f "$tmp/daemon.pid" ]; then
		p=$(cat "$tmp/daemon.pid")
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	fi
	if [ -n "$tmp" ] && [ -z "${GM_PROTOCOL_KEEP:-}" ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! command -v miltertest >/dev/null 2>&1; then
	fail "miltertest not found: install the Debian package miltertest"
	finish
fi
if [ ! -x "$daemon" ]; then
	fail "$daemon not built"
	finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gm-protocol-XXXXXX") || exit 1
mkdir "$tmp/spool"
conf=$tmp/guardian-milter.xml
sock=$tmp/milter.sock
log=$tmp/daemon.log

# install_conf - put tests/protocol/$1 in place as the configuration,
# with <on-error> $2 where the file has @ONERROR@
install_conf() {
	sed -e "s#@SPOOL@#$tmp/spool#" -e "s#@ONERROR@#${2:-tempfail}#" \
	    "$here/$1" > "$conf.new" && mv "$conf.new" "$conf"
}

# reload - install $1 (on-error $2), SIGHUP, wait for generation $3
reload() {
	install_conf "$1" "${2:-}"
	kill -HUP "$dpid"
	if wait_for "grep -q 'reloaded configuration, generation $3,' \"\$log\"" 100; then
		pass "reload to $1 ${2:-}"
	else
		fail "reload to $1 ${2:-} did not happen"
	fi
}

# wait_for - until the shell condition $1 holds, at most $2 tenths of s
wait_for() {
	i=0
	while [ "$i" -lt "$2" ]; do
		eval "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# lua - run one miltertest script (more -D definitions may follow)
lua() {
	script=$1
	shift
	name=${script#"$here"/}
	if miltertest -D socket="unix:$sock" -D lib="$here/lib.lua" "$@" \
	    -s "$script" > "$tmp/out" 2>&1; then
		pass "$name $*"
	else
		fail "$name"
		sed 's/^/    /' "$tmp/out"
	fi
}

# log_has - the daemon's log has a line matching the extended regex $2
log_has() {
	if grep -Eq -- "$2" "$log"; then
		pass "$1"
	else
		fail "$1 (no line matching: $2)"
	fi
}

# --- the command line ---------------------------------------------------

install_conf config.xml
"$daemon" -n -c "$conf" > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/out" ]; then
	pass "-n on a good configuration: exit 0, silent"
else
	fail "-n on a good configuration: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

sed "s#@SPOOL@#$tmp/spool#" "$here/broken.xml" > "$tmp/broken.xml"
"$daemon" -n -c "$tmp/broken.xml" > "$tmp/out" 2>&1
rc=$?
want="$tmp/broken.xml:9: invalid regex \"grades(\" in <header>: missing closing parenthesis at offset 7"
if [ $rc -eq 78 ] && grep -qxF "$want" "$tmp/out"; then
	pass "-n on a broken configuration: exit 78 with file:line"
else
	fail "-n on a broken configuration: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

# check_socket - -p $1 must fail with exit 64 and exactly the message $2
check_socket() {
	"$daemon" -f -c "$conf" -p "$1" > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 64 ] &&
	    [ "$(cat "$tmp/out")" = "guardian-milter: -p: invalid socket \"$1\": $2" ]; then
		pass "-p $1: exit 64 with a clear message"
	else
		fail "-p $1: exit $rc"
		sed 's/^/    /' "$tmp/out"
	fi
}
port="the port must be a number from 1 to 65535 (inet:PORT@HOST)"
check_socket "inet:99999@127.0.0.1" "$port"
check_socket "inet:0@127.0.0.1" "$port"
check_socket "inet6:port@::1" "$port"
check_socket "inet:@127.0.0.1" "$port"
check_socket "unix:relative/path" "the path must be absolute (unix:/path)"
check_socket "local:" "the path must be absolute (unix:/path)"
check_socket "tcp:25" \
    "expected unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST"
check_socket "/run/milter.sock" \
    "expected unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST"
check_socket "inet:25@bad host" "\"bad host\" is not a host name or address"
check_socket "inet:25@" "\"\" is not a host name or address"
long=/$(printf '%0120d' 0)
check_socket "unix:$long" "the path is longer than 107 bytes"

sed "s#<spool-dir>#<socket>inet:70000@127.0.0.1</socket><spool-dir>#" \
    "$conf" > "$tmp/badsock.xml"
"$daemon" -f -c "$tmp/badsock.xml" > "$tmp/out" 2>&1
rc=$?
line=$(grep -n '<socket>inet:70000' "$tmp/badsock.xml" | cut -d: -f1)
if [ $rc -eq 78 ] && [ "$(cat "$tmp/out")" = "$tmp/badsock.xml:$line: invalid socket \"inet:70000@127.0.0.1\": $port" ]; then
	pass "<socket> with a bad port: exit 78 naming the file and line"
else
	fail "<socket> with a bad port: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

"$daemon" -f -c "$conf" > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 78 ] && [ "$(cat "$tmp/out")" = "guardian-milter: no socket: give -p SOCKET or <socket> in $conf" ]; then
	pass "no socket anywhere: exit 78"
else
	fail "no socket anywhere: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

"$daemon" -f -c "$conf" -p "unix:$sock" -u no-such-user-gm > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 67 ] && [ "$(cat "$tmp/out")" = 'guardian-milter: -u no-such-user-gm: unknown user "no-such-user-gm"' ]; then
	pass "-u with an unknown user: exit 67"
else
	fail "-u with an unknown user: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

"$daemon" -f -c "$conf" -p "unix:$sock" -u nobody:no-such-group-gm > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 67 ] && [ "$(cat "$tmp/out")" = 'guardian-milter: -u nobody:no-such-group-gm: unknown group "no-such-group-gm"' ]; then
	pass "-u with an unknown group: exit 67"
else
	fail "-u with an unknown group: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

"$daemon" -x > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 64 ] && grep -q '^usage: guardian-milter \[-fnV\]' "$tmp/out"; then
	pass "an unknown option: exit 64 with the usage"
else
	fail "an unknown option: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi
"$daemon" -h > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: guardian-milter' "$tmp/out"; then
	pass "-h: exit 0 with the usage"
else
	fail "-h: exit $rc"
fi
"$daemon" -V > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -Eq '^guardian-milter [0-9.]+ \(libmilter [0-9.]+\)$' "$tmp/out"; then
	pass "-V: exit 0 with the version"
else
	fail "-V: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

# --- a daemon that idles longer than its stop timeout --------------------

# started now and stopped at the end, after more than the supervisor's
# stop timeout (drain + kill margin, 30 s) without a signal: SIGTERM must
# still give a message in flight its drain, not a SIGKILL at once
install_conf config.xml
cp "$conf" "$tmp/idle.xml"
"$daemon" -f -c "$tmp/idle.xml" -p "unix:$tmp/idle.sock" \
    > "$tmp/idle.log" 2>&1 &
idlepid=$!
idle_since=$(date +%s)

# --- guardianctl: the same configuration and pipeline, offline ----------

ctl=$builddir/guardianctl
printf 'From: rivera@district.example\nTo: parent@gmail.com\nSubject: Your grades\n\nHello.\n' \
    > "$tmp/grades.eml"
printf 'From: rivera@district.example\r\nSubject: Lunch\r\n\r\nHello.\r\n' \
    > "$tmp/lunch.eml"
{
	i=0
	while [ $i -lt 1100 ]; do
		echo "X-Filler-$i: x"
		i=$((i + 1))
	done
	printf 'Subject: many\n\nHello.\n'
} > "$tmp/many.eml"
printf 'From: rivera@district.example\nSubject: Lunch\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nR3JhZGVz!!\n' \
    > "$tmp/bad64.eml"

# ctl_case - guardianctl with arguments "$@" must exit $want, and its
# output must contain the line $line (or be empty when $line is "-")
ctl_case() {
	whole=x
	ctl_run "$@"
}

# ctl_part - the same, but $line may be part of a line
ctl_part() {
	whole=
	ctl_run "$@"
}

ctl_run() {
	label=$1 want=$2 line=$3
	shift 3
	"$ctl" "$@" > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "guardianctl $label: exit $rc, expected $want"
		sed 's/^/    /' "$tmp/out"
	elif [ "$line" = - ] && [ -s "$tmp/out" ]; then
		fail "guardianctl $label: output where none was expected"
		sed 's/^/    /' "$tmp/out"
	elif [ "$line" != - ] && ! grep -q${whole}F -- "$line" "$tmp/out"; then
		fail "guardianctl $label: no line \"$line\""
		sed 's/^/    /' "$tmp/out"
	else
		pass "guardianctl $label: exit $want"
	fi
}

ctl_case "check, good" 0 - -c "$conf" check
ctl_case "check, broken" 78 \
    "$tmp/broken.xml:9: invalid regex \"grades(\" in <header>: missing closing parenthesis at offset 7" \
    -c "$tmp/broken.xml" check
ctl_case "test, reject" 10 "verdict: reject 550 5.7.1" -c "$conf" test \
    --from rivera@district.example --rcpt parent@gmail.com "$tmp/grades.eml"
ctl_case "test, reject, the reply" 10 \
    "  550 5.7.1 Rule personal-records; guideline: Communicate with families through district systems" \
    -c "$conf" test --from rivera@district.example \
    --rcpt colleague@district.example --rcpt parent@gmail.com "$tmp/grades.eml"
ctl_case "test, accept with a header, CRLF input" 0 \
    "  X-Guardian-Checked: external" -c "$conf" test \
    --from rivera@district.example --rcpt family@example.net "$tmp/lunch.eml"
ctl_case "test, tempfail on a limit" 11 "verdict: tempfail 451 4.7.1" \
    -c "$conf" test --from rivera@district.example \
    --rcpt colleague@district.example "$tmp/many.eml"
ctl_part "test --json: the verdict" 10 \
    '{"action":"reject","rcode":"550","xcode":"5.7.1","text":"Student records go to district accounts only.","rule":"personal-records","policy":"Communicate with families through district systems","matches":[{"rule":"personal-records","policy":"Communicate with families through district systems","mode":"enforce","what":"reject 550 5.7.1","why":null}],' \
    -c "$conf" test --json --from rivera@district.example \
    --rcpt parent@gmail.com "$tmp/grades.eml"
ctl_part "test --json: the reply" 10 \
    '"reply":["Student records go to district accounts only.","Rule personal-records; guideline: Communicate with families through district systems"]}' \
    -c "$conf" test --json --from rivera@district.example \
    --rcpt parent@gmail.com "$tmp/grades.eml"
ctl_case "test, what the MIME view could not read" 0 \
    "  part 1 (text/plain): invalid base64 (2 bytes outside the alphabet)" \
    -c "$conf" test --from rivera@district.example \
    --rcpt colleague@district.example "$tmp/bad64.eml"
ctl_case "test, grades in a base64 body" 10 \
    "  550 5.7.1 Rule personal-records-in-body; guideline: Communicate with families through district systems" \
    -c "$conf" test --from rivera@district.example \
    --rcpt parent@gmail.com "$tmp/bad64.eml"
ctl_case "test --macro without login" 10 "verdict: reject 554 5.7.0" \
    -c "$conf" test --from rivera@district.example \
    --rcpt colleague@district.example --macro '{daemon_name}=submission' \
    "$tmp/lunch.eml"
ctl_case "test --macro --auth" 0 "verdict: accept" -c "$conf" test \
    --from rivera@district.example --rcpt colleague@district.example \
    --macro '{daemon_name}=submission' --auth rivera - < "$tmp/lunch.eml"
ctl_case "test, the null sender" 0 "verdict: accept" -c "$conf" test \
    --from '<>' --rcpt colleague@district.example "$tmp/lunch.eml"
ctl_case "test, a missing file" 66 \
    "guardianctl: cannot open $tmp/none.eml: No such file or directory" \
    -c "$conf" test --from a@district.example --rcpt b@example.net \
    "$tmp/none.eml"
ctl_case "test, no --rcpt" 64 \
    "guardianctl: test needs --from and at least one --rcpt" \
    -c "$conf" test --from a@district.example "$tmp/lunch.eml"
ctl_case "test, two files" 64 \
    "guardianctl: test needs exactly one message file (or - for standard input)" \
    -c "$conf" test --from a@district.example --rcpt b@example.net \
    "$tmp/lunch.eml" "$tmp/grades.eml"
ctl_case "test, a bad --macro" 64 \
    'guardianctl: --macro "daemon_name": expected NAME=VALUE' \
    -c "$conf" test --from a@district.example --rcpt b@example.net \
    --macro daemon_name "$tmp/lunch.eml"
ctl_case "an unknown command" 64 'guardianctl: unknown command "tset"' \
    -c "$conf" tset
ctl_case "no command" 64 "guardianctl: no command given" -c "$conf"
ctl_case "check with an argument" 64 "guardianctl: check takes no arguments" \
    -c "$conf" check now
ctl_case "test, a broken configuration" 78 \
    "$tmp/broken.xml:9: invalid regex \"grades(\" in <header>: missing closing parenthesis at offset 7" \
    -c "$tmp/broken.xml" test --from a@district.example --rcpt b@example.net \
    "$tmp/lunch.eml"
sed -e "s#@SPOOL@#$tmp/spool#" -e "s#@ONERROR@#tempfail#" \
    "$here/failing.xml" > "$tmp/failing.xml"
printf 'Subject: %s!\n\nx\n' "$(printf '%064d' 0 | tr 0 a)" > "$tmp/aaa.eml"
ctl_case "test, the rules cannot be evaluated" 70 \
    "guardianctl: the message could not be evaluated: a condition could not be evaluated (a regular expression reached its match limit)" \
    -c "$tmp/failing.xml" test --from a@district.example \
    --rcpt b@example.net "$tmp/aaa.eml"

# --- the daemon in the foreground -----------------------------------------

"$daemon" -f -c "$conf" -p "unix:$sock" -P "$tmp/fg.pid" 2> "$log" &
dpid=$!
if wait_for '[ -S "$sock" ]' 100; then
	pass "daemon started and listens on $sock"
else
	fail "daemon did not start"
	sed 's/^/    /' "$log"
	finish
fi
if [ "$(cat "$tmp/fg.pid" 2>/dev/null)" = "$dpid" ]; then
	pass "the pid file names the supervisor"
else
	fail "the pid file does not name the supervisor ($dpid)"
fi

for f in "$here"/[0-9]*.lua; do
	lua "$f"
done

# one header field far beyond what miltertest can send, then one beyond
# what libmilter accepts: answered, or the connection dropped; no crash
out=$(perl "$here/rawclient.pl" "$sock" 60000 2>&1)
case $out in
"replycode 550-5.7.1 "*)
	pass "a 60000-byte Subject is inspected whole (rejected)" ;;
*)
	fail "a 60000-byte Subject: $out" ;;
esac
out=$(perl "$here/rawclient.pl" "$sock" 300000 2>&1)
case $out in
closed | "replycode 4"* | tempfail*)
	pass "a 300000-byte header field is refused without harm ($out)" ;;
*)
	fail "a 300000-byte header field: $out" ;;
esac

log_has "the log has the reject with its queue id" \
    '^guardian-milter\[[0-9]+\]: info: PROTOREJ1: verdict=reject .*rule=personal-records.* from=<rivera@district.example> rcpts=1'
log_has "the log has the monitor rule" \
    'PROTOMON1: verdict=accept .*bulk-to-families'
log_has "the log has the limit finding's tempfail" \
    'PROTOMANY1: verdict=tempfail .*rule=oversized'

# --- reload with a broken configuration keeps the old rules ---------------

install_conf broken.xml
kill -HUP "$dpid"
if wait_for 'grep -q "reload of" "$log"' 100; then
	log_has "a broken reload is logged and keeps generation 1" \
	    "error: reload of $conf failed with 1 error\\(s\\); keeping generation 1\$"
	log_has "a broken reload logs file:line: message" \
	    "error: $conf:9: invalid regex \"grades\\(\" in <header>: missing closing parenthesis at offset 7\$"
else
	fail "SIGHUP with a broken configuration logged nothing"
fi
lua "$here/reload/old-rules.lua"

# --- reload with a good configuration switches to the new rules -----------

install_conf reloaded.xml
kill -HUP "$dpid"
if wait_for 'grep -q "reloaded configuration" "$log"' 100; then
	log_has "a good reload is logged with its generation" \
	    'info: reloaded configuration, generation 2, 1 rules$'
else
	fail "SIGHUP with a good configuration logged nothing"
fi
lua "$here/reload/new-rules.lua"
log_has "the early accept is logged" \
    'PROTOEARLY1: verdict=accept stage=envelope from=<rivera@district.example> rcpts=1'

# --- a message the filter cannot judge gets the on-error answer ----------

reload failing.xml tempfail 3
lua "$here/reload/internal-error.lua" -D onerror=tempfail
log_has "an internal error is logged with the tempfail" \
    'error: PROTOERR-tempfail: verdict=tempfail reason="internal error: the rules could not be evaluated" from=<rivera@district.example> rcpts=1$'
reload failing.xml accept 4
lua "$here/reload/internal-error.lua" -D onerror=accept
log_has "on-error accept is logged loudly" \
    'crit: PROTOERR-accept: verdict=accept reason="internal error: the rules could not be evaluated" on-error=accept from=<rivera@district.example> rcpts=1: message accepted WITHOUT inspection$'

# --- a changed directory file reloads the directory by itself ----------

cp -R "$srcdir/tests/data/directory" "$tmp/roster"
reload roster.xml "" 5
lua "$here/reload/guardians.lua"
lua "$here/reload/roster-rules.lua" -D want=roster
# the rules are edited (valid, but not meant to go live yet), then the
# nightly export lands: only the directory is read again
sed -e "s#@SPOOL@#$tmp/spool#" -e 's#value="roster"#value="edited"#' \
    "$here/roster.xml" > "$conf.new" && mv "$conf.new" "$conf"
sleep 1.1 # a new mtime, whatever the file system's granularity
touch "$tmp/roster/users.csv"
if wait_for 'grep -q "reloaded the directory (rules kept), generation 6," "$log"' 50; then
	log_has "a changed roster file is noticed" \
	    "info: the directory's files changed; reloading the directory\$"
	log_has "a roster warning is logged once as a warning, with file:line" \
	    "\]: warning: $tmp/roster/users.csv:[0-9]+: student \"s9\" has no guardian\$"
	if grep -q 'warning: .*: warning: ' "$log"; then
		fail "a log line says \"warning:\" twice"
	else
		pass "no log line says \"warning:\" twice"
	fi
	lua "$here/reload/roster-rules.lua" -D want=roster
else
	fail "a changed roster file did not reload the directory"
fi
cp "$tmp/roster/users.csv" "$tmp/users.csv"
echo 'sourcedId,"unterminated' > "$tmp/roster/users.csv"
if wait_for 'grep -q "reload of the directory failed with 1 error(s); keeping generation 6" "$log"' 50; then
	log_has "a broken roster file is logged with file:line:field" \
	    "error: $tmp/roster/users.csv:1:2: quoted field not closed before the end of the file\$"
	sleep 3
	n=$(grep -c "reload of the directory failed with 1 error(s); keeping generation 6" "$log")
	if [ "$n" -eq 1 ]; then
		pass "a broken roster file is not retried every second"
	else
		fail "a broken roster file was tried $n times in 3 s"
	fi
else
	fail "a broken roster file was not noticed"
fi
# an export cut short (its first 16 lines: staff and students, no
# guardian) loads without an error; the guard refuses it against the
# counts of the directory served last, and the guardians keep their copies
head -n 16 "$tmp/users.csv" > "$tmp/users.cut" && mv "$tmp/users.cut" "$tmp/roster/users.csv"
kill -HUP "$dpid"
if wait_for 'grep -q "reload of $conf failed with 1 error(s); keeping generation 6" "$log"' 50; then
	log_has "an export cut short is refused against the directory served last" \
	    "error: $tmp/spool/directory.counts: the new directory has 0 guardians where the one served last had 14 \\(100% fewer, more than the 10% <max-loss> allows\\): refused as an export cut short"
	lua "$here/reload/guardians.lua"
else
	fail "an export cut short was not refused"
fi
cp "$tmp/users.csv" "$tmp/roster/users.csv"
kill -HUP "$dpid"
if wait_for 'grep -q "reloaded configuration, generation 7," "$log"' 50; then
	pass "SIGHUP reloads the repaired roster at once"
	lua "$here/reload/roster-rules.lua" -D want=edited
else
	fail "SIGHUP did not reload the repaired roster"
fi

# --- SIGHUP to the worker, or to every process at once, reloads -------

# worker_of - the pid of the child of $1 (the supervisor's worker)
worker_of() {
	for st in /proc/[0-9]*/stat; do
		set -- "$1" $(cat "$st" 2>/dev/null)
		[ "${5:-}" = "$1" ] && echo "$2" && return 0
	done
	return 1
}

w=$(worker_of "$dpid")
kill -HUP "$w"
if wait_for 'grep -q "reloaded configuration, generation 8," "$log"' 50 &&
    [ "$(worker_of "$dpid")" = "$w" ]; then
	pass "SIGHUP to the worker reloads, and the worker keeps serving"
else
	fail "SIGHUP to the worker did not reload it"
fi
# as "systemctl kill -s HUP" does: the whole cgroup, over and over
i=0
while [ $i -lt 20 ]; do
	kill -HUP "$dpid" "$w" 2>/dev/null
	sleep 0.05
	i=$((i + 1))
done
sleep 1
if [ "$(worker_of "$dpid")" = "$w" ] &&
    ! grep -Eq 'worker stopped|the worker (was killed|exited)' "$log"; then
	pass "20 SIGHUPs to both processes at once: the worker never stops"
else
	fail "SIGHUP to both processes stopped the worker"
fi
lua "$here/reload/roster-rules.lua" -D want=edited

# --- quarantine: discard once the copy is stored, tempfail without one ---

n=$(grep -c 'reloaded configuration, generation' "$log")
install_conf quarantine.xml
kill -HUP "$dpid"
if wait_for '[ "$(grep -c "reloaded configuration, generation" "$log")" -gt "$n" ]' 100; then
	pass "reload to quarantine.xml"
	lua "$here/reload/quarantine.lua" -D want=discard
	if [ "$(ls "$tmp/spool/quarantine" | grep -cE '^[0-9a-f]{16}$')" = 1 ]; then
		pass "the discarded message is held in the store"
	else
		fail "the discarded message is not in the store"
	fi
	log_has "the held message is logged with its quarantine id" \
	    'info: PROTOHOLD-discard: verdict=quarantine rule=hold-grades '
	# the store goes away under the running daemon
	mv "$tmp/spool/quarantine" "$tmp/spool/quarantine.gone"
	lua "$here/reload/quarantine.lua" -D want=tempfail
	log_has "a store that went away is logged, and the message tempfailed" \
	    'PROTOHOLD-tempfail: quarantine failed: cannot open quarantine directory .*: No such file or directory$'
	mv "$tmp/spool/quarantine.gone" "$tmp/spool/quarantine"
else
	fail "reload to quarantine.xml did not happen"
fi

# --- nothing crashed; SIGTERM stops cleanly -------------------------------

if grep -Eq 'the worker (was killed|exited|ended)|panic|fatal' "$log"; then
	fail "the worker died during the tests"
	grep -E 'the worker|panic|fatal' "$log" | sed 's/^/    /'
else
	pass "the worker never died"
fi
# --- a worker that dies is restarted and reads the configuration again ----

install_conf reloaded.xml
w=$(worker_of "$dpid")
if [ -n "$w" ] && kill -KILL "$w"; then
	if wait_for 'grep -q "the worker was killed by signal 9 (Killed); restarting it in 1 s (restart 1 of at most 10)" "$log"' 50 &&
	    wait_for '[ "$(grep -c "info: serving" "$log")" -eq 2 ]' 100; then
		pass "a killed worker is restarted after 1 s"
	else
		fail "a killed worker was not restarted"
	fi
	lua "$here/reload/new-rules.lua"
else
	fail "no worker found under the supervisor $dpid"
fi

install_conf broken.xml
w=$(worker_of "$dpid")
if [ -n "$w" ] && kill -KILL "$w"; then
	if wait_for '[ "$(grep -c "info: serving" "$log")" -eq 3 ]' 100; then
		log_has "a restarted worker with a broken configuration serves no policy, saying why" \
		    "error: serving no policy: $conf:9: invalid regex \"grades\\(\" in <header>: missing closing parenthesis at offset 7; every message is answered tempfail"
		log_has "and says so when it starts serving" \
		    "info: serving unix:$sock: configuration $conf, no policy \\(every message is answered tempfail\\)\$"
	else
		fail "the second restart did not happen"
	fi
	# never the old (start-up) policy: every message is answered tempfail
	lua "$here/reload/no-policy.lua"
	log_has "the message without a policy is logged with its tempfail" \
	    'PROTONOPOL1: verdict=tempfail reason="internal error: no policy loaded: the daemon is stopping, or its files do not build \(see the log\)" from=<rivera@district.example> rcpts=0$'
	install_conf reloaded.xml
	kill -HUP "$dpid"
	if wait_for 'grep -q "reloaded configuration, generation 1, 1 rules" "$log"' 50; then
		pass "SIGHUP gives the policy-less worker the repaired files"
		lua "$here/reload/new-rules.lua"
	else
		fail "SIGHUP did not give the policy-less worker a policy"
	fi
else
	fail "no worker found under the supervisor $dpid"
fi

# --- SIGTERM drains: 20 messages in flight end; new ones tempfail ---------

w=$(worker_of "$dpid")
rm -f "$tmp/go"
i=1
while [ $i -le 20 ]; do
	perl "$here/reload/drainclient.pl" "$sock" "PROTODRAIN$i" "$tmp/go" body \
	    > "$tmp/drain.$i" 2>&1 &
	i=$((i + 1))
done
perl "$here/reload/drainclient.pl" "$sock" PROTODRAINIDLE "$tmp/go" idle \
    > "$tmp/drain.idle" 2>&1 &
if wait_for '[ "$(cat "$tmp"/drain.* 2>/dev/null | grep -c "^paused$")" -eq 21 ]' 100; then
	pass "20 messages paused mid-body and one idle connection"
else
	fail "the drain clients did not all get going"
	cat "$tmp"/drain.* | sed 's/^/    /'
fi
kill -TERM "$dpid"
# longer than libmilter's 5 s listener check: the old worker exited then
sleep 6
if kill -0 "$w" 2>/dev/null; then
	pass "after SIGTERM the worker waits for its messages in flight"
else
	fail "after SIGTERM the worker did not wait for its messages"
fi
lua "$here/reload/no-policy.lua"
log_has "a new connection's message during the drain is answered tempfail" \
    'PROTONOPOL1: verdict=tempfail reason="internal error: no policy loaded: the daemon is stopping, or its files do not build \(see the log\)" from=<rivera@district.example> rcpts=0$'
touch "$tmp/go"
wait_for '[ "$(cat "$tmp"/drain.* | grep -vc "^paused$")" -eq 21 ]' 100
done_n=0 temp_n=0 drop_n=0
i=1
while [ $i -le 20 ]; do
	case $(tail -n 1 "$tmp/drain.$i") in
	accept | replycode\ 5* | reject*) done_n=$((done_n + 1)) ;;
	tempfail* | replycode\ 4*) temp_n=$((temp_n + 1)) ;;
	*) drop_n=$((drop_n + 1)) ;;
	esac
	i=$((i + 1))
done
echo "drain: $done_n of 20 messages completed, $temp_n tempfailed, $drop_n dropped"
if [ $drop_n -eq 0 ] && [ $((done_n + temp_n)) -eq 20 ]; then
	pass "SIGTERM with 20 messages in flight: each completed or tempfailed ($done_n completed, $temp_n tempfailed, 0 dropped)"
else
	fail "SIGTERM with 20 messages in flight: $drop_n dropped"
	tail -n 1 "$tmp"/drain.* | sed 's/^/    /'
fi
case $(tail -n 1 "$tmp/drain.idle") in
replycode\ 4* | tempfail*)
	pass "a new message on an open connection during the drain is answered tempfail" ;;
*)
	fail "a new message during the drain: $(tail -n 1 "$tmp/drain.idle")" ;;
esac
log_has "the drain is logged with the count in flight" \
    'info: stopping: 20 message\(s\) in flight get up to 20 s to end; new ones are answered tempfail$'
log_has "and its end" 'info: stopping: every message in flight ended$'

# the SIGTERM above stops the daemon once the drain is over
if wait_for '! kill -0 "$dpid" 2>/dev/null' 100; then
	wait "$dpid"
	rc=$?
	dpid=
	if [ $rc -eq 0 ]; then
		pass "SIGTERM stops the daemon with exit 0"
	else
		fail "SIGTERM: exit status $rc"
	fi
else
	fail "SIGTERM did not stop the daemon"
fi
log_has "the worker stops with status 0 (no leak report)" \
    'info: the worker exited with status 0$'
if grep -Eq 'Sanitizer|runtime error:' "$log"; then
	fail "a sanitizer reported a problem in the daemon"
	grep -E -A5 'Sanitizer|runtime error:' "$log" | head -40 | sed 's/^/    /'
else
	pass "no sanitizer report in the daemon's log"
fi
if [ ! -e "$tmp/fg.pid" ] && [ ! -e "$sock" ]; then
	pass "the pid file and the socket are removed at exit"
else
	fail "the pid file or the socket was left behind"
fi

# --- SIGTERM to a daemon idle for longer than the stop timeout ---------

while [ $(($(date +%s) - idle_since)) -lt 33 ]; do
	sleep 1
done
rm -f "$tmp/go"
perl "$here/reload/drainclient.pl" "$tmp/idle.sock" PROTOIDLESTOP "$tmp/go" \
    body > "$tmp/idlestop" 2>&1 &
if wait_for 'grep -qs "^paused$" "$tmp/idlestop"' 100; then
	kill -TERM "$idlepid"
	sleep 2
	touch "$tmp/go"
	wait_for '[ "$(grep -vc "^paused$" "$tmp/idlestop")" -ge 1 ]' 100
	answer=$(grep -v "^paused$" "$tmp/idlestop" | head -n 1)
	case $answer in
	accept | replycode\ 5* | reject*)
		pass "SIGTERM after 33 s idle: the message in flight still ends" ;;
	*)
		fail "SIGTERM after 33 s idle: the message in flight got: $answer"
		tail -n 5 "$tmp/idle.log" | sed 's/^/    /' ;;
	esac
else
	fail "the client on the idle daemon did not get going"
	sed 's/^/    /' "$tmp/idlestop" "$tmp/idle.log"
fi
if wait_for '! kill -0 "$idlepid" 2>/dev/null' 100; then
	wait "$idlepid"
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q "killing it" "$tmp/idle.log"; then
		pass "the idle daemon stops with exit 0, its worker not killed"
	else
		fail "the idle daemon: exit $rc"
		tail -n 5 "$tmp/idle.log" | sed 's/^/    /'
	fi
else
	fail "SIGTERM did not stop the idle daemon"
	kill -KILL "$idlepid" 2>/dev/null
fi
idlepid=

# --- daemon mode: the parent waits for the worker -------------------------

install_conf config.xml
"$daemon" -c "$conf" -p "unix:$tmp/d.sock" -P "$tmp/daemon.pid" > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -S "$tmp/d.sock" ] && [ -s "$tmp/daemon.pid" ]; then
	pass "daemon mode: exit 0 once the socket is open"
	p=$(cat "$tmp/daemon.pid")
	kill -TERM "$p"
	if wait_for '! kill -0 "$p" 2>/dev/null' 100 &&
	    [ ! -e "$tmp/daemon.pid" ]; then
		pass "daemon mode: SIGTERM stops it and removes the pid file"
	else
		fail "daemon mode: SIGTERM did not stop $p"
	fi
else
	fail "daemon mode: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

"$daemon" -c "$conf" -p "unix:$tmp/no-such-dir/d.sock" > "$tmp/out" 2>&1
rc=$?
if [ $rc -eq 69 ] && [ "$(cat "$tmp/out")" = "guardian-milter: the daemon did not start (exit status 69); the mail log says why" ]; then
	pass "daemon mode: a socket that cannot be opened fails the start ($rc)"
else
	fail "daemon mode with a bad socket directory: exit $rc"
	sed 's/^/    /' "$tmp/out"
fi

# --- a supervisor that dies during start-up does not hang the starter ---

# the worker reads its directory after the socket is open; a FIFO as
# users.csv holds it there while the supervisor is killed
cp -R "$srcdir/tests/data/directory" "$tmp/slow"
rm -f "$tmp/slow/users.csv"
mkfifo "$tmp/slow/users.csv"
sed -e "s#@SPOOL@#$tmp/spool#" -e "s#>roster<#>slow<#" \
    -e "s#roster/preferences.csv#slow/preferences.csv#" \
    "$here/roster.xml" > "$tmp/slow.xml"
"$daemon" -c "$tmp/slow.xml" -p "unix:$tmp/s.sock" -P "$tmp/slow.pid" \
    > "$tmp/out" 2>&1 &
starter=$!
if wait_for '[ -s "$tmp/slow.pid" ] && [ -S "$tmp/s.sock" ]' 100; then
	kill -KILL "$(cat "$tmp/slow.pid")"
	if wait_for '! kill -0 "$starter" 2>/dev/null' 30; then
		wait "$starter"
		rc=$?
		if [ $rc -ne 0 ] && grep -q "the daemon did not start" "$tmp/out"; then
			pass "a supervisor killed during start-up: the starter ends at once (exit $rc)"
		else
			fail "a supervisor killed during start-up: exit $rc"
			sed 's/^/    /' "$tmp/out"
		fi
	else
		fail "a supervisor killed during start-up leaves the starter waiting"
	fi
else
	fail "the daemon with a slow directory did not get to its worker"
	sed 's/^/    /' "$tmp/out"
fi
# let the orphaned worker read end of file and give up
timeout 5 sh -c ": > '$tmp/slow/users.csv'"
wait "$starter" 2>/dev/null

# --- privilege drop (only as root) ----------------------------------------

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$tmp"
	rm -f "$sock"
	"$daemon" -f -c "$conf" -p "unix:$sock" -u nobody 2> "$tmp/daemon-u.log" &
	dpid=$!
	if wait_for '[ -S "$sock" ]' 100; then
		worker=
		for st in /proc/[0-9]*/stat; do
			set -- $(cat "$st" 2>/dev/null)
			[ "${4:-}" = "$dpid" ] && worker=$1
		done
		user=$(stat -c %U "/proc/${worker:-none}" 2>/dev/null)
		if [ -n "$worker" ] && [ "$user" = nobody ]; then
			pass "-u nobody: the worker runs as nobody"
		else
			fail "-u nobody: the worker ($worker) runs as '$user'"
		fi
		lua "$here/10-reject.lua"
	else
		fail "-u nobody: the daemon did not start"
		sed 's/^/    /' "$tmp/daemon-u.log"
	fi
	kill -TERM "$dpid"
	wait "$dpid"
	dpid=
	# the files are read as the -u user, never as root: a roster only
	# root may read fails the check and the start
	mkdir "$tmp/private"
	cp -R "$srcdir/tests/data/directory" "$tmp/private/roster"
	chmod 700 "$tmp/private"
	sed -e "s#@SPOOL@#$tmp/spool#" -e "s#>roster<#>private/roster<#" \
	    -e "s#roster/preferences.csv#private/roster/preferences.csv#" \
	    "$here/roster.xml" > "$tmp/private.xml"
	"$daemon" -n -c "$tmp/private.xml" -u nobody > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 78 ] && grep -qxF "$tmp/private/roster: cannot open the roster directory: Permission denied" "$tmp/out"; then
		pass "-n -u nobody reads the files as nobody"
	else
		fail "-n -u nobody: exit $rc (the files were read as root?)"
		sed 's/^/    /' "$tmp/out"
	fi
	timeout 10 "$daemon" -f -c "$tmp/private.xml" -p "unix:$tmp/p.sock" \
	    -u nobody > "$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 78 ] && grep -qxF "$tmp/private/roster: cannot open the roster directory: Permission denied" "$tmp/out"; then
		pass "-u nobody: the worker reads the files as nobody, after opening the socket"
	else
		fail "-u nobody: exit $rc (the files were read as root?)"
		sed 's/^/    /' "$tmp/out"
	fi
fi

finish
