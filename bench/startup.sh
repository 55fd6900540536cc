#!/usr/bin/env bash
# Startup time to the first successful request, to a warm validator (first writes wait for it), and idle
# RSS once warm, with given JVM options.
# usage: SERVER_JAVA_OPTS="-Xmx256m ..." [STARTUP_SERVER_ARGS="--hygie.validation.enabled=false"] [LAUNCHER=bin/hygie] bench/startup.sh [runs]
# (PostgreSQL at 127.0.0.1:5432; the first run migrates.) LAUNCHER=bin/hygie starts the server through the
# launcher (SERVER_JAVA_OPTS as its JAVA_OPTS, a fresh class-data-sharing cache: the first run trains it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
db=hygie_startup port=18531 work=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
printf "%-6s %14s %14s %18s %10s\n" run "first answer ms" "metadata ms" "validator ready ms" "idle RSS MB"
for run in $(seq 1 "$runs"); do
  started=$(date +%s%N)
  if [ -n "${LAUNCHER:-}" ]; then
    start=(env JAVA_OPTS="${SERVER_JAVA_OPTS:-}" HYGIE_CDS_DIR="$work/cds" "$LAUNCHER")
  else
    # shellcheck disable=SC2206
    start=(java ${SERVER_JAVA_OPTS:-} -jar fhir-server/target/fhir-server.jar)
  fi
  # shellcheck disable=SC2086
  "${start[@]}" --server.port=$port --hygie.data-dir="$work" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$db" --spring.datasource.username=postgres \
    --logging.level.root=WARN --logging.level.org.hygie.fhir.validation=INFO ${STARTUP_SERVER_ARGS:-} > "$work/server-$run.log" 2>&1 &
  server=$!
  until curl -sf "localhost:$port/fhir/metadata" -o /dev/null; do sleep 0.05; done
  up=$(( ($(date +%s%N) - started) / 1000000 ))
  t0=$(date +%s%N); curl -sf "localhost:$port/fhir/metadata" -o /dev/null; second=$(( ($(date +%s%N) - t0) / 1000000 ))
  ready=-
  for _ in $(seq 1 900); do  # at most 90 s (never, with hygie.validation.enabled=false)
    if grep -q "Validator ready" "$work/server-$run.log"; then ready=$(( ($(date +%s%N) - started) / 1000000 )); break; fi
    sleep 0.1
  done
  sleep 3
  rss=$(ps -o rss= -p $server | awk '{printf "%.0f", $1 / 1024}')
  printf "%-6s %14s %14s %18s %10s\n" "$run" "$up" "$second" "$ready" "$rss"
  kill $server; wait $server 2>/dev/null || true
done
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db" >/dev/null 2>&1 || true
