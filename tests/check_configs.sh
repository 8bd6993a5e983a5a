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

# contains LABEL TEXT - the last command's output has TEXT
contains() {
	if grep -qF -- "$2" "$out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $1: no \"$2\" in:"
		sed 's/^/    /' "$out"
		fail=$((fail + 1))
	fi
}

# Detectors: each problem with its file and line, a dictionary's in the
# dictionary itself.
check "detector errors" 78 "$build/guardianctl" -c "$data/bad-detectors.xml" check &&
    contains "detector errors" \
	"bad-detectors.xml:6: detector id \"student\" is reserved for a built-in detector" &&
    contains "detector errors" "bad-detectors.xml:8: duplicate detector id \"codes\"" &&
    contains "detector errors" \
	"bad-detectors.xml:9: invalid regex \"a(b\" in <pattern>: missing closing parenthesis at offset 3" &&
    contains "detector errors" \
	"bad-detector-words.txt:3: no word in \"!!!\" (words are letters and digits)"

# The directory as an administrator looks at it.
shipped="$top/rules/guardian-milter.xml"
check "roster lookup of a student" 0 "$build/guardianctl" -c "$shipped" \
    roster lookup SAM.LEE+reading@students.district.example &&
    contains "roster lookup of a student" "student (found without its +tag)" &&
    contains "roster lookup of a student" "grade: 02, level: elementary" &&
    contains "roster lookup of a student" \
	"g2 Jordan Lee <jordan.lee@yahoo.com> (parent), opted out of being copied"
check "roster lookup of a guardian" 0 "$build/guardianctl" -c "$shipped" \
    roster lookup alex.lee@gmail.com &&
    contains "roster lookup of a guardian" \
	"s2 Mia Lee <mia.lee@students.district.example> (student), elementary"
check "roster lookup of a consumer address" 0 "$build/guardianctl" \
    -c "$shipped" roster lookup someone@hotmail.com &&
    contains "roster lookup of a consumer address" "someone@hotmail.com: personal"
check "roster lookup of a non-address" 65 "$build/guardianctl" -c "$shipped" \
    roster lookup "not an address"
# Addresses are looked up in their canonical form (address.h).
check "roster lookup of a percent-hack address" 0 "$build/guardianctl" \
    -c "$shipped" roster lookup \
    'sam.lee%students.district.example@district.example' &&
    contains "roster lookup of a percent-hack address" \
	"sam.lee%students.district.example@district.example: student" &&
    contains "roster lookup of a percent-hack address" \
	"delivered to: sam.lee@students.district.example"
check "roster lookup of nested routing" 65 "$build/guardianctl" \
    -c "$shipped" roster lookup 'a%b%c@district.example' &&
    contains "roster lookup of nested routing" \
	"a%b%c@district.example: unresolvable (nested routing"
# A name with a line break in the export is shown escaped, on one line.
nl=$(mktemp -d)
cp -r "$top/rules/example-roster" "$top/rules/guardian-milter.xml" \
    "$top/rules/district-policy.xml" "$top/rules/offensive-words.txt" "$nl/" &&
    sed -i 's/^s1,\(.*\),Sam,Lee,/s1,\1,"Sam\
injected: line",Lee,/' "$nl/example-roster/users.csv"
check "roster lookup of a name with a line break" 0 "$build/guardianctl" \
    -c "$nl/guardian-milter.xml" roster lookup \
    sam.lee@students.district.example &&
    contains "roster lookup of a name with a line break" \
	"person: s1 Sam\\ninjected: line Lee <" &&
    if grep -q '^injected' "$out"; then
	    echo "FAIL: the line break reached the output"
	    fail=$((fail + 1))
    fi
rm -rf "$nl"
check "roster check of the example roster" 0 "$build/guardianctl" \
    -c "$shipped" roster check &&
    contains "roster check of the example roster" \
	"persons: 78 (students 37, guardians 37, staff 4, disabled 0)" &&
    contains "roster check of the example roster" \
	"result: OK (0 errors, 0 warnings)"
check "roster check of a broken export" 65 "$build/guardianctl" \
    -c "$shipped" roster check "$top/tests/data/roster-broken" &&
    contains "roster check of a broken export" \
	"roster-broken/users.csv:1: missing required column \"email\"" &&
    contains "roster check of a broken export" "result: FAILED (1 error, 7 warnings)"
check "roster check of a missing directory" 65 "$build/guardianctl" \
    -c "$shipped" roster check /nonexistent/export &&
    contains "roster check of a missing directory" \
	"/nonexistent/export: cannot open the roster directory: No such file or directory" &&
    contains "roster check of a missing directory" \
	"result: FAILED, the export could not be read (1 error)"
check "roster without a subcommand" 64 "$build/guardianctl" -c "$shipped" \
    roster

# Lists and aliases (<virtual-aliases>): looked up, counted, judged by
# their members, and a broken file refused with file:line.
check "roster lookup of a list" 0 "$build/guardianctl" -c "$shipped" \
    roster lookup Lincoln-Elementary@district.example &&
    contains "roster lookup of a list" \
	"Lincoln-Elementary@district.example: list (virtual alias, $top/rules/example-roster/virtual line 14): delivered to 3 addresses" &&
    contains "roster lookup of a list" \
	"  omar.kim@students.district.example: student, s3 Omar Kim, elementary, on grade2-reading@district.example" &&
    contains "roster lookup of a list" \
	"  mia.lee@students.district.example: student, s2 Mia Lee, elementary"
check "roster lookup of an alias" 0 "$build/guardianctl" -c "$shipped" \
    roster lookup sam@district.example &&
    contains "roster lookup of an alias" \
	"sam@district.example: alias (virtual alias, $top/rules/example-roster/virtual line 18): delivered to 1 address"
check "roster check counts the aliases" 0 "$build/guardianctl" \
    -c "$shipped" roster check &&
    contains "roster check counts the aliases" \
	"virtual aliases: 4 (naming 6 addresses)"
m=$(mktemp)
printf 'From: Maria Teach <teach@district.example>\nTo: grade2-reading@district.example\nSubject: Reading log\n\nHi all.\n' >"$m"
check "a message to a list copies its students' guardians" 0 \
    "$build/guardianctl" -c "$shipped" test --from teach@district.example \
    --rcpt grade2-reading@district.example --auth mteach \
    --macro '{client_addr}=10.1.2.3' "$m" &&
    contains "a message to a list copies its students' guardians" \
	"hana.kim@example.org: guardian of student s3 (elementary) on the list grade2-reading@district.example under rule elementary-middle-include-guardians" &&
    contains "a message to a list copies its students' guardians" \
	"X-Guardian-Copied: 2 parent/guardian addresses of 2 students added as blind copies under district policy"
rm -f "$m"
nl=$(mktemp -d)
cp -r "$top/rules/example-roster" "$top/rules/guardian-milter.xml" \
    "$top/rules/district-policy.xml" "$top/rules/offensive-words.txt" "$nl/" &&
    printf 'grade3@district.example\nstaff: a@example.org\n' \
	>>"$nl/example-roster/virtual"
n=$(wc -l <"$nl/example-roster/virtual")
check "guardianctl check of a broken virtual alias file" 78 \
    "$build/guardianctl" -c "$nl/guardian-milter.xml" check &&
    contains "guardianctl check of a broken virtual alias file" \
	"$nl/example-roster/virtual:$((n - 1)): \"grade3@district.example\" has no result (expected \"key  result, result ...\")" &&
    contains "guardianctl check of a broken virtual alias file" \
	"example-roster/virtual:$n: \"staff:\" is in the aliases(5) format"
rm -rf "$nl"

# Who the sender is, under the shipped policy (issue 11 item 4): the
# author counts, a login decides, mail claiming a district author from
# outside is flagged and never marked as checked.
m=$(mktemp)
printf 'From: Maria Teach <teach@district.example>\nTo: sam.lee@students.district.example\nSubject: Homework\n\nHi Sam.\n' >"$m"
check "null sender with a teacher's From" 0 "$build/guardianctl" \
    -c "$shipped" test --from "" --rcpt sam.lee@students.district.example \
    --macro '{client_addr}=10.1.2.3' "$m" &&
    contains "null sender with a teacher's From" "alex.lee@gmail.com" &&
    contains "null sender with a teacher's From" "X-Guardian-Policy"
check "a teacher's From from outside the district" 0 "$build/guardianctl" \
    -c "$shipped" test --from "" --rcpt sam.lee@students.district.example \
    --macro '{client_addr}=203.0.113.9' "$m" &&
    contains "a teacher's From from outside the district" "alex.lee@gmail.com" &&
    contains "a teacher's From from outside the district" \
	"X-Guardian-Warning: claims a district sender but came from outside" &&
    if grep -q "X-Guardian-Policy" "$out"; then
	    echo "FAIL: mail from outside was marked as checked"
	    fail=$((fail + 1))
    fi
printf 'From: Ms. High <high@district.example>\nTo: ava.chen@students.district.example\nSubject: Lab\n\nHi Ava.\n' >"$m"
check "a login the directory does not know" 0 "$build/guardianctl" \
    -c "$shipped" test --from high@district.example \
    --rcpt ava.chen@students.district.example --auth ghost@district.example \
    --macro '{client_addr}=10.1.2.3' "$m" &&
    contains "a login the directory does not know" "wei.chen@gmail.com"
check "the teacher signed in, after the notice" 0 "$build/guardianctl" \
    -c "$shipped" test --from high@district.example \
    --rcpt ava.chen@students.district.example --auth jhigh \
    --macro '{client_addr}=10.1.2.3' "$m" &&
    if grep -q "wei.chen@gmail.com" "$out"; then
	    echo "FAIL: the signed-in teacher's notice was not honoured"
	    fail=$((fail + 1))
    else
	    pass=$((pass + 1))
    fi
rm -f "$m"

# A student with no parent or guardian on record: the shipped policy
# delivers staff mail with a warning and a blind copy to the compliance
# mailbox, never silently; a family whose guardians all opted out made
# their choice and is not flagged. The example roster, with Nico (no
# guardian linked) and Olga (her only guardian opted out) added.
ng=$(mktemp -d)
cp -r "$top/rules/example-roster" "$top/rules/guardian-milter.xml" \
    "$top/rules/district-policy.xml" "$top/rules/offensive-words.txt" "$ng/" &&
    sed -i 's/^g1,active/s8,active,,true,es1,student,nnew,,Nico,New,,S2008,nico.new@students.district.example,,,,03,\
s9,active,,true,ms1,student,ooptd,,Olga,Optd,,S2009,olga.optd@students.district.example,,,g8,07,\
g8,active,,true,d1,parent,,,Omar,Optd,,,omar.optd@example.org,,,s9,,\
&/' "$ng/example-roster/users.csv" &&
    printf 'guardian,g8,,yes,,,asked not to be copied\n' \
	>>"$ng/example-roster/preferences.csv"
printf 'From: Maria Teach <teach@district.example>\nTo: nico.new@students.district.example\nSubject: Welcome\n\nHi Nico.\n' >"$ng/m.eml"
check "a student with no guardian on record" 0 "$build/guardianctl" \
    -c "$ng/guardian-milter.xml" test --from teach@district.example \
    --rcpt nico.new@students.district.example --auth mteach \
    --macro '{client_addr}=10.1.2.3' "$ng/m.eml" &&
    contains "a student with no guardian on record" \
	"elementary-middle-no-guardian-on-record [enforce]: add-header X-Guardian-Warning, add-recipient compliance" &&
    contains "a student with no guardian on record" \
	"X-Guardian-Warning: no parent or guardian of a student recipient is on record to copy" &&
    contains "a student with no guardian on record" \
	"compliance@district.example: compliance mailbox under rule elementary-middle-no-guardian-on-record"
check "a student whose guardian opted out" 0 "$build/guardianctl" \
    -c "$ng/guardian-milter.xml" test --from mid@district.example \
    --rcpt olga.optd@students.district.example --auth dmid \
    --macro '{client_addr}=10.1.2.3' "$ng/m.eml" &&
    if grep -q "compliance@district.example\|X-Guardian-Warning\|omar.optd" \
	"$out"; then
	    echo "FAIL: an opted-out family was flagged or copied"
	    sed 's/^/    /' "$out"
	    fail=$((fail + 1))
    else
	    pass=$((pass + 1))
    fi
# Without <compliance-address> (a configuration from before the
# setting) the alerts go to postmaster of the first district domain, with
# a warning naming the rule: the daemon still starts and still alerts.
sed -i '/<compliance-address>/d' "$ng/guardian-milter.xml"
check "the shipped policy without <compliance-address>" 0 \
    "$build/guardianctl" -c "$ng/guardian-milter.xml" check &&
    contains "the shipped policy without <compliance-address>" \
	"district-policy.xml:"
    contains "the shipped policy without <compliance-address>" \
	"warning: rule \"elementary-middle-no-guardian-on-record\" adds the compliance mailbox, but <settings> has no <compliance-address>: the alerts go to postmaster@district.example"
rm -rf "$ng"

# Quarantine (issue 9): a policy that can hold mail refuses a store
# others may write; guardianctl test says what would happen and shows
# the notice; an id that is not one never reaches the store.
qd=$(mktemp -d)
chmod 755 "$qd"
cat >"$qd/q.xml" <<EOF
<guardian-milter version="1">
  <settings>
    <spool-dir>$qd</spool-dir>
    <quarantine><dir>$qd/store</dir><notices>yes</notices></quarantine>
  </settings>
  <rule id="hold-grades" policy="Student Records (Policy 4150)">
    <when><header name="Subject" regex="grades"/></when>
    <then><quarantine>Grades go through the parent portal.</quarantine></then>
  </rule>
</guardian-milter>
EOF
mkdir -m 0770 "$qd/store"
chmod 0770 "$qd/store"
check "guardian-milter -n with a group-writable quarantine store" 78 \
    "$build/guardian-milter" -n -c "$qd/q.xml" &&
    contains "guardian-milter -n with a group-writable quarantine store" \
	"quarantine directory $qd/store is group-writable (mode 0770): refusing to keep held mail there (expected 0750)"
chmod 0750 "$qd/store"
check "guardian-milter -n with a private quarantine store" 0 \
    "$build/guardian-milter" -n -c "$qd/q.xml"
printf 'From: t@district.example\nTo: p@gmail.example\nSubject: Your grades\n\nHi\n' >"$qd/m.eml"
check "guardianctl test of a message a rule holds" 13 "$build/guardianctl" \
    -c "$qd/q.xml" test --from t@district.example --rcpt p@gmail.example \
    "$qd/m.eml" &&
    contains "guardianctl test of a message a rule holds" \
	"would be quarantined: held for review, not delivered" &&
    contains "guardianctl test of a message a rule holds" \
	"notice to <t@district.example>:" &&
    contains "guardianctl test of a message a rule holds" \
	"Why: Grades go through the parent portal."
check "guardianctl quarantine show ../etc/passwd" 64 "$build/guardianctl" \
    -c "$qd/q.xml" quarantine show ../../../../etc/passwd &&
    contains "guardianctl quarantine show ../etc/passwd" \
	"invalid quarantine id (expected 16 lower-case hex digits"
check "guardianctl quarantine release without a reason" 64 \
    "$build/guardianctl" -c "$qd/q.xml" quarantine release 0123456789abcdef &&
    contains "guardianctl quarantine release without a reason" \
	"release needs --reason TEXT"
rm -rf "$qd"
# The review pages (guardian-review): loopback by default; a wider
# address needs TLS or an explicit <plain-http>; TLS needs both files.
rd=$(mktemp -d)
chmod 755 "$rd"
review_config()
{
	cat >"$rd/r.xml" <<EOF
<guardian-milter version="1">
  <settings>
    <spool-dir>$rd</spool-dir>
    <quarantine><dir>$rd/store</dir><reviewer-group>compliance</reviewer-group>
      <review>$1</review></quarantine>
  </settings>
</guardian-milter>
EOF
}
review_config ""
check "guardian-review -n on the default loopback address" 0 \
    "$build/guardian-review" -n -c "$rd/r.xml" &&
    contains "guardian-review -n on the default loopback address" \
	"would listen on 127.0.0.1:8895"
review_config "<listen>0.0.0.0:8895</listen>"
check "guardian-review -n on 0.0.0.0 without TLS" 78 \
    "$build/guardian-review" -n -c "$rd/r.xml" &&
    contains "guardian-review -n on 0.0.0.0 without TLS" \
	"will not serve 0.0.0.0:8895 without TLS"
review_config "<listen>0.0.0.0:8895</listen><plain-http>yes</plain-http>"
check "guardian-review -n on 0.0.0.0 with <plain-http>yes" 0 \
    "$build/guardian-review" -n -c "$rd/r.xml"
review_config "<tls-cert>$rd/cert.pem</tls-cert>"
check "guardian-review -n with a certificate but no key" 78 \
    "$build/guardian-review" -n -c "$rd/r.xml" &&
    contains "guardian-review -n with a certificate but no key" \
	"<review> needs both <tls-cert> and <tls-key>, or neither"
review_config "<listen>localhost</listen>"
check "guardian-review -n with a listen address without a port" 78 \
    "$build/guardian-review" -n -c "$rd/r.xml" &&
    contains "guardian-review -n with a listen address without a port" \
	"<listen> \"localhost\": expected ADDRESS:PORT"
rm -rf "$rd"
echo "configs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
