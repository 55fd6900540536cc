#!/usr/bin/env bash
# Search at scale: loads a generated directory (test-data DirectoryGenerator) into the packaged server
# (encrypted, on the machine's PostgreSQL, fresh database) and measures the free-slot query (ANS GAP
# shape), the directory query by specialty and city, and a patient's appointment list.
# Needs: mvn -B -DskipTests install, `hey`, psql and a PostgreSQL server (PGHOST/PGPORT/PGUSER).
# Usage: bench/search-bench.sh [PRACTITIONERS=10000] [WEEKS=1] [CONCURRENCY=8] [DURATION=20s]
# REUSE=1 measures the database a previous run left (schema migrated on start) instead of reloading.
# Validation on write is off (VALIDATE=true turns it on): it does not touch searches and would triple
# the load time of a 1.4 M-resource dataset (LoadCommandHttpTest checks that the generator's output validates).
set -euo pipefail
cd "$(dirname "$0")/.."
practitioners=${1:-10000} weeks=${2:-1} concurrency=${3:-8} duration=${4:-20s}
pghost=${PGHOST:-127.0.0.1} pgport=${PGPORT:-5432} pguser=${PGUSER:-postgres}
port=18501 db=hygie_search_bench
work=$(mktemp -d)
# the server's data dir (its master key) outlives the run so that REUSE=1 can read the same database
serverdir=${BENCH_SERVER_DIR:-$HOME/.cache/hygie-search-bench}
command -v hey >/dev/null || { echo "needs 'hey' (apt-get install hey)"; exit 1; }
reuse=${REUSE:-0}
if [ "$reuse" != 1 ]; then
  rm -rf "$serverdir"
  java -cp test-data/target/hygie-test-data-0.1.0-SNAPSHOT.jar org.hygie.testdata.DirectoryGenerator "$work/data" "$practitioners" "$weeks" 42 1000
  psql -h "$pghost" -p "$pgport" -U "$pguser" -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
fi
java -Xmx1g -jar fhir-server/target/fhir-server.jar --server.port=$port --hygie.data-dir="$serverdir" \
  --spring.datasource.url="jdbc:postgresql://$pghost:$pgport/$db" --spring.datasource.username="$pguser" \
  --hygie.security.dev-issuer=true --hygie.security.rate-limit.requests-per-second=0 \
  --hygie.validation.enabled="${VALIDATE:-false}" --logging.level.root=WARN > "$work/server.log" 2>&1 &
server=$!
HYGIE_TOKEN=$(java -jar fhir-server/target/fhir-server.jar token --scope "system/*.cruds" --client-id search-bench --ttl 7200 \
  --hygie.data-dir="$serverdir")
export HYGIE_TOKEN # read by the loader
trap 'kill $server 2>/dev/null || true' EXIT
# migrations of a loaded database (REUSE=1 after an upgrade) may take minutes
for _ in $(seq 1 1200); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.5; done

started=$(date +%s)
if [ "$reuse" != 1 ]; then
  java -jar fhir-server/target/fhir-server.jar load "$work/data" --url="http://localhost:$port/fhir" --parallel=2 2>/dev/null
fi
loaded=$(( $(date +%s) - started ))
psql -h "$pghost" -p "$pgport" -U "$pguser" -qc "vacuum analyze" "$db" >/dev/null
resources=$(psql -h "$pghost" -p "$pgport" -U "$pguser" -Atc "select count(*) from resource" "$db")
slots=$(psql -h "$pghost" -p "$pgport" -U "$pguser" -Atc "select count(*) from resource where res_type = 'Slot'" "$db")
dbsize=$(psql -h "$pghost" -p "$pgport" -U "$pguser" -Atc "select pg_size_pretty(pg_database_size('$db'))" "$db")
patient=$(curl -s -H "Authorization: Bearer $HYGIE_TOKEN" "localhost:$port/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.10%7C200000000000787&_elements=id" | grep -o '"id":"[0-9a-f-]\{36\}"' | tail -1 | cut -d'"' -f4)
spec="https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"

measure() { # name url
  local out
  out=$(hey -z "$duration" -c "$concurrency" -H "Authorization: Bearer $HYGIE_TOKEN" "$2")
  printf "%-34s %10s %10s %10s %8s\n" "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')" \
    "$(echo "$out" | awk '/ 50% in/ {printf "%.1f", $3 * 1000}')" \
    "$(echo "$out" | awk '/ 99% in/ {printf "%.1f", $3 * 1000}')" \
    "$(echo "$out" | awk '/^  \[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); if ($1 !~ /^2/) n += $2} END {print n + 0}')"
}
echo "Dataset: $practitioners practitioners, $slots slots, $resources resources, $dbsize; loaded in ${loaded}s ($(( resources / (loaded > 0 ? loaded : 1) )) resources/s)"
printf "%-34s %10s %10s %10s %8s\n" "query (concurrency $concurrency, $duration)" "req/s" "p50 ms" "p99 ms" "errors"
measure "free slots (GAP: day, specialty)" "http://localhost:$port/fhir/Slot?status=free&start=ge2027-03-02T00:00:00%2B01:00&start=lt2027-03-03T00:00:00%2B01:00&schedule.actor:PractitionerRole.specialty=$spec%7CSM15&_include=Slot:schedule&_count=20"
measure "free slots (GAP, soonest, no total)" "http://localhost:$port/fhir/Slot?status=free&start=ge2027-03-02T00:00:00%2B01:00&start=lt2027-03-03T00:00:00%2B01:00&schedule.actor:PractitionerRole.specialty=$spec%7CSM15&_include=Slot:schedule&_count=20&_sort=start&_total=none"
measure "free slots (SAS: practitioner)" "http://localhost:$port/fhir/Slot?status=free&start=ge2027-03-01T00:00:00%2B01:00&start=lt2027-03-06T00:00:00%2B01:00&schedule.actor:Practitioner.identifier=https://rpps.esante.gouv.fr%7C10000000042&_include=Slot:schedule&_include:iterate=Schedule:actor"
measure "directory (specialty + city)" "http://localhost:$port/fhir/PractitionerRole?specialty=$spec%7CSM04&location.address-city=lyon&_count=20"
measure "patient's appointments" "http://localhost:$port/fhir/Appointment?patient=Patient/$patient&_sort=-date"
