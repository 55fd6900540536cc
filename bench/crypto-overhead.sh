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
# shellcheck source=bench/lib.sh
. bench/lib.sh
port=18181
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

for round in $(seq 1 "$rounds"); do
  run encrypted "$round"
  run plaintext "$round"
done

echo "Encryption at rest: cost per scenario ($rounds rounds each, concurrency $concurrency, $(nproc) cores)"
ratio_table encrypted plaintext encrypted plaintext "create|read|search by name|search by INS"
echo "(ratio = encrypted throughput / plaintext throughput; raw rows in $results)"
