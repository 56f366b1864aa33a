#!/usr/bin/env bash
# Proves a futures-ledger executable on the machine it was built for: its --version, and the
# offline commands on the committed test data (tests/data/futures_fills.csv), with everything it
# prints and writes compared byte for byte with `deno task` (deno run, with the same permissions).
#
#   bash scripts/check_binary.sh dist/futures-ledger-x86_64-unknown-linux-gnu
#
# The CI and release workflows run it on each platform's own runner. It is bash, so that one
# script runs on Linux, macOS and Windows (the Windows runners have Git Bash: `shell: bash`);
# on Windows every path given to the programs is a native one (C:\...\file, from cygpath), so
# the .exe is also proven on Windows paths. report.html states when it was made ("made
# YYYY-MM-DD HH:MM:SS UTC"): that one time is masked before the comparison; every other byte of
# every file and of standard output and error must be identical. Exit 0 when all is identical.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: bash scripts/check_binary.sh BINARY" >&2; exit 2; }
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() { echo "check_binary: FAILED: $*" >&2; exit 1; }
# A path as the programs' own OS writes it.
native() { if command -v cygpath > /dev/null; then cygpath -w "$1"; else printf '%s\n' "$1"; fi; }

case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) [[ "$binary" == *.exe ]] || fail "a Windows binary is named *.exe: $binary" ;;
esac
[[ -f "$binary" ]] || fail "no such file: $binary"

cd "$root"
version="$(deno eval 'console.log(JSON.parse(Deno.readTextFileSync("deno.json")).version)')"
said="$("$binary" --version)" || fail "$binary --version exited with $?"
[[ "$said" == "futures-ledger $version" ]] || fail "--version said \"$said\", not \"futures-ledger $version\""
echo "check_binary: $said"

# `deno task` with its output alone: no "Task ..." line, and no download message on first use.
task() { deno task --quiet --config "$(native "$root/deno.json")" "$@"; }
task report --help > /dev/null

# sync is compared only without keys: none in the environment, and no .env where it looks (the
# working directory, which deno task makes the repository, and beside the binary).
unset BINANCE_API_KEY BINANCE_SECRET_KEY BINANCE_PRIVATE_KEY_FILE BINANCE_BASE_URL
with_sync=yes
if [[ -e "$root/.env" || -e "$(dirname "$binary")/.env" ]]; then
  with_sync=no
  echo "check_binary: a .env file is present: sync is not compared"
fi

mkdir "$work/in" "$work/binary" "$work/deno"
cp tests/data/futures_fills.csv "$work/in/futures_fills.csv"
fills="$(native "$work/in/futures_fills.csv")"
positions="$(native "$work/in/futures_positions.csv")"
report="$(native "$work/in/report.html")"

# Runs the commands with `$@` (the binary, or deno task) on the same paths, then moves what they
# wrote and printed into $work/$side.
run_side() {
  local side="$1"
  shift
  local code=0
  "$@" positions --fills "$fills" --out "$positions" --jobs 2 \
    > "$work/$side/positions.stdout" 2> "$work/$side/positions.stderr" || code=$?
  echo "positions exit $code" > "$work/$side/exit-codes"
  code=0
  "$@" report --positions "$positions" --out "$report" \
    > "$work/$side/report.stdout" 2> "$work/$side/report.stderr" || code=$?
  echo "report exit $code" >> "$work/$side/exit-codes"
  if [[ "$with_sync" == yes ]]; then
    # No keys: sync stops before any request (exit 2), having read only its own settings.
    code=0
    "$@" sync --out "$(native "$work/in/ledger")" \
      > "$work/$side/sync.stdout" 2> "$work/$side/sync.stderr" || code=$?
    echo "sync exit $code" >> "$work/$side/exit-codes"
  fi
  # (A file not written is compared as empty; the exit codes differ then anyway.)
  touch "$work/in/futures_positions.csv" "$work/in/report.html"
  mv "$work/in/futures_positions.csv" "$work/$side/"
  sed -E 's/made [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC/made (time) UTC/' \
    "$work/in/report.html" > "$work/$side/report.html"
  rm "$work/in/report.html"
}
run_side binary "$binary"
run_side deno task

grep -qx "positions exit 0" "$work/deno/exit-codes" || fail "deno task positions failed: $(cat "$work/deno/positions.stderr")"
names=(positions.stdout positions.stderr futures_positions.csv report.stdout report.stderr
  report.html)
[[ "$with_sync" == no ]] || names+=(sync.stdout sync.stderr)
names+=(exit-codes)
for name in "${names[@]}"; do
  if ! cmp -s "$work/binary/$name" "$work/deno/$name"; then
    diff -u "$work/deno/$name" "$work/binary/$name" | head -40 >&2 || true
    fail "$name differs between deno task (---) and the binary (+++)"
  fi
  echo "check_binary: $name identical ($(wc -c < "$work/binary/$name" | tr -d ' ') bytes)"
done
# The same commands from the fills file's directory, with the default file names.
(cd "$work/in" && "$binary" positions > /dev/null)
cmp "$work/in/futures_positions.csv" "$work/binary/futures_positions.csv" ||
  fail "positions with the default names wrote another file than with --fills/--out"

echo "check_binary: $binary does what deno task does"
