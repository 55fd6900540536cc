#!/usr/bin/env bash
# Sustained concurrent booking: loads a generated directory (test-data DirectoryGenerator) into the
# packaged server (encrypted, on the machine's PostgreSQL, fresh database), books free slots with
# bench/BookingLoad.java (10 % of requests aim at an already attempted slot), then audits double
# bookings in SQL and measures, on the same database and concurrency, PostgreSQL's raw durable
# single-row insert rate (pgbench) and, as the ceiling of this machine, PostgreSQL alone replaying the
# statements of a booking (pgbench, bench/booking-replay.sql), for the ratios.
# Needs: mvn -B -DskipTests install, psql, pgbench and a PostgreSQL server (PGHOST/PGPORT/PGUSER).
# Usage: bench/booking-bench.sh [PRACTITIONERS=300] [CONCURRENCY=16] [SECONDS=30]
# SERVER_JAVA_OPTS (default -Xmx512m) sizes the server's JVM, e.g. to check a 512 MB container.
# WARMUP (default 90 s): bookings before the measured run, long enough for the JIT to finish compiling
# the booking path; after 5 s the server still needed 5.1 ms of CPU per booking, after 90 s 3.0 (180 s: 3.0).
set -euo pipefail
cd "$(dirname "$0")/.."
practitioners=${1:-300} concurrency=${2:-16} seconds=${3:-30}
port=18502 db=hygie_booking_bench
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh

java -cp test-data/target/hygie-test-data-0.1.0-SNAPSHOT.jar org.hygie.testdata.DirectoryGenerator "$work/data" "$practitioners" 2 7 0 >/dev/null
fresh_database "$db"
trap 'kill ${server:-0} 2>/dev/null || true' EXIT
start_server "$port" "$work/server" "$db"
HYGIE_TOKEN=$(java -jar "$jar" token --scope "system/*.cruds" --client-id booking-bench --ttl 7200 --hygie.data-dir="$work/server")
export HYGIE_TOKEN # read by the loader and by BookingLoad
java -jar "$jar" load "$work/data" --url="http://localhost:$port/fhir" --parallel=2 2>/dev/null
psqlq -qc "vacuum analyze" "$db" >/dev/null
free_slots "$db" > "$work/slots.txt"
free=$(wc -l < "$work/slots.txt")

# warm-up, then the measured run
read -r warm _ < <(java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" "${WARMUP:-90}" 0)
spend_slots "$work/slots.txt" "$warm" || exit 1
# CPU per booking of the server and of a local PostgreSQL (its processes' ticks over the measured run): steadier
# than bookings/s on a shared machine, and where the time goes
declare -A pg_before
for pid in $(postgres_pids); do pg_before[$pid]=$(cpu_ticks "$pid"); done
server_before=$(cpu_ticks $server)
read -r requests elapsed booked conflicts errors rate p50 p95 p99 < <(java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" "$seconds" 0.1)
server_ticks=$(( $(cpu_ticks $server) - server_before )) pg_ticks=0
for pid in $(postgres_pids); do pg_ticks=$(( pg_ticks + $(cpu_ticks "$pid") - ${pg_before[$pid]:-0} )); done
pg_cpu=$([ ${#pg_before[@]} -gt 0 ] && ms_each $pg_ticks "$booked" || echo "n/a (remote)")
rss=$(ps -o rss= -p $server | awk '{printf "%.0f", $1 / 1024}')

# audit: a slot listed by two active appointments, or a reservation and slot status that disagree
double=$(psqlq -Atc "select count(*) from (select r.target_id from idx_reference r join idx_token t on t.resource_pk = r.resource_pk
  and t.param = 'status' and t.code in ('pending','booked','arrived','checked-in','fulfilled','noshow')
  where r.res_type = 'Appointment' and r.param = 'slot' group by r.target_id having count(*) > 1) d" "$db")
inconsistent=$(disagreements "$db")

# raw PostgreSQL baseline on the same database: durable single-row inserts at the same concurrency
psqlq -qc "create table if not exists bench_insert (id bigserial primary key, payload text not null, at timestamptz not null default now())" "$db"
echo "insert into bench_insert (payload) values (md5(random()::text));" > "$work/insert.sql"
baseline=$(pgbench -h "$pghost" -p "$pgport" -U "$pguser" -n -c "$concurrency" -j 2 -T "$seconds" -f "$work/insert.sql" "$db" 2>/dev/null \
  | awk '/^tps/ {printf "%.0f", $3}')

# the database's ceiling: PostgreSQL alone replaying the statements of a direct booking (bench/booking-replay.sql),
# on random slots of the dataset, same concurrency; run last, it rewrites the slots it picks
psqlq -qc "create table bench_replay_slot as select row_number() over () as n, r.pk, r.res_id, sa.schedule_id, sa.start_low,
  sa.end_low, md5('Schedule/' || sa.schedule_id) as schedule_link, md5('Slot/' || r.res_id) as slot_link
  from slot_availability sa join resource r on r.pk = sa.resource_pk" -c "alter table bench_replay_slot add primary key (n)" "$db"
replay_slots=$(psqlq -Atc "select count(*) from bench_replay_slot" "$db")
replayed=$(pgbench -h "$pghost" -p "$pgport" -U "$pguser" -n -M prepared -c "$concurrency" -j 2 -T "$seconds" -D slots="$replay_slots" \
  -f bench/booking-replay.sql "$db" 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}')

echo "Dataset: $practitioners practitioners, $free free slots; concurrency $concurrency, ${seconds}s after ${WARMUP:-90}s of warm-up, encrypted, server RSS ${rss} MB (${SERVER_JAVA_OPTS:--Xmx512m})"
printf "%-36s %10s\n" "bookings/s (201)" "$rate"
printf "%-36s %10s\n" "requests (201 + 409 + errors)" "$requests ($booked + $conflicts + $errors)"
printf "%-36s %10s\n" "latency p50 / p95 / p99 ms" "$p50 / $p95 / $p99"
printf "%-36s %10s\n" "CPU ms/booking server / PostgreSQL" "$(ms_each $server_ticks "$booked") / $pg_cpu"
printf "%-36s %10s\n" "PostgreSQL single-row inserts/s" "$baseline"
printf "%-36s %10s\n" "bookings / raw inserts" "$(awk -v a="$rate" -v b="$baseline" 'BEGIN {printf "%.2f", a / b}')"
printf "%-36s %10s\n" "PostgreSQL alone, bookings' SQL/s" "$replayed"
printf "%-36s %10s\n" "bookings / PostgreSQL alone" "$(awk -v a="$rate" -v b="$replayed" 'BEGIN {printf "%.2f", a / b}')"
printf "%-36s %10s\n" "double bookings (SQL audit)" "$double"
printf "%-36s %10s\n" "slot/reservation disagreements" "$inconsistent"
