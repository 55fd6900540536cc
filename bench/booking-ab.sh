#!/usr/bin/env bash
# Two builds compared on bookings at the same time, so both see the same state of a shared machine:
# each packaged server on a fresh database of the machine's PostgreSQL, the same generated directory
# loaded into both, then both booked at once (bench/BookingLoad.java, 10 % of requests on an already
# attempted slot) after a warm-up. Prints per build: bookings/s and the CPU per booking of the server
# and of the PostgreSQL backends serving its database (/proc). Run one build after the other instead,
# and a neighbour's load that comes and goes can fall on the same build each time (it did, 2026-11-30).
# Needs: mvn -B -DskipTests install, psql and a local PostgreSQL server (PGHOST/PGPORT/PGUSER).
# Usage: bench/booking-ab.sh JAR_A JAR_B [PRACTITIONERS=200] [SECONDS=30] [CONCURRENCY=8 per build]
# SERVER_JAVA_OPTS_A / _B: JVM options of each build (default SERVER_JAVA_OPTS, else -Xmx512m), to compare
# settings of one build, e.g. SERVER_JAVA_OPTS_B="-Xmx512m -Dhygie.validation.enabled=false" with JAR_B = JAR_A.
# WARMUP (default 180 s): both servers booked before the measured run, long enough for the JIT to finish
# compiling the booking path, with two servers sharing the cores (one server alone: CPU per booking 5.1 ms
# after 5 s, 3.0 after 90 s; two side by side: 8.2 ms after 90 s, 5.8 after 180 s).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 JAR_A JAR_B [practitioners] [seconds] [concurrency]" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
declare -A jars=([a]="$1" [b]="$2") ports=([a]=18611 [b]=18612) pids=()
declare -A opts=([a]="${SERVER_JAVA_OPTS_A:-${SERVER_JAVA_OPTS:--Xmx512m}}" [b]="${SERVER_JAVA_OPTS_B:-${SERVER_JAVA_OPTS:--Xmx512m}}")
practitioners=${3:-200} seconds=${4:-30} concurrency=${5:-8}
work=$(mktemp -d)
java -cp test-data/target/hygie-test-data-0.1.0-SNAPSHOT.jar org.hygie.testdata.DirectoryGenerator "$work/data" "$practitioners" 2 7 0 >/dev/null
trap 'kill ${pids[a]:-0} ${pids[b]:-0} 2>/dev/null || true' EXIT
for b in a b; do
  fresh_database "hygie_ab_$b"
  jar=${jars[$b]} SERVER_JAVA_OPTS=${opts[$b]} start_server "${ports[$b]}" "$work/server-$b" "hygie_ab_$b"
  pids[$b]=$server
done
for b in a b; do
  java -jar "${jars[$b]}" token --scope "system/*.cruds" --client-id booking-ab --ttl 7200 --hygie.data-dir="$work/server-$b" > "$work/token-$b"
  HYGIE_TOKEN=$(cat "$work/token-$b") java -jar "${jars[$b]}" load "$work/data" --url="http://localhost:${ports[$b]}/fhir" --parallel=2 >/dev/null 2>&1
  psqlq -qc "vacuum analyze" "hygie_ab_$b" >/dev/null
  free_slots "hygie_ab_$b" > "$work/slots-$b.txt"
done

# CPU of the PostgreSQL backends serving one build's database (their command line names it)
backends_ticks() {
  local total=0 pid
  for pid in $(postgres_pids); do
    grep -q "hygie_ab_$1" "/proc/$pid/cmdline" 2>/dev/null && total=$(( total + $(cpu_ticks "$pid") ))
  done
  echo "$total"
}

printf "%-6s %-44s %12s %16s %16s\n" build jar bookings/s "server CPU ms" "PostgreSQL ms"
for phase in warm run; do
  secs=$([ $phase = warm ] && echo "${WARMUP:-180}" || echo "$seconds")
  share=$([ $phase = warm ] && echo 0 || echo 0.1)
  declare -A server0 pg0
  for b in a b; do server0[$b]=$(cpu_ticks "${pids[$b]}"); pg0[$b]=$(backends_ticks $b); done
  loads=()
  for b in a b; do
    HYGIE_TOKEN=$(cat "$work/token-$b") java bench/BookingLoad.java "http://localhost:${ports[$b]}/fhir" "$work/slots-$b.txt" \
      "$concurrency" "$secs" "$share" > "$work/$phase-$b.out" 2>/dev/null &
    loads+=($!)
  done
  wait "${loads[@]}"
  for b in a b; do
    read -r requests _ booked _ _ rate _ < "$work/$phase-$b.out"
    if [ $phase = warm ]; then
      spend_slots "$work/slots-$b.txt" "$requests" || exit 1
    else
      printf "%-6s %-44s %12s %16s %16s\n" "$b" "${jars[$b]}" "$rate" \
        "$(ms_each $(( $(cpu_ticks "${pids[$b]}") - ${server0[$b]} )) "$booked")" \
        "$(ms_each $(( $(backends_ticks $b) - ${pg0[$b]} )) "$booked")"
    fi
  done
done
for b in a b; do echo "$b: ${jars[$b]} (${opts[$b]})"; done
