# Helpers for the by-hand procedure scripts: plain bash over the fake $DLC/bin
# utilities and `oeflow sim` (load/archive/digest). No oeflow engine.
# Needs: DLC and PATH ($DLC/bin first), CLI_JS (dist/src/cli/bin.js), WORK, DB.
OE="node $CLI_JS"

# message numbers of a utility's output, space separated
nums() { grep -oE '\([0-9]+\)$' | tr -d '()' | tr '\n' ' ' | sed 's/ $//'; }

# run a utility and print "<numbers> rc=<exit code>"
try() { local out rc; out=$("$@" 2>&1); rc=$?; echo "$(printf '%s\n' "$out" | nums) rc=$rc"; }

# sequence number of the BUSY AI extent
busy_seq() { rfutil "$1" -C aimage list | awk '/^Status:  Busy/{b=1} b && /^ Seqno:/{print $2; exit}'; }

digest() { $OE sim digest "$1" | awk '{print $1}'; }

# archived AI file holding sequence $2 in archive dir $1 (…<aiseq 8>.<extent name>)
ai_file() { ls "$1" | awk -F. -v s="$2" '$(NF-2)+0 == s {print}' | sed "s|^|$1/|"; }

# highest sequence archived in $1
last_seq() { ls "$1" | awk -F. '{print $(NF-2)+0}' | sort -n | tail -1; }

# RF-1/RF-2: restore backup dir $1 into $2, drop a copied .lk, point the .st at the copy, repair
restore() {
  local name; name=$(basename "$DB")
  mkdir -p "$2" && cp -a "$1/." "$2/" && rm -f "$2/$name.lk"
  prostrct list "$2/$name" >/dev/null
  sed -i "s|$(dirname "$DB")/|$2/|" "$2/$name.st"
  prostrct repair "$2/$name" >/dev/null
}

# RF-5 for sequences $3..$4 from archive $2 onto db $1; prints the rc of each
roll_range() { local s; for s in $(seq "$3" "$4"); do rfutil "$1" -C roll forward -a "$(ai_file "$2" "$s")" >/dev/null; printf '%s ' $?; done; echo; }
