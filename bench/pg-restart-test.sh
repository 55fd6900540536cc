#!/usr/bin/env bash
# Reliability when PostgreSQL goes away: books slots, stops the machine's PostgreSQL for a few seconds
# mid-run, starts it again, and checks that the server recovered by itself (bookings succeed again),
# that every failure during the outage was a 503 (or a refused connection, never another 5xx), and that
# every acknowledged booking is there. Exit code 1 if not. Restarts the machine's PostgreSQL cluster.
# usage: bench/pg-restart-test.sh [practitioners] [concurrency] [seconds-before-outage] [outage-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
practitioners=${1:-50}
concurrency=${2:-8}
before=${3:-8}
outage=${4:-5}
db=hygie_pg_restart_test port=18541
cluster=$(ls /etc/postgresql | sort -V | tail -1)
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh
trap 'kill $server 2>/dev/null || true; pg_ctlcluster --skip-systemctl-redirect "$cluster" main start 2>/dev/null || true' EXIT

fresh_database "$db"
start_server "$port" "$work/server" "$db" --spring.datasource.hikari.connection-timeout=2000
generate_and_load "$work/server" "$port" "$practitioners" 13 "$work"
free_slots "$db" > "$work/slots.txt"

HYGIE_ACK_LOG="$work/acks.txt" java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" \
  $(( before + outage + 15 )) 0 > "$work/load.txt" 2> "$work/load.err" &
load=$!
sleep "$before"
pg_ctlcluster --skip-systemctl-redirect "$cluster" main stop -m fast
acked_before=$(wc -l < "$work/acks.txt")
sleep "$outage"
pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
for _ in $(seq 1 60); do pg_isready -h "$pghost" -p "$pgport" -q && break; sleep 0.5; done
wait "$load" || true
read -r requests _ booked conflicts errors _ < "$work/load.txt"
statuses=$(grep '^statuses' "$work/load.err" || true)
acked=$(wc -l < "$work/acks.txt")
missing=0
while read -r slot appointment; do
  curl -s -H "Authorization: Bearer $HYGIE_TOKEN" "localhost:$port/fhir/Appointment/$appointment" | grep -q '"status":"booked"' \
    || { missing=$(( missing + 1 )); echo "lost: Appointment/$appointment (Slot/$slot)"; }
done < "$work/acks.txt"
other5xx=$(echo "$statuses" | grep -oE '\b5[0-9][0-9]=[0-9]+' | grep -v '^503=' | cut -d= -f2 | paste -sd+ | bc 2>/dev/null || echo 0)
inconsistent=$(disagreements "$db")

printf "%-44s %s\n" "requests (201 + 409 + errors)" "$requests ($booked + $conflicts + $errors)"
printf "%-44s %s\n" "HTTP statuses" "${statuses#statuses: }"
printf "%-44s %s\n" "acknowledged bookings" "$acked ($acked_before before the outage, $(( acked - acked_before )) during and after)"
printf "%-44s %s\n" "acknowledged but lost" "$missing"
printf "%-44s %s\n" "5xx other than 503" "${other5xx:-0}"
printf "%-44s %s\n" "slot status and reservations disagree" "$inconsistent"
kill "$server" 2>/dev/null || true
psqlq -qc "drop database if exists $db" >/dev/null 2>&1 || true
[ "$missing" = 0 ] && [ "${other5xx:-0}" = 0 ] && [ "$inconsistent" = 0 ] && [ $(( acked - acked_before )) -gt 0 ]
