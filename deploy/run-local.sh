#!/usr/bin/env bash
# Start casetrack's whole multi-process system on this machine, for tests and demos:
#   nats-server (deploy/nats/nats.conf with JetStream, store and port overridden), casetrack eventlog, intake, review, reply, reporting.
# Everything listens on loopback; data, logs, a generated token file (hashes) and its tokens (tokens.secret) go
# to $CASETRACK_RUN (default ./casetrack-run). Ctrl-C (or SIGTERM) stops every process this script started.
#
#   deploy/run-local.sh                 # uses the debug build wherever cargo puts it (cargo build -p casetrack first)
#   CASETRACK_BIN=target/release/casetrack NATS_PORT=14222 deploy/run-local.sh
#   CASETRACK_AGENCIES=my-district.csv deploy/run-local.sh   # the agencies to register (default deploy/agencies.csv)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# Where cargo puts this workspace's builds: CARGO_TARGET_DIR, a .cargo/config.toml, or target/.
target_dir() {
  if command -v cargo >/dev/null; then
    cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" \
      | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
  else
    echo "${CARGO_TARGET_DIR:-$root/target}"
  fi
}
bin="${CASETRACK_BIN:-$(target_dir)/debug/casetrack}"
run="${CASETRACK_RUN:-$PWD/casetrack-run}"
nats_port="${NATS_PORT:-4222}"
log_port="${LOG_PORT:-50061}"
intake_port="${INTAKE_PORT:-50051}"
review_port="${REVIEW_PORT:-50052}"
reply_port="${REPLY_PORT:-50053}"
reporting_port="${REPORTING_PORT:-50065}"

[ -x "$bin" ] || { echo "casetrack binary not found at $bin (cargo build -p casetrack, or set CASETRACK_BIN)" >&2; exit 1; }
command -v nats-server >/dev/null || { echo "nats-server not on PATH" >&2; exit 1; }
mkdir -p "$run/nats" "$run/logs"
tokens="$run/tokens.json"
secrets="$run/tokens.secret"
if [ ! -f "$tokens" ]; then
  # Local identities: the 12345 hotline, the district's staff, and the admin the services call the log as.
  # The token file holds their SHA-256 hashes; the tokens go to tokens.secret (readable by this user only).
  umask 077
  entries=()
  : > "$secrets"
  identity() { # var name roles-json source jurisdiction-json
    local token hash
    token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
    printf '%s=%s\n' "$1" "$token" >> "$secrets"
    entries+=("{\"name\": \"$2\", \"token_sha256\": \"$hash\", \"roles\": $3, \"source_system\": \"$4\"$5}")
  }
  identity HOTLINE_TOKEN "12345热线" '["hotline"]' 12345 ', "jurisdiction": "simao"'
  identity STAFF_TOKEN "思茅区工作人员" '["clerk", "reviewer", "approver", "reply_officer", "report_officer"]' \
    console ', "jurisdiction": "simao"'
  identity CASETRACK_LOG_TOKEN "casetrack services" '["admin"]' ops ''
  (IFS=,; printf '{"identities": [%s]}\n' "${entries[*]}") > "$tokens"
  umask 022
fi
# shellcheck disable=SC1090
. "$secrets"
export CASETRACK_LOG_TOKEN

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

wait_port() { # name port: wait up to 30 s for a loopback port to accept connections
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "$1 did not listen on 127.0.0.1:$2; see $run/logs/$1.log" >&2
  exit 1
}

start() { # name port command...
  local name="$1" port="$2"; shift 2
  "$@" >"$run/logs/$name.log" 2>&1 &
  pids+=("$!")
  wait_port "$name" "$port"
  echo "$name listening on 127.0.0.1:$port"
}

# deploy/nats/nats.conf with this run's port and JetStream store (nats-server refuses -sd next to store_dir).
sed -e "s|^listen: .*|listen: 127.0.0.1:$nats_port|" -e "s|store_dir: .*|store_dir: \"$run/nats\"|" \
  "$here/nats/nats.conf" > "$run/nats.conf"
start nats "$nats_port" nats-server -c "$run/nats.conf"
nats="nats://127.0.0.1:$nats_port"
start eventlog "$log_port" "$bin" eventlog --data "$run/data" --listen "127.0.0.1:$log_port" --nats "$nats" \
  --tokens "$tokens"
# Intake's status watchers and review's router follow the log over gRPC, each with its checkpoints in its
# own data directory; only the eventlog process (its relay) talks to NATS.
for spec in "intake:$intake_port" "review:$review_port"; do
  name="${spec%%:*}"; port="${spec#*:}"
  start "$name" "$port" "$bin" "$name" --log "http://127.0.0.1:$log_port" --data "$run/$name" \
    --listen "127.0.0.1:$port" --tokens "$tokens"
done
start reply "$reply_port" "$bin" reply --log "http://127.0.0.1:$log_port" \
  --listen "127.0.0.1:$reply_port" --tokens "$tokens"
# Reporting folds the NATS stream into its own read models (back-filled from the event log process).
start reporting "$reporting_port" "$bin" reporting --data "$run/reporting" --log "http://127.0.0.1:$log_port" \
  --nats "$nats" --listen "127.0.0.1:$reporting_port" --tokens "$tokens"
# Intake refuses cases of unregistered agencies: register the district's as the admin (again is harmless).
"$bin" agency --server "http://127.0.0.1:$intake_port" --token "$CASETRACK_LOG_TOKEN" \
  import "${CASETRACK_AGENCIES:-$here/agencies.csv}" >"$run/logs/agencies.log"
echo "agencies registered (see $run/logs/agencies.log)"
echo "casetrack is running (token hashes in $tokens, the tokens in $secrets, logs in $run/logs); Ctrl-C stops it."
wait
