# lib.sh - a private Postfix instance with guardian-milter attached
#
# Sourced by tests/e2e/run.sh and script/demo (bash). Everything lives
# under one run directory: Postfix's config, queue and data directories,
# the milter's socket, pid file and log, and the capture sink (one
# Maildir per recipient address). Nothing touches the system Postfix:
# the instance has its own config_directory and listens on 127.0.0.1 at
# a free high port.
#
# Usage:
#   . tests/e2e/lib.sh
#   e2e_rundir PREFERRED               a run directory smtpd can reach
#   e2e_init RUNDIR BUILDDIR           set paths, pick ports, write config
#   e2e_attach RUNDIR BUILDDIR         take over an instance started earlier
#   e2e_milter_start CONFIG            start guardian-milter -f -c CONFIG
#   e2e_postfix_start                  start the private Postfix
#   e2e_virtual FILE                   FILE (virtual(5) source) as the
#                                      instance's virtual_alias_maps
#   e2e_add_login LOGIN PASSWORD       a SASL login for the submission port
#   e2e_send [--from A] --to B... FILE send FILE by SMTP, print the reply
#   e2e_submit --auth L:P --to B... FILE the same through the submission
#                                      port (SMTP AUTH, daemon_name
#                                      "submission")
#   e2e_sink_wait ADDRESS              wait for a delivery, print its file
#   e2e_header FILE NAME               a header field of a delivered copy
#   e2e_stop_all                       stop everything started (idempotent)
#
# The caller installs the trap: trap e2e_stop_all EXIT INT TERM.

E2E_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Mail is delivered with this user's ids into the sink (pipe(8) refuses
# root and the mail owner).
E2E_SINK_USER=${E2E_SINK_USER:-nobody}
# {daemon_name} of the plain SMTP listener; the submission listener (SMTP
# AUTH) is called "submission".
E2E_SMTP_NAME=${E2E_SMTP_NAME:-guardian-e2e}

# e2e_log - a progress line on stderr
e2e_log()
{
	printf '  [e2e] %s\n' "$*" >&2
}

# e2e_python - the Python interpreter the SMTP client runs with
e2e_python()
{
	if [ -x /usr/bin/python3 ]; then
		/usr/bin/python3 "$@"
	else
		python3 "$@"
	fi
}

# e2e_free_port - print a TCP port on 127.0.0.1 that is free right now
e2e_free_port()
{
	e2e_python -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# e2e_rundir PREFERRED - print PREFERRED if the postfix and sink users
# can reach it, else a directory under /tmp named after it: smtpd must
# reach the milter socket and the sink must write its files, and a
# checkout under /root (mode 0700) would let neither.
e2e_rundir()
{
	local want=$1 parent u
	parent=$(dirname "$want")
	mkdir -p "$parent" || return 1
	for u in postfix "$E2E_SINK_USER"; do
		if ! runuser -u "$u" -- test -x "$parent" 2>/dev/null; then
			printf '/tmp/guardian-milter-%s.%s\n' "$(basename "$want")" \
			    "$(printf '%s' "$want" | cksum | cut -d' ' -f1)"
			return 0
		fi
	done
	printf '%s\n' "$want"
}

# e2e_paths RUNDIR BUILDDIR - set the paths of an instance (touches nothing)
e2e_paths()
{
	E2E_RUN=$1
	E2E_BUILD=$(cd "$2" && pwd)
	E2E_MILTER=$E2E_BUILD/guardian-milter
	E2E_ETC=$E2E_RUN/etc
	E2E_QUEUE=$E2E_RUN/queue
	E2E_DATA=$E2E_RUN/data
	E2E_SINK=$E2E_RUN/mail
	E2E_MILTER_LOG=$E2E_RUN/milter.log
	E2E_POSTFIX_LOG=$E2E_RUN/postfix.log
	E2E_PIDFILE=$E2E_RUN/milter.pid
	E2E_MILTER_PID=
	E2E_POSTFIX_UP=
	E2E_SASLDB=$E2E_RUN/sasldb2
	E2E_SOCKET_PATH=$E2E_RUN/milter.sock
}

# e2e_init RUNDIR BUILDDIR - lay out the run directory and write main.cf
e2e_init()
{
	e2e_paths "$1" "$2" || return 1
	E2E_PORT=${E2E_PORT:-$(e2e_free_port)}
	E2E_SUBMIT_PORT=${E2E_SUBMIT_PORT:-$(e2e_free_port)}
	# A unix socket path is limited to about 108 bytes; fall back to a
	# loopback TCP port when the build tree is deep.
	if [ ${#E2E_RUN} -lt 90 ]; then
		E2E_SOCKET=unix:$E2E_RUN/milter.sock
		E2E_SOCKET_PATH=$E2E_RUN/milter.sock
	else
		E2E_MPORT=$(e2e_free_port)
		E2E_SOCKET=inet:$E2E_MPORT@127.0.0.1
		E2E_SOCKET_PATH=
	fi

	# a previous run that was killed hard: stop what it left running
	# before wiping its directory
	e2e_postfix_stop
	e2e_milter_stop_stale
	rm -rf "$E2E_RUN"
	mkdir -p "$E2E_ETC" "$E2E_QUEUE" "$E2E_DATA" "$E2E_SINK" ||
	    return 1
	chmod 755 "$E2E_RUN" "$E2E_ETC" "$E2E_QUEUE"
	chown postfix "$E2E_DATA" || return 1
	chown "$E2E_SINK_USER:" "$E2E_SINK" || return 1
	: >"$E2E_MILTER_LOG"
	e2e_write_config
}

# e2e_attach RUNDIR BUILDDIR - take over an instance started earlier
# (by another process), so that e2e_stop_all can stop it
e2e_attach()
{
	e2e_paths "$1" "$2" || return 1
	E2E_MILTER_PID=$(tr -d ' ' 2>/dev/null <"$E2E_PIDFILE")
	[ ! -f "$E2E_QUEUE/pid/master.pid" ] || E2E_POSTFIX_UP=1
	E2E_PORT=$(sed -n 's/^127\.0\.0\.1:\([0-9]*\) .*/\1/p' \
	    "$E2E_ETC/master.cf" 2>/dev/null | head -n 1)
	E2E_SUBMIT_PORT=$(sed -n 's/^127\.0\.0\.1:\([0-9]*\) .*/\1/p' \
	    "$E2E_ETC/master.cf" 2>/dev/null | sed -n 2p)
}

# e2e_milter_stop_stale - stop a daemon a killed run left behind, found
# by the pid file in the run directory (its session: see e2e_milter_start)
e2e_milter_stop_stale()
{
	local pid
	pid=$(tr -d ' ' 2>/dev/null <"$E2E_PIDFILE")
	[ -n "$pid" ] || return 0
	# only if it is still our daemon
	case $(readlink "/proc/$pid/exe" 2>/dev/null) in
	*/guardian-milter) ;;
	*) return 0 ;;
	esac
	E2E_MILTER_PID=$pid
	e2e_milter_stop
}

# e2e_write_config - main.cf and master.cf of the private instance
e2e_write_config()
{
	cat >"$E2E_ETC/main.cf" <<EOF
# private instance for guardian-milter tests; generated by tests/e2e/lib.sh
compatibility_level = 3.6
config_directory = $E2E_ETC
queue_directory = $E2E_QUEUE
data_directory = $E2E_DATA
mail_owner = postfix
setgid_group = postdrop
maillog_file = $E2E_POSTFIX_LOG
maillog_file_prefixes = $E2E_RUN
myhostname = mx.district.example
mydomain = district.example
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
smtp_dns_support_level = disabled
in_flow_delay = 0
biff = no
append_dot_mydomain = no
alias_maps =
alias_database =
mydestination =
local_recipient_maps =
relayhost =
smtputf8_enable = no
# SMTP AUTH (Cyrus SASL, logins in $E2E_SASLDB) on the submission
# listener only; it hands the login to the milter as {auth_authen}.
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $E2E_ETC/sasl
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_tls_security_level = none
delay_warning_time = 0
notify_classes =
# Every domain is delivered by the sink: one Maildir per recipient
# address under $E2E_SINK/DOMAIN/LOCALPART/.
default_transport = sink
sink_destination_recipient_limit = 1
# The milter under test. A milter that cannot be reached answers 4xx.
smtpd_milters = $E2E_SOCKET
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
milter_connect_macros = j {daemon_name} {daemon_addr} {client_addr} v _
milter_helo_macros = {tls_version} {cipher}
milter_mail_macros = i {auth_type} {auth_authen} {auth_author} {mail_addr}
milter_rcpt_macros = i {rcpt_addr}
milter_end_of_header_macros = i
milter_end_of_data_macros = i {auth_authen}
EOF
	mkdir -p "$E2E_ETC/sasl" || return 1
	cat >"$E2E_ETC/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $E2E_SASLDB
mech_list: PLAIN LOGIN
EOF
	# pipe(8) runs the sink as $E2E_SINK_USER, who may not be able to
	# read the source tree
	cp "$E2E_LIBDIR/sink.sh" "$E2E_ETC/sink.sh" && chmod 755 "$E2E_ETC/sink.sh" ||
	    return 1

	# No chroot: the milter socket and the sink are plain paths.
	cat >"$E2E_ETC/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$E2E_PORT inet n - n - - smtpd
  -o syslog_name=postfix-e2e/smtpd -o milter_macro_daemon_name=$E2E_SMTP_NAME
127.0.0.1:$E2E_SUBMIT_PORT inet n - n - - smtpd
  -o syslog_name=postfix-e2e/submission -o milter_macro_daemon_name=submission
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,permit_mynetworks,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
sink      unix  -       n       n       -       -       pipe
  flags=DORhu user=$E2E_SINK_USER argv=/bin/sh $E2E_ETC/sink.sh $E2E_SINK \${recipient}
EOF
}

# e2e_postfix_start - check and start the private instance
e2e_postfix_start()
{
	local i
	# postfix check creates the queue subdirectories with their owners
	if ! postfix -c "$E2E_ETC" check >"$E2E_RUN/postfix-check.log" 2>&1
	then
		e2e_log "postfix check failed:"
		cat "$E2E_RUN/postfix-check.log" "$E2E_POSTFIX_LOG" >&2 2>/dev/null
		return 1
	fi
	if ! postfix -c "$E2E_ETC" start >>"$E2E_RUN/postfix-check.log" 2>&1
	then
		e2e_log "postfix start failed:"
		cat "$E2E_RUN/postfix-check.log" "$E2E_POSTFIX_LOG" >&2 2>/dev/null
		return 1
	fi
	E2E_POSTFIX_UP=1
	for i in $(seq 1 100); do
		if e2e_python - "$E2E_PORT" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
s.settimeout(5)
banner = s.recv(512)
s.sendall(b"QUIT\r\n")
s.close()
sys.exit(0 if banner.startswith(b"220") else 1)
EOF
		then
			return 0
		fi
		sleep 0.1
	done
	e2e_log "postfix did not answer on 127.0.0.1:$E2E_PORT"
	cat "$E2E_POSTFIX_LOG" >&2 2>/dev/null
	return 1
}

# e2e_postfix_stop - stop the instance; kill the master if it will not go
e2e_postfix_stop()
{
	local pid i
	pid=$(tr -d ' ' 2>/dev/null <"$E2E_QUEUE/pid/master.pid")
	# only a master running in our queue directory (the pid in a stale
	# pid file may belong to anything by now)
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null ||
	    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" != "$(cd "$E2E_QUEUE" && pwd -P)" ]; then
		E2E_POSTFIX_UP=
		return 0
	fi
	postfix -c "$E2E_ETC" stop >/dev/null 2>&1
	if [ -n "$pid" ]; then
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			e2e_log "postfix master $pid did not stop; killing it"
			postfix -c "$E2E_ETC" abort >/dev/null 2>&1 ||
			    kill -KILL "$pid" 2>/dev/null
		fi
	fi
	E2E_POSTFIX_UP=
}

# e2e_milter_start CONFIG [ARGS...] - start the daemon in the foreground
# (in its own session, so that the supervisor and its worker can be
# stopped together) and wait until its socket accepts connections
e2e_milter_start()
{
	local config=$1 i
	shift
	if [ ! -x "$E2E_MILTER" ]; then
		e2e_log "no daemon at $E2E_MILTER (build first)"
		return 1
	fi
	[ -z "$E2E_SOCKET_PATH" ] || rm -f "$E2E_SOCKET_PATH"
	rm -f "$E2E_PIDFILE"
	# umask 0: smtpd runs as the postfix user and must be able to
	# connect to a socket created by root.
	(umask 0 && exec setsid "$E2E_MILTER" -f -c "$config" \
	    -p "$E2E_SOCKET" -P "$E2E_PIDFILE" "$@") \
	    >>"$E2E_MILTER_LOG" 2>&1 </dev/null &
	E2E_MILTER_PID=$!
	for i in $(seq 1 100); do
		if ! kill -0 "$E2E_MILTER_PID" 2>/dev/null; then
			wait "$E2E_MILTER_PID" 2>/dev/null
			e2e_log "guardian-milter exited at start-up (status $?):"
			sed 's/^/    /' "$E2E_MILTER_LOG" >&2
			E2E_MILTER_PID=
			return 1
		fi
		if e2e_milter_listening; then
			return 0
		fi
		sleep 0.1
	done
	e2e_log "guardian-milter did not open $E2E_SOCKET"
	sed 's/^/    /' "$E2E_MILTER_LOG" >&2
	return 1
}

# e2e_milter_listening - true if the milter socket accepts a connection
e2e_milter_listening()
{
	e2e_python - "$E2E_SOCKET" <<'EOF' 2>/dev/null
import socket, sys
spec = sys.argv[1]
if spec.startswith("unix:"):
    s = socket.socket(socket.AF_UNIX)
    s.connect(spec[5:])
else:
    port, host = spec[5:].split("@")
    s = socket.create_connection((host, int(port)), 1)
s.close()
EOF
}

# e2e_milter_pid - the pid to signal: the pid file's, else the one started
e2e_milter_pid()
{
	local pid
	pid=$(tr -d ' ' 2>/dev/null <"$E2E_PIDFILE")
	printf '%s\n' "${pid:-$E2E_MILTER_PID}"
}

# e2e_milter_stop - SIGTERM the supervisor, then kill its whole session
e2e_milter_stop()
{
	local pid=$E2E_MILTER_PID i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		e2e_log "guardian-milter $pid ignored SIGTERM; killing it"
	fi
	# the session id is the supervisor's pid (setsid above): this also
	# reaches a worker left behind by a supervisor that died
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$E2E_PIDFILE"
	E2E_MILTER_PID=
	return 0
}

# e2e_stop_all - stop the milter and Postfix; safe to call twice
e2e_stop_all()
{
	[ -n "${E2E_RUN:-}" ] || return 0
	e2e_postfix_stop
	e2e_milter_stop
}

# e2e_virtual FILE - make FILE, a virtual(5) source file, the instance's
# virtual_alias_maps, as a district's main.cf names /etc/postfix/virtual:
# postmap builds FILE.db beside it, and the daemon's <virtual-aliases>
# reads FILE itself. Run it again after changing FILE. Reloads a running
# instance.
e2e_virtual()
{
	postmap -c "$E2E_ETC" "$1" || {
		e2e_log "postmap $1 failed"
		return 1
	}
	postconf -c "$E2E_ETC" -e "virtual_alias_maps = hash:$1" || return 1
	[ -z "$E2E_POSTFIX_UP" ] ||
	    postfix -c "$E2E_ETC" reload >/dev/null 2>&1
}

# e2e_add_login LOGIN PASSWORD - a login for the submission listener;
# LOGIN is user@realm, and the milter sees it in {auth_authen}
e2e_add_login()
{
	local user=${1%@*} realm=${1#*@}
	command -v saslpasswd2 >/dev/null 2>&1 || {
		e2e_log "saslpasswd2 not found (Debian package sasl2-bin)"
		return 1
	}
	printf '%s' "$2" | saslpasswd2 -p -c -f "$E2E_SASLDB" -u "$realm" \
	    "$user" || return 1
	# smtpd reads it as the postfix user
	chown postfix "$E2E_SASLDB" && chmod 600 "$E2E_SASLDB"
}

# e2e_submit ARGS... - e2e_send through the submission listener
e2e_submit()
{
	e2e_python "$E2E_LIBDIR/smtpclient.py" --port "$E2E_SUBMIT_PORT" "$@"
}

# e2e_send [--from ADDR] [--to ADDR]... [--auth USER:PASS] FILE
# Sends FILE to the private instance; prints the final SMTP reply as it
# came on the wire (NNN-x.x.x text lines). Exit 0 accepted, 4 on a 4xx,
# 5 on a 5xx, 1 if the conversation failed.
e2e_send()
{
	e2e_python "$E2E_LIBDIR/smtpclient.py" --port "$E2E_PORT" "$@"
}

# e2e_sink_dir ADDRESS - the Maildir of one recipient
e2e_sink_dir()
{
	local addr=$1
	printf '%s/%s/%s\n' "$E2E_SINK" "${addr#*@}" "${addr%@*}"
}

# e2e_sink_wait ADDRESS [SECONDS] - wait until a message for ADDRESS is
# delivered; print the newest file's path. Returns 1 on time-out.
e2e_sink_wait()
{
	local dir i tenths=${2:-10}
	dir=$(e2e_sink_dir "$1")/new
	for i in $(seq 1 $((tenths * 10))); do
		if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
			ls -t "$dir"/* | head -n 1
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# e2e_sink_list - every delivered message as "ADDRESS FILE", oldest first
e2e_sink_list()
{
	local f rel
	find "$E2E_SINK" -path '*/new/*' -type f -printf '%T@ %p\n' 2>/dev/null |
	    sort -n | while read -r _ f; do
		rel=${f#"$E2E_SINK"/}
		# DOMAIN/LOCAL/new/FILE
		printf '%s@%s %s\n' "$(printf '%s' "$rel" | cut -d/ -f2)" \
		    "$(printf '%s' "$rel" | cut -d/ -f1)" "$f"
	done
}

# e2e_header FILE NAME - print the values of header field NAME (unfolded)
e2e_header()
{
	awk -v name="$2" '
	BEGIN { want = tolower(name) ":" }
	/^$/ { exit }
	/^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); val = val $0 } ; next }
	{ if (on) print val; on = 0
	  if (tolower(substr($0, 1, length(want))) == want) {
		on = 1; val = substr($0, length(want) + 1); sub(/^[ \t]+/, "", val)
	  } }
	END { if (on) print val }' "$1"
}
