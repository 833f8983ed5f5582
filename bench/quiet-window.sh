#!/usr/bin/env bash
# The baseline of bench/quiet-window: what a DBA's script does for an online OS backup, with
# the same utility calls oeflow makes around the quiet point — the file list before it
# (prostrct list), proquiet enable, cp of every listed file (and the .db), proquiet disable.
# Prints "<window ms> <total ms>": the window from the enable's return to the disable's.
# Usage: bench/quiet-window.sh <db> <destination> [cp options, e.g. --reflink=always]
set -euo pipefail
db=$1 dest=$2 cpopt=${3:-}
ms() { echo $(( $(date +%s%N) / 1000000 )); }
start=$(ms)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prostrct list "$db" "$tmp/list.st" >/dev/null
mapfile -t files < <(awk '$1 ~ /^[abdt]$/ { for (i = 2; i <= NF; i++) if ($i ~ /^\//) print $i }' "$tmp/list.st")
mkdir -p "$dest"
proquiet "$db" enable >/dev/null
enabled=$(ms)
# shellcheck disable=SC2086 # cpopt is empty or one option
cp $cpopt "$db.db" "${files[@]}" "$dest/"
proquiet "$db" disable >/dev/null
disabled=$(ms)
echo "$(( disabled - enabled )) $(( disabled - start ))"
