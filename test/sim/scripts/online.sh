# ONLINE backup by hand (quiet point) while a load runs, then ROLLFORWARD on the copy.
set -u
. "$(dirname "$0")/lib.sh"
A=$WORK/arch
N=$(basename "$DB")
proserve "$DB" >/dev/null || exit 10
$OE sim load "$DB" --tx 300 --seed 1 >/dev/null 2>&1
$OE sim load "$DB" --tx 1000000 --seed 2 --rate 1000 >/dev/null 2>&1 & LOAD=$!
sleep 0.3
echo "online1=$(try proquiet "$DB" enable)"
FIRST=$(busy_seq "$DB"); echo "first=$FIRST"
AT_QUIET=$(digest "$DB")
mkdir "$WORK/backup" && cp -a "$WORK/db/." "$WORK/backup/"
sleep 0.3
echo "quiet_held=$([ "$AT_QUIET" = "$(digest "$DB")" ] && echo yes || echo no)"
# the copied .lk names the live source broker: the copy cannot be touched until it is removed
echo "copy_locked=$(try prostrct repair "$WORK/backup/$N")"
echo "online4=$(try proquiet "$DB" disable)"
sleep 0.3
echo "load_moved=$([ "$AT_QUIET" != "$(digest "$DB")" ] && echo yes || echo no)"
proshut "$DB" -by >/dev/null
wait $LOAD
$OE sim archive "$DB" --to "$A" >/dev/null
echo "close_last=$(try rfutil "$DB" -C aimage new)"
$OE sim archive "$DB" --to "$A" >/dev/null
LAST=$(last_seq "$A"); echo "last=$LAST"
echo "source_digest=$(digest "$DB")"
restore "$WORK/backup" "$WORK/r"
echo "r_sequence=$(try rfutil "$WORK/r/$N" -C sequence)"
echo "r_roll=$(roll_range "$WORK/r/$N" "$A" "$FIRST" "$LAST")"
echo "r_digest=$(digest "$WORK/r/$N")"
