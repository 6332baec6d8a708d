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
