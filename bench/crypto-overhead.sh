#!/usr/bin/env bash
# Cost of encryption at rest, measured as ratios within one run: the packaged server in encrypted and
# in plaintext mode (alternating, ROUNDS times each, fresh database each time), same load, same machine.
# Needs: the jar (mvn -B -DskipTests package), `hey` (Debian: apt-get install hey), psql and a
# PostgreSQL server (default 127.0.0.1:5432, user postgres, trust auth; set PGHOST/PGPORT/PGUSER).
# Usage: bench/crypto-overhead.sh [ROUNDS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
concurrency=${2:-8}
jar=fhir-server/target/fhir-server.jar
port=18181
pghost=${PGHOST:-127.0.0.1} pgport=${PGPORT:-5432} pguser=${PGUSER:-postgres}
command -v hey >/dev/null || { echo "needs 'hey' (apt-get install hey)"; exit 1; }
[ -f "$jar" ] || { echo "needs $jar (mvn -B -DskipTests package)"; exit 1; }
work=$(mktemp -d)
results="$work/results.tsv"
patient='{"resourceType":"Patient","name":[{"family":"Benchmark","given":["Anne","Marie"]}],"identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"280059912345608"}],"telecom":[{"system":"phone","value":"0612345678"}],"gender":"female","birthDate":"1980-05-01","address":[{"line":["12 rue de la Paix"],"city":"Paris","postalCode":"75011"}]}'
echo "$patient" > "$work/patient.json"

run() { # mode round
  local mode=$1 round=$2 db="hygie_bench_${1}_$2"
  psql -h "$pghost" -p "$pgport" -U "$pguser" -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
  java -Xmx512m -jar "$jar" --server.port=$port --hygie.data-dir="$work/data" --hygie.crypto.mode="$mode" \
    --spring.datasource.url="jdbc:postgresql://$pghost:$pgport/$db" --spring.datasource.username="$pguser" \
    --hygie.security.dev-issuer=true --hygie.security.rate-limit.requests-per-second=0 \
    --logging.level.root=WARN > "$work/server-$mode-$round.log" 2>&1 &
  local pid=$!
  token=$(java -jar "$jar" token --scope "system/*.cruds" --client-id crypto-bench --ttl 7200 --hygie.data-dir="$work/data")
  for _ in $(seq 1 120); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.5; done
  hey -n 500 -c "$concurrency" -H "Authorization: Bearer $token" -m POST -T application/fhir+json -D "$work/patient.json" "http://localhost:$port/fhir/Patient" >/dev/null
  local id
  id=$(curl -s -H "Authorization: Bearer $token" "localhost:$port/fhir/Patient?_count=1&_elements=id" | grep -o '"id":"[0-9a-f-]\{36\}"' | tail -1 | cut -d'"' -f4)
  measure "$mode" create -n 4000 -m POST -T application/fhir+json -D "$work/patient.json" "http://localhost:$port/fhir/Patient"
  measure "$mode" read -n 12000 "http://localhost:$port/fhir/Patient/$id"
  # What autovacuum does soon after a bulk load; without statistics the planner misjudges fresh tables.
  psql -h "$pghost" -p "$pgport" -U "$pguser" -qc "analyze" "$db" >/dev/null
  measure "$mode" "search by name" -n 4000 "http://localhost:$port/fhir/Patient?family=bench&_count=10&_total=none"
  measure "$mode" "search by INS" -n 4000 "http://localhost:$port/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C280059912345608&_count=10&_total=none"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  psql -h "$pghost" -p "$pgport" -U "$pguser" -qc "drop database if exists $db" >/dev/null 2>&1 || true
}

measure() { # mode scenario hey-args...
  local mode=$1 scenario=$2; shift 2
  local out
  out=$(hey -c "$concurrency" -H "Authorization: Bearer $token" "$@")
  local rps p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '/99% in/ {printf "%.1f", $3 * 1000}')
  errors=$(echo "$out" | awk '/^  \[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); if ($1 !~ /^2/) n += $2} END {print n + 0}')
  printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$scenario" "$rps" "$p99" "$errors" >> "$results"
}

for round in $(seq 1 "$rounds"); do
  run encrypted "$round"
  run plaintext "$round"
done

echo "Encryption at rest: cost per scenario ($rounds rounds each, concurrency $concurrency, $(nproc) cores)"
awk -F'\t' '
  { key = $2; mode = $1; rps[key, mode] += $3; n[key, mode]++; if ($4 > p99[key, mode]) p99[key, mode] = $4; err[key, mode] += $5; order[key] = ++i }
  END {
    printf "%-16s %14s %14s %9s %12s %12s %7s\n", "scenario", "encrypted/s", "plaintext/s", "ratio", "p99 enc ms", "p99 plain ms", "errors"
    split("create|read|search by name|search by INS", keys, "|")
    for (k = 1; k <= 4; k++) {
      s = keys[k]
      e = rps[s, "encrypted"] / n[s, "encrypted"]; p = rps[s, "plaintext"] / n[s, "plaintext"]
      printf "%-16s %14.0f %14.0f %8.2fx %12.1f %12.1f %7d\n", s, e, p, e / p, p99[s, "encrypted"], p99[s, "plaintext"], err[s, "encrypted"] + err[s, "plaintext"]
    }
  }' "$results"
echo "(ratio = encrypted throughput / plaintext throughput; raw rows in $results)"
