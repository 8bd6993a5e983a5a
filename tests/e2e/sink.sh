#!/bin/sh
# sink.sh SINKDIR RECIPIENT - the private Postfix's delivery agent
#
# Run by pipe(8) once per recipient with the message on stdin; stores it
# as a Maildir file SINKDIR/DOMAIN/LOCALPART/new/NAME, written under tmp/
# first so that a reader never sees half a message.
# Exit 65 (EX_DATAERR) bounces, 75 (EX_TEMPFAIL) defers.
set -u
sink=$1
rcpt=$2
case $rcpt in
'' | */* | .* | *..* | *@*@*)
	echo "sink: refusing recipient address \"$rcpt\""
	exit 65
	;;
esac
localpart=${rcpt%@*}
domain=${rcpt##*@}
[ "$domain" != "$rcpt" ] || domain=localhost
dir=$sink/$domain/$localpart
mkdir -p "$dir/tmp" "$dir/new" || exit 75
name=$(date +%s).$$.sink
cat >"$dir/tmp/$name" || exit 75
mv "$dir/tmp/$name" "$dir/new/$name" || exit 75
exit 0
