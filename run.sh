#!/usr/bin/env bash
# The main job: set up, bring the registry up to date from the official lists, show what it holds, screen examples.
# Offline, it says so loudly and uses the small sample list shipped with the package instead.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/bootstrap.sh" || exit 1
SW="$ROOT/.venv/bin/sanctionwatch"
export SANCTIONWATCH_DB="${SANCTIONWATCH_DB:-$ROOT/var/registry.db}"
mkdir -p "$(dirname "$SANCTIONWATCH_DB")" 2>/dev/null || true

"$SW" update "$@"
status=$?
if [[ $status -eq 3 ]]; then
  echo
  echo "################################################################################"
  echo "#  OFFLINE: the official lists could not be downloaded.                        #"
  echo "#  Continuing with the SMALL SAMPLE LIST shipped with Sanctionwatch instead.   #"
  echo "#  Results below are a demonstration, NOT a screening against official lists.  #"
  echo "################################################################################"
  echo
  "$SW" update --sample || exit 1
elif [[ $status -ne 0 ]]; then
  echo "update finished with exit code $status (see messages above); showing the registry as it stands." >&2
fi

"$SW" lists
for source in $("$SW" lists --json | "$ROOT/.venv/bin/python" -c 'import json,sys; print(" ".join(sorted({v["source"] for v in json.load(sys.stdin) if v["active"]})))'); do
  "$SW" changes --source "$source" | head -n 5
done
echo
echo "Listed parties under DPRK programmes: $("$SW" entities --program DPRK --json | "$ROOT/.venv/bin/python" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
echo
echo "Screening examples against the active lists:"
"$SW" screen "Ким Чен Ын"
"$SW" screen "Kim Jong-un" --dob 1984-01-08 --country kp
"$SW" screen "Foreign Trade Bank of the Democratic Peoples Republic of Korea"
"$SW" screen --id "IMO 7937317"
"$SW" screen "Gail Smith"

echo
echo "The service: a yente-style /match call over HTTP (sanctionwatch serve on loopback, then stopped):"
CREATED=$("$SW" keys create --role analyst --name "run.sh demo")   # "Created API key ID (...): KEY"
KEY=${CREATED##* }
KEY_ID=$(echo "$CREATED" | awk '{print $4}')
PORT=$("$ROOT/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$SW" serve --port "$PORT" >"$(dirname "$SANCTIONWATCH_DB")/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -s -X POST "http://127.0.0.1:$PORT/match/default?limit=1" -H "Authorization: ApiKey $KEY" \
  -H "Content-Type: application/json" \
  -d '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Ким Чен Ын"], "birthDate": ["1984-01-08"]}}}}' |
  "$ROOT/.venv/bin/python" -c '
import json, sys
answer = json.load(sys.stdin)
if "responses" not in answer:
    sys.exit(f"  the service answered: {answer}")
results = answer["responses"]["q1"]["results"]
top = results[0] if results else None
print("  top result:", "{caption} ({id}), score {score}, match: {match}".format(**top) if top else "none")'
kill "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
"$SW" keys revoke "$KEY_ID" >/dev/null && echo "  (the demo key was revoked; start the service yourself with: sanctionwatch serve)"

echo
echo "Payments: two wires (examples/payments: an ISO 20022 pacs.008 and a SWIFT MT103), field by field:"
"$SW" screen-payment "$ROOT/examples/payments"   # exit 4: a wire is held (and, on old lists, every wire)

echo
echo "Monitoring: a small customer file (examples/customers.csv), screened as it is imported:"
"$SW" customers import "$ROOT/examples/customers.csv"
"$SW" alerts list --status open
"$SW" audit verify
