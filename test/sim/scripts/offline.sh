# OFFLINE backup by hand on a database under load, then ROLLFORWARD on restored copies:
# the right way (digest equal), without sequence (8019), opened first (831/832/833),
# out of order / repeated (8019), interrupted (crash-half → retry only).
set -u
. "$(dirname "$0")/lib.sh"
A=$WORK/arch
proserve "$DB" >/dev/null || exit 10
$OE sim load "$DB" --tx 200 --seed 1 >/dev/null 2>&1
$OE sim load "$DB" --tx 1000000 --seed 2 --rate 1000 >/dev/null 2>&1 & LOAD=$!
sleep 0.3
echo "offline1=$(try proshut "$DB" -by)"
wait $LOAD; echo "load_rc=$?"
echo "offline2=$(try proutil "$DB" -C truncate bi)"
echo "offline4=$(try rfutil "$DB" -C aimage new)"
FIRST=$(busy_seq "$DB"); echo "first=$FIRST"
$OE sim archive "$DB" --to "$A" >/dev/null
mkdir "$WORK/backup" && cp -a "$WORK/db/." "$WORK/backup/"
echo "offline6=$(try rfutil "$DB" -C mark backedup)"
echo "offline7=$(try proserve "$DB")"
$OE sim load "$DB" --tx 1500 --seed 3 >/dev/null 2>&1
proshut "$DB" -by >/dev/null
rfutil "$DB" -C aimage new >/dev/null
$OE sim archive "$DB" --to "$A" >/dev/null
LAST=$(last_seq "$A"); echo "last=$LAST"
echo "source_digest=$(digest "$DB")"
N=$(basename "$DB")

# A: sequence, then out of order, then in order, then a repeat
restore "$WORK/backup" "$WORK/a"
echo "a_sequence=$(try rfutil "$WORK/a/$N" -C sequence)"
echo "a_out_of_order=$(try rfutil "$WORK/a/$N" -C roll forward -a "$(ai_file "$A" $((FIRST + 1)))")"
echo "a_roll=$(roll_range "$WORK/a/$N" "$A" "$FIRST" "$LAST")"
echo "a_repeat=$(try rfutil "$WORK/a/$N" -C roll forward -a "$(ai_file "$A" "$LAST")")"
echo "a_digest=$(digest "$WORK/a/$N")"

# B: no sequence → 8019; sequence afterwards is refused (AI already disabled)
restore "$WORK/backup" "$WORK/b"
echo "b_roll=$(try rfutil "$WORK/b/$N" -C roll forward -a "$(ai_file "$A" "$FIRST")")"
echo "b_8019=$(rfutil "$WORK/b/$N" -C roll forward -a "$(ai_file "$A" "$FIRST")" | grep 8019)"
echo "b_sequence=$(try rfutil "$WORK/b/$N" -C sequence)"

# C: the copy is opened (proserve) before the roll forward → 831/832/833 + 11014
restore "$WORK/backup" "$WORK/c"
rfutil "$WORK/c/$N" -C sequence >/dev/null
proserve "$WORK/c/$N" >/dev/null && proshut "$WORK/c/$N" -by >/dev/null
echo "c_roll=$(try rfutil "$WORK/c/$N" -C roll forward -a "$(ai_file "$A" "$FIRST")")"

# D: interrupted roll forward: only retry on the same file continues it
restore "$WORK/backup" "$WORK/d"
rfutil "$WORK/d/$N" -C sequence >/dev/null
OEFLOW_SIM_FAULTS='rfutil:roll forward:crash-half' rfutil "$WORK/d/$N" -C roll forward -a "$(ai_file "$A" "$FIRST")" >/dev/null 2>&1
echo "d_crash_rc=$?"
echo "d_plain=$(try rfutil "$WORK/d/$N" -C roll forward -a "$(ai_file "$A" "$FIRST")")"
echo "d_retry=$(try rfutil "$WORK/d/$N" -C roll forward retry -a "$(ai_file "$A" "$FIRST")")"
echo "d_rest=$(roll_range "$WORK/d/$N" "$A" $((FIRST + 1)) "$LAST")"
echo "d_digest=$(digest "$WORK/d/$N")"
