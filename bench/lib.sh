# Shared by the reliability and booking scripts (sourced): the machine's PostgreSQL, the packaged jar,
# a server on a fresh database with the dev issuer and no rate limit, the dataset, the free slots.
pghost=${PGHOST:-127.0.0.1} pgport=${PGPORT:-5432} pguser=${PGUSER:-postgres}
jar=${HYGIE_JAR:-fhir-server/target/fhir-server.jar}  # HYGIE_JAR: another build, to compare
psqlq() { psql -h "$pghost" -p "$pgport" -U "$pguser" "$@"; }

# fresh_database NAME
fresh_database() { psqlq -qc "drop database if exists $1" -c "create database $1" >/dev/null 2>&1; }

# start_server PORT DATADIR DB [extra server options...]: sets $server (pid) and $startup_ms, appends to DATADIR.log
start_server() {
  local port=$1 dir=$2 db=$3; shift 3
  # shellcheck disable=SC2086
  java ${SERVER_JAVA_OPTS:--Xmx512m} -jar "$jar" --server.port="$port" --hygie.data-dir="$dir" --hygie.security.dev-issuer=true \
    --hygie.security.rate-limit.requests-per-second=0 --spring.datasource.url="jdbc:postgresql://$pghost:$pgport/$db" \
    --spring.datasource.username="$pguser" --logging.level.root=WARN "$@" >> "$dir.log" 2>&1 &
  server=$!
  local started; started=$(date +%s%N)
  for _ in $(seq 1 480); do curl -sf "localhost:$port/fhir/metadata" -o /dev/null && break; sleep 0.25; done
  startup_ms=$(( ($(date +%s%N) - started) / 1000000 ))
}

# generate_and_load DATADIR PORT PRACTITIONERS SEED WORK: a generated directory loaded through the API; exports HYGIE_TOKEN
generate_and_load() {
  local dir=$1 port=$2 practitioners=$3 seed=$4 work=$5
  java -cp test-data/target/hygie-test-data-0.1.0-SNAPSHOT.jar org.hygie.testdata.DirectoryGenerator "$work/data" "$practitioners" 1 "$seed" 0 >/dev/null
  HYGIE_TOKEN=$(java -jar "$jar" token --scope "system/*.cruds" --ttl 7200 --hygie.data-dir="$dir")
  export HYGIE_TOKEN
  java -jar "$jar" load "$work/data" --url="http://localhost:$port/fhir" --parallel=2 > "$work/load.log" 2>&1 || { tail -5 "$work/load.log"; return 1; }
}

# free_slots DB: "id start end" per line, in random order (the input of bench/BookingLoad.java)
free_slots() {
  psqlq -Atc "select r.res_id || ' ' || to_char(to_timestamp(sa.start_low / 1000.0) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
    || ' ' || to_char(to_timestamp(sa.end_low / 1000.0) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
    from slot_availability sa join resource r on r.pk = sa.resource_pk where sa.status = 'free' order by random()" "$1"
}

# spend_slots FILE COUNT: drops the first COUNT slots of FILE, those a warm-up attempted (BookingLoad takes them
# in the file's order and aims at none twice); fails when it leaves none for the measured run
spend_slots() {
  tail -n +$(( $2 + 1 )) "$1" > "$1.rest" && mv "$1.rest" "$1"
  [ -s "$1" ] || { echo "the warm-up booked every free slot of $1: generate more practitioners" >&2; return 1; }
}

# disagreements DB: slots held without a reservation, or reserved but not busy
disagreements() {
  psqlq -Atc "select count(*) from slot_availability sa join resource r on r.pk = sa.resource_pk
    left join slot_reservation sr on sr.slot_id = r.res_id
    where (sr.slot_id is null and sa.status = 'busy-tentative') or (sr.slot_id is not null and sa.status not in ('busy','busy-tentative'))" "$1"
}

# measure MODE SCENARIO hey-args...: one `hey` run with $concurrency clients and $token, appended to $results
# as "mode scenario requests/s p99-ms non-2xx" (the overhead scripts compare two modes of the same server)
measure() {
  local mode=$1 scenario=$2; shift 2
  local out rps p99 errors
  out=$(hey -c "$concurrency" -H "Authorization: Bearer $token" "$@")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '/99% in/ {printf "%.1f", $3 * 1000}')
  errors=$(echo "$out" | awk '/^  \[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); if ($1 !~ /^2/) n += $2} END {print n + 0}')
  printf '%s\t%s\t%s\t%s\t%s\n' "$mode" "$scenario" "$rps" "$p99" "$errors" >> "$results"
}

# ratio_table MODE_A MODE_B LABEL_A LABEL_B "scenario|scenario|...": mean throughput of each mode per
# scenario over the rounds in $results, the ratio A/B, the worst p99 of each, the errors
ratio_table() {
  awk -F'\t' -v a="$1" -v b="$2" -v la="$3" -v lb="$4" -v scenarios="$5" '
    { rps[$2, $1] += $3; n[$2, $1]++; if ($4 > p99[$2, $1]) p99[$2, $1] = $4; err[$2, $1] += $5 }
    END {
      printf "%-20s %14s %14s %9s %12s %12s %7s\n", "scenario", la "/s", lb "/s", "ratio", "p99 " la " ms", "p99 " lb " ms", "errors"
      count = split(scenarios, keys, "|")
      for (k = 1; k <= count; k++) {
        s = keys[k]; x = rps[s, a] / n[s, a]; y = rps[s, b] / n[s, b]
        printf "%-20s %14.0f %14.0f %8.2fx %12.1f %12.1f %7d\n", s, x, y, x / y, p99[s, a], p99[s, b], err[s, a] + err[s, b]
      }
    }' "$results"
}

# cpu_ticks PID...: user + system CPU of the processes so far, in clock ticks (gone or unreadable ones count 0)
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

# ms_each TICKS COUNT: CPU milliseconds per item ("0" for no item)
ms_each() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN {printf "%.2f", (n > 0 ? t * 1000 / hz / n : 0)}'; }

# postgres_pids: the local PostgreSQL's processes (none when it runs elsewhere)
postgres_pids() { pgrep -u postgres -x postgres 2>/dev/null || true; }
