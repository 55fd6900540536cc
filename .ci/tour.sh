#!/usr/bin/env bash
# The README as a newcomer follows it: its Run command starts the packaged server, then its Tour runs
# as pasted (in a scratch directory laid out like the top of the clone, so ./data starts empty), and
# what the tour shows is checked. Expects the jar built (mvn -B -DskipTests package).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
block() { awk -v h="$1" '$0 ~ "^## "h {t=1} t && /^```sh/ {c=1; next} c && /^```/ {exit} c' "$top/README.md"; }
run=$(block Run | grep '^java ')
tour=$(block Tour)
[ -n "$run" ] && [ -n "$tour" ] || { echo "tour: README has no Run command or no Tour block"; exit 1; }
if curl -s -o /dev/null "http://localhost:8080/"; then
  echo "tour: something already listens on port 8080, where the README's server goes"; exit 1
fi
work=$(mktemp -d)
ln -s "$top/fhir-server" "$work/fhir-server"
cd "$work"
bash -c "$run" > server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null http://localhost:8080/fhir/metadata && break
  kill -0 $server 2>/dev/null || { echo "tour: the README's run command exited"; tail -40 server.log; exit 1; }
  sleep 1
done
if ! bash -euo pipefail -c "$tour" > tour.out 2>&1; then
  echo "tour: a step of the README's tour failed:"; tail -20 tour.out; exit 1
fi
expect() { grep -q -- "$1" tour.out || { echo "tour: expected $2 in the tour's output"; tail -20 tour.out; exit 1; }; }
expect '"created","valueInteger"' "slots generated"
expect '"family":"Dupont"' "the patient found by prefix"
expect 'hyg-ins-3' "the invalid INS refused with the rule it breaks"
expect '"status":"booked"' "the booking"
expect 'Toux depuis dix jours' "the reason the practitioner reads"
expect '^409$' "a 409 for the second booking of the slot"
expect '^404$' "a 404 for another patient's app"
expect 'Compte rendu: bronchite' "the document read back"
expect '"resourceType":"AuditEvent"' "the patient's audit trail"
expect '"type":"Slot"' "the availability feed"
echo "tour: the README's run command and tour work as pasted ($(grep -c '' tour.out) lines of output)"
