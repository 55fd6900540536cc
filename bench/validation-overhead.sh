#!/usr/bin/env bash
# Cost of validation on write, as ratios within one run: the packaged server with validation on (the
# default) and off (hygie.validation.enabled=false), alternating, ROUNDS times each, fresh database
# each time, same load. Reads are measured as a control (never validated).
# Needs: the jar (mvn -B -DskipTests package), `hey` (apt-get install hey), psql and a PostgreSQL server
# (default 127.0.0.1:5432, user postgres, trust auth; set PGHOST/PGPORT/PGUSER).
# Usage: bench/validation-overhead.sh [ROUNDS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
rounds=${1:-2}
concurrency=${2:-8}
port=18182
command -v hey >/dev/null || { echo "needs 'hey' (apt-get install hey)"; exit 1; }
[ -f "$jar" ] || { echo "needs $jar (mvn -B -DskipTests package)"; exit 1; }
work=$(mktemp -d)
results="$work/results.tsv"
echo '{"resourceType":"Patient","name":[{"family":"Benchmark","given":["Anne"]}],"identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"280059912345608"}],"gender":"female","birthDate":"1980-05-01","address":[{"city":"Paris","postalCode":"75011"}]}' > "$work/patient.json"

run() { # enabled round
  local enabled=$1 round=$2 db="hygie_bench_validation_$2"
  fresh_database "$db"
  start_server "$port" "$work/data" "$db" --hygie.validation.enabled="$enabled"
  token=$(java -jar "$jar" token --scope "system/*.cruds" --client-id validation-bench --ttl 7200 --hygie.data-dir="$work/data")
  local patient
  patient=$(curl -s -H "Authorization: Bearer $token" -H "Content-Type: application/fhir+json" -d @"$work/patient.json" \
    "localhost:$port/fhir/Patient" | grep -o '"id":"[0-9a-f-]\{36\}"' | head -1 | cut -d'"' -f4)
  printf '{"resourceType":"Appointment","status":"proposed","reasonCode":[{"coding":[{"system":"https://fhir.hygie.health/CodeSystem/appointment-reasons","code":"acute"}]}],"comment":"Toux","participant":[{"actor":{"reference":"Patient/%s"},"status":"accepted"}]}' "$patient" > "$work/appointment.json"
  hey -n 300 -c "$concurrency" -H "Authorization: Bearer $token" -m POST -T application/fhir+json -D "$work/patient.json" "http://localhost:$port/fhir/Patient" >/dev/null
  measure "$enabled" "create Patient" -n 3000 -m POST -T application/fhir+json -D "$work/patient.json" "http://localhost:$port/fhir/Patient"
  measure "$enabled" "create Appointment" -n 3000 -m POST -T application/fhir+json -D "$work/appointment.json" "http://localhost:$port/fhir/Appointment"
  measure "$enabled" "read Patient" -n 6000 "http://localhost:$port/fhir/Patient/$patient"
  kill "$server"; wait "$server" 2>/dev/null || true
  psqlq -qc "drop database if exists $db" >/dev/null 2>&1 || true
}

for round in $(seq 1 "$rounds"); do
  run true "$round"
  run false "$round"
done

echo "Validation on write: cost per scenario ($rounds rounds each, concurrency $concurrency, $(nproc) cores)"
ratio_table true false validated unchecked "create Patient|create Appointment|read Patient"
echo "(ratio = validated throughput / unchecked throughput; raw rows in $results)"
