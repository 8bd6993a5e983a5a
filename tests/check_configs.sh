#!/bin/sh
# check_configs.sh BUILDDIR - the administrator's view of broken files:
# `guardian-milter -n` and `guardianctl check` on every test file must
# exit 78 with "file:line: message" lines for each bad-*.xml, and 0 for
# each good-*.xml and for the shipped configuration.
set -u
build=${1:?usage: check_configs.sh BUILDDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
data="$top/tests/data/config"
GUARDIAN_MILTER_SCHEMA="$top/rules/guardian-milter.rng"
export GUARDIAN_MILTER_SCHEMA
pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

check() { # label, expected status, command...
	label=$1 want=$2
	shift 2
	"$@" >"$out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $label: exit $got, expected $want"
		sed 's/^/    /' "$out"
		fail=$((fail + 1))
		return 1
	fi
	pass=$((pass + 1))
	return 0
}

# has_location - the output names a file and a line for each problem
has_location() {
	if grep -Eq '^/[^:]+\.xml:[0-9]+(:[0-9]+)?: ' "$out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $1: no file:line: message"
		sed 's/^/    /' "$out"
		fail=$((fail + 1))
	fi
}

for f in "$data"/bad-*.xml; do
	name=$(basename "$f")
	check "guardian-milter -n on $name" 78 \
	    "$build/guardian-milter" -n -c "$f" &&
	    has_location "guardian-milter -n on $name"
	check "guardianctl check on $name" 78 \
	    "$build/guardianctl" -c "$f" check &&
	    has_location "guardianctl check on $name"
done
for f in "$data"/good-*.xml "$top/rules/guardian-milter.xml"; do
	name=$(basename "$f")
	check "guardian-milter -n on $name" 0 "$build/guardian-milter" -n -c "$f"
	check "guardianctl check on $name" 0 "$build/guardianctl" -c "$f" check
done
check "guardian-milter -n on a missing file" 78 \
    "$build/guardian-milter" -n -c /nonexistent/guardian-milter.xml
echo "configs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
