#!/bin/sh
# run.sh - the differential test: guardianctl test --json against the
# running daemon over a corpus of messages, envelopes and configurations
#
#   tests/diff/run.sh BUILDDIR [-v] [-k] [--only CASE-GLOB]
#
# See difftest.py. The last line is "diff: N passed, N failed, N skipped";
# the exit status is non-zero if a case failed.

set -u
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILDDIR [-v] [-k] [--only CASE-GLOB]" >&2
	exit 64
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 not found: the differential test needs it"
	echo "diff: 0 passed, 1 failed"
	exit 1
fi
builddir=$1
shift
exec python3 "$here/difftest.py" "$@" "$builddir"
