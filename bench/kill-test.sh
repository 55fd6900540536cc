#!/usr/bin/env bash
# Reliability under a crash: books slots at full speed, kills the server with SIGKILL mid-run, restarts
# it on the same database, then checks that every acknowledged (201) booking is there, booked, on a busy
# slot; that no slot is both free and reserved; and that no resource is half-written. Exit code 1 if not.
# usage: bench/kill-test.sh [practitioners] [concurrency] [seconds-before-kill]   (PostgreSQL at 127.0.0.1:5432)
set -euo pipefail
cd "$(dirname "$0")/.."
practitioners=${1:-50}
concurrency=${2:-16}
before_kill=${3:-8}
db=hygie_kill_test port=18521
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap 'kill -9 ${server:-0} 2>/dev/null || true' EXIT

fresh_database "$db"
start_server "$port" "$work/server" "$db"
generate_and_load "$work/server" "$port" "$practitioners" 11 "$work"
free_slots "$db" > "$work/slots.txt"

HYGIE_ACK_LOG="$work/acks.txt" java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" \
  $(( before_kill + 30 )) 0.1 > "$work/load.txt" &
load=$!
sleep "$before_kill"
kill -9 "$server"; wait "$server" 2>/dev/null || true
acked_at_kill=$(wc -l < "$work/acks.txt")
sleep 2
start_server "$port" "$work/server" "$db"
wait "$load" || true
read -r requests _ booked conflicts errors _ < "$work/load.txt"

# every acknowledged booking survived, booked, on a busy slot
missing=0
while read -r slot appointment; do
  body=$(curl -s -H "Authorization: Bearer $HYGIE_TOKEN" "localhost:$port/fhir/Appointment/$appointment")
  case "$body" in *'"status":"booked"'*) ;; *) missing=$(( missing + 1 )); echo "lost: Appointment/$appointment (Slot/$slot)";; esac
  slot_status=$(curl -s -H "Authorization: Bearer $HYGIE_TOKEN" "localhost:$port/fhir/Slot/$slot" | grep -o '"status":"[a-z-]*"')
  [ "$slot_status" = '"status":"busy"' ] || { missing=$(( missing + 1 )); echo "Slot/$slot of an acknowledged booking is $slot_status"; }
done < "$work/acks.txt"
inconsistent=$(disagreements "$db")
half=$(psqlq -Atc "select count(*) from resource r where not exists (select 1 from resource_version v
  where v.resource_pk = r.pk and v.version = r.version)" "$db")
double=$(psqlq -Atc "select count(*) from (select slot_id from slot_reservation group by slot_id having count(*) > 1) d" "$db")
audit=$(java -jar "$jar" audit verify --spring.datasource.url="jdbc:postgresql://$pghost:$pgport/$db" \
  --spring.datasource.username="$pguser" --hygie.data-dir="$work/server" 2>/dev/null | tail -1)

printf "%-44s %s\n" "requests (201 + 409 + errors)" "$requests ($booked + $conflicts + $errors)"
printf "%-44s %s\n" "acknowledged bookings (201)" "$(wc -l < "$work/acks.txt") ($acked_at_kill before the kill)"
printf "%-44s %s\n" "acknowledged but lost or slot not busy" "$missing"
printf "%-44s %s\n" "slot status and reservations disagree" "$inconsistent"
printf "%-44s %s\n" "half-written resources" "$half"
printf "%-44s %s\n" "slots reserved twice" "$double"
printf "%-44s %s\n" "restart to first answer (ms)" "$startup_ms"
printf "%-44s %s\n" "audit chain" "$audit"
kill "$server" 2>/dev/null || true
psqlq -qc "drop database if exists $db" >/dev/null 2>&1 || true
[ "$missing" = 0 ] && [ "$inconsistent" = 0 ] && [ "$half" = 0 ] && [ "$double" = 0 ] && case "$audit" in *intact*) true;; *) false;; esac
