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
pghost=127.0.0.1 pgport=5432 pguser=postgres db=hygie_kill_test port=18521
work=$(mktemp -d)
psqlq() { psql -h "$pghost" -p "$pgport" -U "$pguser" "$@"; }
jar=fhir-server/target/fhir-server.jar
start_server() {
  java -Xmx512m -jar "$jar" --server.port=$port --hygie.data-dir="$work/server" --hygie.security.dev-issuer=true \
    --hygie.security.rate-limit.requests-per-second=0 --spring.datasource.url="jdbc:postgresql://$pghost:$pgport/$db" \
    --spring.datasource.username="$pguser" --logging.level.root=WARN >> "$work/server.log" 2>&1 &
  server=$!
  local started=$(date +%s%N)
  for _ in $(seq 1 240); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.25; done
  startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}
trap 'kill -9 ${server:-0} 2>/dev/null || true' EXIT

java -cp test-data/target/hygie-test-data-0.1.0-SNAPSHOT.jar org.hygie.testdata.DirectoryGenerator "$work/data" "$practitioners" 1 11 0 >/dev/null
psqlq -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
start_server
export HYGIE_TOKEN
HYGIE_TOKEN=$(java -jar "$jar" token --scope "system/*.cruds" --ttl 3600 --hygie.data-dir="$work/server")
java -jar "$jar" load "$work/data" --url="http://localhost:$port/fhir" --parallel=2 >/dev/null 2>&1
psqlq -Atc "select r.res_id || ' ' || to_char(to_timestamp(sa.start_low / 1000.0) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
  || ' ' || to_char(to_timestamp(sa.end_low / 1000.0) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
  from slot_availability sa join resource r on r.pk = sa.resource_pk where sa.status = 'free' order by random()" "$db" > "$work/slots.txt"

HYGIE_ACK_LOG="$work/acks.txt" java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" \
  $(( before_kill + 30 )) 0.1 > "$work/load.txt" &
load=$!
sleep "$before_kill"
kill -9 "$server"; wait "$server" 2>/dev/null || true
acked_at_kill=$(wc -l < "$work/acks.txt")
sleep 2
start_server
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
inconsistent=$(psqlq -Atc "select count(*) from slot_availability sa join resource r on r.pk = sa.resource_pk
  left join slot_reservation sr on sr.slot_id = r.res_id
  where (sr.slot_id is null and sa.status = 'busy-tentative') or (sr.slot_id is not null and sa.status = 'free')" "$db")
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
