#!/usr/bin/env bash
# Three silo processes in one Orleans cluster on one PostgreSQL, Sarah's day run over HTTP on a real clock (the client is
# given all three silos and starts on the first), and the silo that hosts the run's tenant killed with SIGKILL mid-run. Prints the verdict and the digest; exits 0 only when the run passed.
#
#   APEX_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres" scripts/kill-a-silo.sh [seconds before the kill]
#
# The victim is the silo that hosts the run's tenant (its apps, queues and clock), whichever it is: when it is the first,
# the client moves to another. It is killed 12 s into a day that plays in about 40 s (--time-scale 0.0012).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${APEX_POSTGRES:?set APEX_POSTGRES to a PostgreSQL connection string (Npgsql format)}"
kill_after="${1:-12}"
[[ "$kill_after" =~ ^[0-9]+$ ]] || { echo "kill-a-silo: the argument is the seconds before the kill" >&2; exit 2; }

work=$(mktemp -d /tmp/apex-kill-a-silo.XXXXXX)
cluster="kill-$(date +%s)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "kill-a-silo: building (Release)"
dotnet build -c Release -v q --nologo silo/ApexOrleans.Silo.csproj >/dev/null
dotnet build -c Release -v q --nologo client/ApexOrleans.Client.csproj >/dev/null

urls=()
silo_ports=()
for i in 1 2 3; do
  http=$(free_port)
  urls+=("http://127.0.0.1:$http")
  silo_ports+=("$(free_port)")
  dotnet silo/bin/Release/net10.0/ApexOrleans.Silo.dll --urls "http://127.0.0.1:$http" \
    --Apex:Storage postgres --Apex:Database "$APEX_POSTGRES" --Apex:Cluster postgres --Apex:ClusterId "$cluster" \
    --Apex:SiloPort "${silo_ports[$((i - 1))]}" --Apex:GatewayPort "$(free_port)" >"$work/silo-$i.log" 2>&1 &
  pids+=("$!")
done

for i in 0 1 2; do
  for _ in $(seq 1 120); do
    curl -fsS "${urls[$i]}/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "${urls[$i]}/health/ready" >/dev/null || { echo "kill-a-silo: silo $((i + 1)) did not get ready; its log: $work/silo-$((i + 1)).log" >&2; exit 3; }
done
echo "kill-a-silo: cluster $cluster of 3 silos ready (${urls[*]})"

dotnet client/bin/Release/net10.0/apex.dll run --silo "$(IFS=,; echo "${urls[*]}")" --clock real --time-scale 0.0012 --out "$work/evidence" \
  >"$work/run.log" 2>&1 &
run=$!
sleep "$kill_after"
# The cluster's silos, each with the tenants it holds (admin key from the development-mode key endpoint, loopback only).
admin=$(curl -fsS "${urls[0]}/api/v1/dev/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin"])')
reports=$(curl -fsS -H "Authorization: Bearer $admin" "${urls[0]}/api/v1/activity/silos")
host_port=$(python3 -c '
import json, sys
for r in json.loads(sys.argv[1]):
    if any(t.startswith("sarahs-day") and not t.endswith("-ctl") for t in r["tenants"]):
        print(r["silo"].split("@")[0].rsplit(":", 1)[1])
' "$reports")
victim=2
for i in 1 2 3; do
  [ "${silo_ports[$((i - 1))]}" = "$host_port" ] && victim=$i
done
echo "kill-a-silo: silo $victim hosts the run's tenant"
echo "kill-a-silo: SIGKILL to silo $victim (pid ${pids[$((victim - 1))]}) at ${kill_after} s"
kill -9 "${pids[$((victim - 1))]}"

status=0
wait "$run" || status=$?
grep -E '^(PASSED|FAILED)|^evidence:|^digest:' "$work/run.log" || tail -n 20 "$work/run.log"
if [ "$status" -eq 0 ]; then
  bundle=$(ls "$work"/evidence/*.zip)
  dotnet client/bin/Release/net10.0/apex.dll verify "$bundle" >"$work/verify.log" 2>&1 && echo "kill-a-silo: apex verify accepted the bundle" \
    || { echo "kill-a-silo: apex verify refused the bundle ($work/verify.log)"; status=1; }
fi
echo "kill-a-silo: run exit code $status; logs in $work"
exit "$status"
