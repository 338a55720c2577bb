#!/usr/bin/env bash
# Issue 13's benchmarks in one run: casetrack (release build) and, back to back on the same machine, its peers
# PostgreSQL 15 (apt-installed, a throwaway server on loopback) and NATS JetStream (file store, through
# `bench-log --peer jetstream`). Prints every figure, then one summary table with the ratios.
#
#   deploy/bench.sh [CASES]        # CASES: applications in the fold/report year (default 200000)
#
# The other sizes can be set in the environment (APPEND_EVENTS, INTAKE_CASES, PROVINCE_UNITS, PROVINCE_CASES).
# Needs: PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin, or $PG), pgbench, psql, nats-server.
# Run as root it runs PostgreSQL as the `postgres` user. Everything lives in one temporary directory ($W, kept
# at the end so the logs can be read; delete it yourself) and every server it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${1:-200000}
APPEND_EVENTS=${APPEND_EVENTS:-50000}        # per appender level (1, 16, 64), casetrack, PostgreSQL and JetStream alike
INTAKE_CASES=${INTAKE_CASES:-20000}         # per client level (1, 4, 16, 64), casetrack and PostgreSQL alike
PROVINCE_UNITS=${PROVINCE_UNITS:-7300}        # units of the synthetic province (Jiangsu reported 7,261 member units in 2024)
PROVINCE_CASES=20000
PG_PORT=55432
PG=${PG:-/usr/lib/postgresql/15/bin}
YEAR=2024

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/casetrack-target}
# CASETRACK_BIN: an already built binary to measure instead (e.g. another checkout's, for a "before" column).
B=${CASETRACK_BIN:-$CARGO_TARGET_DIR/release/casetrack}
[ -n "${CASETRACK_BIN:-}" ] || cargo build --release -p casetrack
W=$(mktemp -d /tmp/casetrack-bench.XXXXXX)
chmod 755 "$W"; [ "$(id -u)" -ne 0 ] || chown postgres "$W"   # PostgreSQL keeps its cluster in here
echo "working directory: $W"

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
pg_stop() { as_postgres "$PG/pg_ctl -D $W/pg -m fast stop" >/dev/null 2>&1 || true; }
trap pg_stop EXIT
as_postgres "$PG/initdb -D $W/pg -A trust" >/dev/null
as_postgres "$PG/pg_ctl -D $W/pg -o '-p $PG_PORT -k $W -c max_connections=200 -c synchronous_commit=on -c fsync=on' \
  -l $W/pg.log start" >/dev/null
q() { psql -h "$W" -p $PG_PORT -U postgres -q -v ON_ERROR_STOP=1 "$@"; }
# Milliseconds of one statement, from psql's \timing.
ms() { q -c '\timing on' -c "$1" | awk '/^Time:/ {print $2}' | tail -1; }
# p50 of RUNS timings of one statement.
p50_ms() { for _ in 1 2 3 4 5 6 7; do ms "$1"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# pgbench: tps and p50/p99 latency (ms) of one script at N clients.
pgb() {
  local clients=$1 total=$2 script=$3
  rm -f "$W"/lat.*
  local tps
  tps=$(pgbench -h "$W" -p $PG_PORT -U postgres -n -c "$clients" -j 2 -t $((total / clients)) -f "$script" \
    -l --log-prefix="$W/lat" postgres | awk '/^tps/ {print int($3)}')
  cat "$W"/lat.* | awk '{print $3}' | sort -n |
    awk -v c="$clients" -v t="$tps" '{a[NR]=$1} END {printf "%9d %9d %8.2f %8.2f\n", c, t, a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'
}

echo; echo "== 1. durable appends: casetrack's log and NATS JetStream (one event per append) =="
$B bench-log --data "$W/log" --events $APPEND_EVENTS --peer jetstream | tee "$W/log.out"

echo; echo "== 1. durable appends: PostgreSQL (one event per transaction, unique stream/revision and event id) =="
q -c "create table events(position bigserial primary key, stream text not null, revision bigint not null,
  event_id uuid not null unique, event_type text not null, data jsonb not null, unique(stream, revision));"
# A new stream per event, as casetrack's bench-log appends one (a random number would collide at 50,000).
printf '%s\n' "insert into events(stream, revision, event_id, event_type, data) \
  values ('hotline-' || gen_random_uuid(), 0, gen_random_uuid(), 'HotlineReceived', \
  '{\"agency\":\"simao\",\"summary\":\"人民路路灯不亮\"}');" > "$W/append.sql"
echo "  clients       tps   p50 ms   p99 ms"
for c in 1 16 64; do pgb $c $APPEND_EVENTS "$W/append.sql"; done | tee "$W/pg-append.out"

echo; echo "== 2. intake over gRPC: casetrack serve, distinct hotline tickets =="
$B bench-intake --data "$W/intake" --cases $INTAKE_CASES | tee "$W/intake.out"

echo; echo "== 2. intake: PostgreSQL, one case row per transaction with a dense tracking number (counter row) =="
q -c "create table cases(case_id uuid primary key, tracking_number text not null unique, agency text not null,
  data jsonb not null); create table counters(counter text primary key, last bigint not null);
  insert into counters values ('SC-2026', 0);"
echo "with n as (update counters set last = last + 1 where counter = 'SC-2026' returning last) insert into cases \
  select gen_random_uuid(), 'SC-2026-' || lpad(n.last::text, 6, '0'), 'simao', \
  '{\"line\":\"12345\",\"category\":\"complaint\",\"summary\":\"人民路路灯不亮，夜间行人不便\"}' from n;" > "$W/counter.sql"
echo "  clients       tps   p50 ms   p99 ms"
for c in 1 4 16 64; do pgb $c $INTAKE_CASES "$W/counter.sql"; done | tee "$W/pg-intake.out"

echo; echo "== 3. fold, as-of and reports: $CASES applications of one district =="
$B bench-report --data "$W/rep" --cases "$CASES" --export-events "$W/events.csv" | tee "$W/report.out"
/usr/bin/time -v "$B" rebuild --data "$W/rep" > /dev/null 2> "$W/rebuild.time"
awk -F': ' '/Maximum resident/ {printf "peak RSS of `rebuild` (all models): %d MB\n", $2 / 1024}' "$W/rebuild.time" |
  tee -a "$W/report.out"
du -sb "$W/rep/log" "$W/rep/projections" | tee -a "$W/report.out"

echo; echo "== 3. the same events in PostgreSQL; the annual table's core as SQL =="
q -c "create table log(position bigint primary key, stream text not null, event_type text not null, data jsonb not null);"
load_ms=$(ms "\\copy log from '$W/events.csv' csv header")
events=$(q -At -c "select count(*) from log")
# The fold: one row per application with what table 三 counts (agency, applicant type, receipt, outcome).
FOLD="create table applications as select r.stream, r.data->>'agency' as agency,
  r.data->>'applicant_type' as applicant_type, (r.data->>'handed_in_on')::date as received_on, r.position as received_at,
  d.data->>'outcome' as outcome, (d.data->>'decided_on')::date as decided_on, d.position as decided_at
  from log r left join log d on d.stream = r.stream and d.event_type = 'ApplicationDecided'
  where r.event_type = 'ApplicationReceived'"
fold_ms=$(ms "$FOLD")
q -c "create index on applications(agency); analyze applications;"
# Table 三's core for one agency: new applications of the year, carried over, decided in the year by outcome.
annual() { echo "select applicant_type, outcome,
  count(*) filter (where extract(year from received_on) = $YEAR) as received,
  count(*) filter (where received_on < '$YEAR-01-01' and (decided_on is null or decided_on >= '$YEAR-01-01')) as carried,
  count(*) filter (where extract(year from decided_on) = $YEAR) as decided
  from $1 where agency = 'simao/finance' group by applicant_type, outcome"; }
report_ms=$(p50_ms "$(annual applications)")
half=$((events / 2))
asof_ms=$(p50_ms "$(annual "(select agency, applicant_type, received_on,
  case when decided_at < $half then outcome end as outcome,
  case when decided_at < $half then decided_on end as decided_on from applications where received_at < $half) a")")
printf 'PostgreSQL: %s events loaded in %s ms; fold into applications %s ms = %.0f events/s; annual table of one agency p50 %s ms; as of half the log p50 %s ms\n' \
  "$events" "$load_ms" "$fold_ms" "$(echo "$events / ($fold_ms / 1000)" | bc -l)" "$report_ms" "$asof_ms" | tee "$W/pg-report.out"

echo; echo "== 4. province roll-up: $PROVINCE_CASES applications over $PROVINCE_UNITS units =="
$B bench-report --data "$W/prov" --cases $PROVINCE_CASES --province-units $PROVINCE_UNITS \
  --export-events "$W/prov.csv" | tee "$W/province.out"
q -c "truncate log; drop table applications;" -c "\\copy log from '$W/prov.csv' csv header"
q -c "$FOLD" -c "create index on applications(agency); analyze applications;"
rollup_ms=$(p50_ms "select applicant_type, outcome, count(*) filter (where extract(year from received_on) = $YEAR),
  count(*) filter (where extract(year from decided_on) = $YEAR) from applications where agency = 'prov' or agency like 'prov/%'
  group by applicant_type, outcome")
echo "PostgreSQL: province roll-up (GROUP BY over the subtree) p50 $rollup_ms ms" | tee "$W/pg-province.out"

echo; echo "== summary: casetrack and its peers, this run =="
# Rust prints durations as 2.40ms, 346.03µs or 1.2s: to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /µs$/) {sub(/µs$/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms$/,"",v); \
  else if (v ~ /ns$/) {sub(/ns$/,"",v); v/=1e6} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
p50_of() { grep -F "$2" "$W/$1" | head -1 | sed 's/.* p50 *\([^ ]*\) .*/\1/' | to_ms; }
events_per_s() { grep -F "$2" "$W/$1" | head -1 | sed 's/.*= \([0-9]*\) events\/s.*/\1/'; }
level() { awk -v n="$2" -v f="$3" '$1 == n {print $f; exit}' "$W/$1"; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "-" }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
row workload casetrack peer "ratio (casetrack / peer)"
row --- --- --- ---
ct=$(level log.out 64 3); pg=$(level pg-append.out 64 2); js=$(awk '$1 == 64 && ++n == 2 {print $3; exit}' "$W/log.out")   # bench-log prints JetStream's rows second
row "durable appends, 64 appenders (events/s)" "$ct" "PostgreSQL $pg; JetStream $js" "$(ratio "$ct" "$pg") / $(ratio "$ct" "$js")"
ct=$(level intake.out 64 3); pg=$(level pg-intake.out 64 2)
row "intake over gRPC, 64 clients (cases/s; p99 ms; non-OK)" "$ct; $(level intake.out 64 5); $(level intake.out 64 6)" \
  "PostgreSQL (dense counter) $pg; $(level pg-intake.out 64 4)" "$(ratio "$ct" "$pg")"
ct=$(events_per_s report.out "rebuild of all read models"); raw=$(events_per_s report.out "read and decode")
pg=$(sed 's/.*= \([0-9]*\) events\/s.*/\1/' "$W/pg-report.out")
row "fold, all models (events/s; raw read-and-decode)" "$ct; raw $raw ($(ratio "$ct" "$raw"))" "PostgreSQL $pg" "$(ratio "$ct" "$pg")"
ct=$(p50_of report.out "report, one agency, latest"); pg=$(sed 's/.*one agency p50 \([0-9.]*\) ms.*/\1/' "$W/pg-report.out")
row "annual report, one agency, latest (p50 ms)" "$ct" "PostgreSQL $pg" "$(ratio "$ct" "$pg")"
ct=$(p50_of report.out "report as of half the log"); pg=$(sed 's/.*half the log p50 \([0-9.]*\) ms.*/\1/' "$W/pg-report.out")
row "as-of report at half the log (p50 ms)" "$ct" "PostgreSQL $pg" "$(ratio "$ct" "$pg")"
ct=$(p50_of province.out "roll-up tables, from the subtree sums"); pg=$(sed 's/.*p50 \([0-9.]*\) ms.*/\1/' "$W/pg-province.out")
row "province roll-up, tables (p50 ms)" "$ct" "PostgreSQL $pg" "$(ratio "$ct" "$pg")"
row "province roll-up, tables as of half the log (p50 ms)" "$(p50_of province.out "roll-up tables as of half the log, sums")" "—" "—"
row "province roll-up, whole report, latest / as of half the log (p50 ms)" \
  "$(p50_of province.out "whole report (GetReport), latest") / $(p50_of province.out "whole report, as of half")" "—" "—"
row "peak RSS of rebuild" "$(grep -F 'peak RSS' "$W/report.out" | sed 's/.*: //')" "—" "—"
