#!/usr/bin/env bash
# The packaged server inside a memory-limited cgroup, as in a container with that limit: the JVM sizes
# itself from the limit (heap = 1/4 of it by default), or as SERVER_JAVA_OPTS says (default: none). Loads a generated directory,
# books under load, searches, and reports startup, bookings/s, errors, the cgroup's peak memory, and
# whether the kernel had to reclaim or kill (failcnt, OOM kills). Needs root (it creates a cgroup) and a
# cgroup v1 memory controller or cgroup v2 with the memory controller enabled.
# SERVER_ARGS adds server options (e.g. --hygie.validation.enabled=false). LAUNCHER=bin/hygie starts the
# server through the launcher (which sizes the JVM for the limit itself) instead of java -jar.
# Usage: sudo [SERVER_JAVA_OPTS="..." | LAUNCHER=bin/hygie] [SERVER_ARGS="..."] bench/container-memory.sh [LIMIT_MB=512] [PRACTITIONERS=100] [CONCURRENCY=16] [SECONDS=30]
set -euo pipefail
cd "$(dirname "$0")/.."
limit_mb=${1:-512} practitioners=${2:-100} concurrency=${3:-16} seconds=${4:-30}
port=18541 db=hygie_container_bench
work=$(mktemp -d)
# shellcheck source=bench/lib.sh
. bench/lib.sh

if [ -d /sys/fs/cgroup/memory ] && [ -f /sys/fs/cgroup/memory/cgroup.procs ]; then
  cg=/sys/fs/cgroup/memory/hygie-bench-$$ version=1
  mkdir "$cg"; echo $(( limit_mb * 1024 * 1024 )) > "$cg/memory.limit_in_bytes"
else
  cg=/sys/fs/cgroup/hygie-bench-$$ version=2
  mkdir "$cg"; echo $(( limit_mb * 1024 * 1024 )) > "$cg/memory.max"
fi
cleanup() { kill ${server:-0} 2>/dev/null || true; sleep 1; rmdir "$cg" 2>/dev/null || true; grep -E "ERROR|OutOfMemory|Exception" "$work/server.log" | head -5 || true; }
trap cleanup EXIT

fresh_database "$db"
opts=${SERVER_JAVA_OPTS:-}
command="java $opts -jar $jar"
if [ -n "${LAUNCHER:-}" ]; then
  command="env HYGIE_JAR=$jar $LAUNCHER" opts="(from $LAUNCHER)"
fi
started=$(date +%s%N)
# the shell joins the cgroup, then becomes the JVM: every byte of the server is charged to the limit
bash -c "echo \$\$ > $cg/cgroup.procs; exec $command --server.port=$port --hygie.data-dir=$work/server \
  --hygie.security.dev-issuer=true --hygie.security.rate-limit.requests-per-second=0 \
  --spring.datasource.url=jdbc:postgresql://$pghost:$pgport/$db --spring.datasource.username=$pguser \
  --logging.level.root=WARN ${SERVER_ARGS:-}" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 480); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.25; done
startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
# what the JVM made of the limit (heap = MaxRAMPercentage 25 % of it unless told otherwise)
flags=$(jcmd "$server" VM.flags -all 2>/dev/null || true)
heap_mb=$(echo "$flags" | awk '/ MaxHeapSize / {printf "%.0f", $4 / 1048576}')
gc=$(echo "$flags" | awk '/ Use(Serial|G1|Parallel)GC .*true/ {print $2}')
generate_and_load "$work/server" "$port" "$practitioners" 11 "$work"
free_slots "$db" > "$work/slots.txt"
read -r requests elapsed booked conflicts errors rate p50 p95 p99 < <(java bench/BookingLoad.java "http://localhost:$port/fhir" "$work/slots.txt" "$concurrency" "$seconds" 0.1)
searches=$(hey -z 10s -c "$concurrency" -H "Authorization: Bearer $HYGIE_TOKEN" \
  "http://localhost:$port/fhir/Slot?status=free&_include=Slot:schedule&_count=50" | awk '/Requests\/sec/ {printf "%.0f", $2}')
alive=yes; kill -0 "$server" 2>/dev/null || alive="NO (exited)"
if [ "$version" = 1 ]; then
  peak=$(( $(cat "$cg/memory.max_usage_in_bytes") / 1048576 ))
  failcnt=$(cat "$cg/memory.failcnt")
  ooms=$(awk '/oom_kill / {print $2}' "$cg/memory.oom_control" 2>/dev/null || echo "?")
else
  peak=$(( $(cat "$cg/memory.peak" 2>/dev/null || echo 0) / 1048576 ))
  failcnt=$(awk '/^max / {print $2}' "$cg/memory.events")
  ooms=$(awk '/^oom_kill / {print $2}' "$cg/memory.events")
fi
rss=$(ps -o rss= -p "$server" 2>/dev/null | awk '{printf "%.0f", $1 / 1024}')

echo "Server: java ${opts:-(no options)} in a ${limit_mb} MB memory cgroup (v$version): max heap ${heap_mb} MB, $gc; $practitioners practitioners; concurrency $concurrency${SERVER_ARGS:+; $SERVER_ARGS}"
printf "%-40s %s\n" "startup to first answer ms" "$startup_ms"
printf "%-40s %s\n" "bookings/s (201), ${seconds}s" "$rate"
printf "%-40s %s\n" "booking requests (201 + 409 + errors)" "$requests ($booked + $conflicts + $errors)"
printf "%-40s %s\n" "booking latency p50 / p95 / p99 ms" "$p50 / $p95 / $p99"
printf "%-40s %s\n" "free-slot searches/s (10 s)" "$searches"
printf "%-40s %s\n" "cgroup peak memory MB" "$peak"
printf "%-40s %s\n" "server RSS at the end MB" "${rss:--}"
printf "%-40s %s\n" "limit hits (failcnt) / OOM kills" "$failcnt / $ooms"
printf "%-40s %s\n" "server still running" "$alive"
[ "$alive" = yes ] && [ "$errors" = 0 ]
