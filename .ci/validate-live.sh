#!/usr/bin/env bash
# The HL7 validator (official CLI, offline) on what a live server answers: the CapabilityStatement, a
# searchset with includes, $find/$hold/$book, history, $expand and the published definitions.
# Usage: .ci/validate-live.sh BASE_URL TOKEN [HL7_VALIDATE]   (exit 1 on any error that is not an offline one)
set -euo pipefail
base=$1
token=$2
validate=${3:-${HL7_VALIDATE:-$(dirname "$0")/../../shared/tools/hl7-validate}}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
json='Content-Type: application/fhir+json'
auth="Authorization: Bearer $token"
post() { curl -sf -o /dev/null -D - -X POST "$base/$1" -H "$json" -H "$auth" -d "$2" | sed -n 's|.*/'"$1"'/\([^/]*\)/_history.*|\1|p' | head -1; }
get() { curl -sf -H "$auth" -H 'Accept: application/fhir+json' "$base/$1" > "$out/$2.json"; }

practitioner=$(post Practitioner '{"resourceType":"Practitioner","identifier":[{"system":"urn:oid:1.2.250.1.71.4.2.1","value":"810099990001"}],"name":[{"family":"Validateur"}]}')
role=$(post PractitionerRole '{"resourceType":"PractitionerRole","practitioner":{"reference":"Practitioner/'"$practitioner"'"},"specialty":[{"coding":[{"system":"https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale","code":"SM54"}]}]}')
schedule=$(post Schedule '{"resourceType":"Schedule","actor":[{"reference":"PractitionerRole/'"$role"'"}],"extension":[{"url":"https://fhir.hygie.health/StructureDefinition/schedule-timezone","valueCode":"Europe/Paris"}]}')
for h in 08 09 10; do
  post Slot '{"resourceType":"Slot","schedule":{"reference":"Schedule/'"$schedule"'"},"status":"free","start":"2031-03-03T'$h':00:00Z","end":"2031-03-03T'$h':20:00Z"}' > /dev/null
done
patient=$(post Patient '{"resourceType":"Patient","name":[{"family":"Valide"}]}')
find='{"resourceType":"Parameters","parameter":[{"name":"start","valueDateTime":"2031-03-03T00:00:00Z"},{"name":"end","valueDateTime":"2031-03-04T00:00:00Z"}]}'
curl -sf -X POST "$base/Appointment/\$find?_count=2" -H "$json" -H "$auth" -d "$find" > "$out/find.json"
proposal=$(sed -n 's/.*"id":"\(find-[^"]*\)".*/\1/p' "$out/find.json" | head -1)
curl -sf -X POST "$base/Appointment/\$hold" -H "$json" -H "$auth" -d '{"resourceType":"Parameters","parameter":[{"name":"appointment-reference","valueReference":{"reference":"Appointment/'"$proposal"'"}}]}' > "$out/hold.json"
held=$(sed -n 's/.*"resourceType":"Appointment","id":"\([^"]*\)".*/\1/p' "$out/hold.json" | head -1)
curl -sf -X POST "$base/Appointment/\$book" -H "$json" -H "$auth" -d '{"resourceType":"Parameters","parameter":[{"name":"appointment-reference","valueReference":{"reference":"Appointment/'"$held"'"}},{"name":"patient-resource","resource":{"resourceType":"Patient","name":[{"family":"Reserve"}]}}]}' > "$out/book.json"
get metadata metadata
get "Slot?_include=Slot:schedule&_include:iterate=Schedule:actor&status=free" slots-with-includes
get "Appointment?_include=Appointment:actor&_revinclude=AppointmentResponse:appointment" appointments
get "Schedule/$schedule" schedule
get "Patient/$patient/_history" history
get "_history?_count=5" system-history
get "ValueSet/\$expand?url=https://fhir.hygie.health/ValueSet/specialties" expand
get "StructureDefinition?_count=100" structure-definitions
get "SearchParameter?_count=100" search-parameters
get "OperationDefinition?_count=100" operation-definitions
"$validate" -ig "$here/ig/src/main/resources/hygie-ig/package" -ig "$here/terminology/src/main/resources/hygie-terminology/package" "$out"/*.json
