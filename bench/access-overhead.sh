#!/usr/bin/env bash
# What access control and audit cost: the same reads and searches as a system client (unrestricted),
# a patient app (restricted to the patient's compartment) and anonymously (public data), in one run.
# Every read of patient data also writes its AuditEvent. Prints requests/s, p99 and the ratios.
# usage: bench/access-overhead.sh [concurrency] [requests]   (needs 'hey'; the jar built)
set -euo pipefail
cd "$(dirname "$0")/.."
concurrency=${1:-8}
requests=${2:-3000}
port=18511
command -v hey >/dev/null || { echo "needs 'hey' (apt-get install hey)"; exit 1; }
work=$(mktemp -d)
jar=fhir-server/target/fhir-server.jar
java -Xmx512m -jar "$jar" --server.port=$port --hygie.data-dir="$work" --hygie.security.dev-issuer=true \
  --hygie.security.rate-limit.requests-per-second=0 --logging.level.root=WARN > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.5; done
base="http://localhost:$port/fhir"
system=$(java -jar "$jar" token --scope "system/*.cruds" --hygie.data-dir="$work")
json='Content-Type: application/fhir+json'
id_of() { sed -n 's|.*/\([A-Za-z]*\)/\([^/]*\)/_history.*|\2|p' | head -1; }
practitioner=$(curl -s -D - -o /dev/null -X POST "$base/Practitioner" -H "$json" -H "Authorization: Bearer $system" \
  -d '{"resourceType":"Practitioner","name":[{"family":"Bench"}]}' | id_of)
patient=$(curl -s -D - -o /dev/null -X POST "$base/Patient" -H "$json" -H "Authorization: Bearer $system" \
  -d '{"resourceType":"Patient","name":[{"family":"Bench"}]}' | id_of)
for i in $(seq 1 10); do
  curl -s -o /dev/null -X POST "$base/Appointment" -H "$json" -H "Authorization: Bearer $system" -d '{"resourceType":"Appointment",
    "status":"booked","start":"2027-01-0'"$(( i % 9 + 1 ))"'T09:00:00Z","end":"2027-01-0'"$(( i % 9 + 1 ))"'T09:20:00Z",
    "participant":[{"actor":{"reference":"Patient/'"$patient"'"},"status":"accepted"},{"actor":{"reference":"Practitioner/'"$practitioner"'"},"status":"accepted"}]}'
done
patient_token=$(java -jar "$jar" token --scope "patient/*.rs" --patient "Patient/$patient" --hygie.data-dir="$work")

measure() { # label token url
  local out auth=()
  [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
  hey -n "$requests" -c "$concurrency" "${auth[@]}" "$3" > /dev/null # warm-up
  out=$(hey -n "$requests" -c "$concurrency" "${auth[@]}" "$3")
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  p99=$(echo "$out" | awk '/ 99% in/ {printf "%.1f", $3 * 1000}')
  errors=$(echo "$out" | awk '/^  \[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); if ($1 !~ /^2/) n += $2} END {print n + 0}')
  printf "%-46s %8s %8s %6s\n" "$1" "$rps" "$p99" "$errors"
  eval "rate_$4=$rps"
}
printf "%-46s %8s %8s %6s\n" "request (concurrency $concurrency)" "req/s" "p99 ms" "errors"
measure "read Patient, system token (audited)" "$system" "$base/Patient/$patient" sys_read
measure "read Patient, patient token (restricted, audited)" "$patient_token" "$base/Patient/$patient" pat_read
measure "search Appointment, system token (audited)" "$system" "$base/Appointment?patient=Patient/$patient" sys_search
measure "search Appointment, patient token (restricted)" "$patient_token" "$base/Appointment?patient=Patient/$patient" pat_search
measure "read Practitioner, system token" "$system" "$base/Practitioner/$practitioner" sys_public
measure "read Practitioner, anonymous (public)" "" "$base/Practitioner/$practitioner" anon_public
echo
awk -v a="$rate_pat_read" -v b="$rate_sys_read" -v c="$rate_pat_search" -v d="$rate_sys_search" -v e="$rate_anon_public" -v f="$rate_sys_public" \
  'BEGIN { printf "patient/system: read %.2f, search %.2f; anonymous/system on public data: %.2f\n", a / b, c / d, e / f }'
audits=$(curl -s "$base/AuditEvent?_summary=count" -H "Authorization: Bearer $system" | grep -o '"total":[0-9]*' | cut -d: -f2)
echo "AuditEvents written during the run: $audits"
