#!/bin/sh
# Checks the cfg corpus against the real Kamailio (5.6.3 from Debian 12: apt-get install kamailio
# kamailio-tls-modules kamailio-websocket-modules kamailio-extra-modules).
#
#   valid/*.cfg and kamailio-only/*.cfg   must be accepted:  `kamailio -c -f FILE` exits 0
#   invalid/*.cfg          must be rejected:  `kamailio -c -f FILE` exits non-zero, and the error
#                          lines it prints must still match lines 2.. of invalid/NAME.expected
#   ../kamailio/debian-5.6.3/kamailio.cfg   (Debian's default script, all WITH_* off) must be accepted
#
# Prints one line per file and a summary; exits 1 if any file is off, 2 if kamailio is missing.
# Only top-level *.cfg files are test scripts (valid/inc/ holds files that valid scripts include).
# Usage: check-with-kamailio.sh            (KAMAILIO=/path/to/kamailio to use another binary)

KAMAILIO=${KAMAILIO:-kamailio}
HERE=$(cd "$(dirname "$0")" && pwd)
FIXTURE="$HERE/../kamailio/debian-5.6.3/kamailio.cfg"

if ! command -v "$KAMAILIO" >/dev/null 2>&1; then
	echo "kamailio not found (set KAMAILIO=...)" >&2
	exit 2
fi
echo "# $("$KAMAILIO" -v 2>/dev/null | head -1)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

total=0
bad=0

# error lines as recorded in the .expected files: timestamps/pids cut, directory part of the path cut
normalise() {
	grep -E 'ERROR|CRITICAL|WARNING|ALERT|error' | grep -v 'could not rev. resolve' \
		| sed -E 's/^[[:space:]]*[0-9]+\([0-9]+\) //' | sed "s|$1/||g"
}

# valid scripts: run from an unrelated directory so that include_file paths must resolve
# relative to the including file
for f in "$HERE"/valid/*.cfg "$HERE"/kamailio-only/*.cfg; do
	total=$((total + 1))
	name="$(basename "$(dirname "$f")")/$(basename "$f")"
	(cd "$TMP" && "$KAMAILIO" -c -f "$f") >"$TMP/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		printf 'ok    %-50s accepted (exit 0)\n' "$name"
	else
		bad=$((bad + 1))
		printf 'FAIL  %-50s expected exit 0, got %d\n' "$name" $rc
		normalise "$HERE/valid" <"$TMP/out" | sed 's/^/        /'
	fi
done

# invalid scripts: run from their directory, as when the .expected files were recorded
for f in "$HERE"/invalid/*.cfg; do
	total=$((total + 1))
	base=$(basename "$f" .cfg)
	name="invalid/$base.cfg"
	(cd "$HERE/invalid" && "$KAMAILIO" -c -f "$base.cfg") >"$TMP/out" 2>&1
	rc=$?
	exp="$HERE/invalid/$base.expected"
	if [ $rc -eq 0 ]; then
		bad=$((bad + 1))
		printf 'FAIL  %-50s expected rejection, got exit 0\n' "$name"
		continue
	fi
	if [ ! -f "$exp" ]; then
		bad=$((bad + 1))
		printf 'FAIL  %-50s rejected (exit %d) but %s.expected is missing\n' "$name" $rc "$base"
		continue
	fi
	normalise "$HERE/invalid" <"$TMP/out" >"$TMP/got"
	tail -n +2 "$exp" >"$TMP/want"
	if cmp -s "$TMP/got" "$TMP/want"; then
		printf 'ok    %-50s rejected (exit %d) at %s\n' "$name" $rc "$(head -1 "$exp")"
	else
		bad=$((bad + 1))
		printf 'FAIL  %-50s rejected (exit %d) but the messages differ from %s.expected:\n' "$name" $rc "$base"
		diff "$TMP/want" "$TMP/got" | sed 's/^/        /'
	fi
done

# Debian's default kamailio.cfg, every WITH_* off
if [ -f "$FIXTURE" ]; then
	total=$((total + 1))
	(cd "$TMP" && "$KAMAILIO" -c -f "$FIXTURE") >"$TMP/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		printf 'ok    %-50s accepted (exit 0)\n' "kamailio/debian-5.6.3/kamailio.cfg"
	else
		bad=$((bad + 1))
		printf 'FAIL  %-50s expected exit 0, got %d\n' "kamailio/debian-5.6.3/kamailio.cfg" $rc
	fi
fi

echo "# $total files checked, $((total - bad)) as expected, $bad off"
[ $bad -eq 0 ]
