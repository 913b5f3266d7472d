#!/usr/bin/env bash
# Benchmark, not a test: an idempotent site.yml on a lab of its own against
#   the floor  - the same inventory and connection, minimal facts, one ping
#                per host (lab/bench/floor.yml);
#   plain      - the same job with one builtin task per option, rule, line,
#                file and unit (lab/bench/plain.yml);
# in paired runs (floor, site.yml, plain in turn), median of NOVAOPS_BENCH_RUNS,
# wall and controller CPU (user+sys of ansible-playbook and its children),
# over the podman connection and over SSH with pipelining. Then site.yml on a
# lab with NOVAOPS_BENCH_COMPUTES computes against the 2-compute figure, and
# the first converge's time beyond its package installs.
#
#   NOVAOPS_BENCH_RUNS (5)  NOVAOPS_BENCH_CONNECTIONS ("podman ssh")
#   NOVAOPS_BENCH_COMPUTES (16; 0 skips the scale lab)  NOVAOPS_BENCH_KEEP (1 keeps the labs)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${NOVAOPS_BENCH_RUNS:-5}
CONNECTIONS=${NOVAOPS_BENCH_CONNECTIONS:-podman ssh}
COMPUTES=${NOVAOPS_BENCH_COMPUTES:-16}
KEEP=${NOVAOPS_BENCH_KEEP:-0}

scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
# Plain hosts of the lab image: no cloud services competing for the CPU.
export NOVAOPS_LAB_CLOUD=${NOVAOPS_LAB_CLOUD:-0}
WORK=$(mktemp -d /tmp/novaops-bench.XXXXXX)
LABS=()
cleanup() {
    if [[ $KEEP != 1 ]]; then
        local lab
        for lab in "${LABS[@]}"; do
            NOVAOPS_LAB_PREFIX=${lab%%:*} lab/lab.sh down >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# The figures stay after the run.
TIMES=${NOVAOPS_BENCH_TIMES:-/tmp/novaops-bench-times.txt}

log() { printf 'bench: %s\n' "$*" >&2; }

# lab PREFIX SUBNET HOSTS... : bring a lab up (list PREFIX in LABS first: this runs
# in a subshell); its inventory directory on stdout.
lab() {
    local prefix=$1 subnet=$2
    shift 2
    local dir=$WORK/$prefix
    mkdir -p "$dir"
    NOVAOPS_LAB_PREFIX=$prefix NOVAOPS_LAB_SUBNET=$subnet NOVAOPS_LAB_HOSTS="$*" lab/lab.sh up >&2
    NOVAOPS_LAB_PREFIX=$prefix lab/lab.sh inventory >"$dir/hosts.yml"
    ln -s "$ROOT/inventories/lab/group_vars" "$dir/group_vars"
    ansible-playbook -i "$dir" lab/prepare.yml >"$dir/prepare.log" 2>&1 \
        || { tail -30 "$dir/prepare.log" >&2; exit 1; }
    printf '%s\n' "$dir"
}

# timed LABEL LOG ansible-playbook ARGS... : append "LABEL wall cpu" to $WORK/times.
timed() {
    local label=$1 out=$2
    shift 2
    local t
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" >"$out" 2>&1; } 2>&1 ) \
        || { tail -40 "$out" >&2; log "$label failed (log above)"; exit 1; }
    read -r real user sys <<<"$t"
    awk -v l="$label" -v r="$real" -v u="$user" -v s="$sys" 'BEGIN {printf "%s %s %.2f\n", l, r, u + s}' >>"$WORK/times"
    grep -q 'changed=0 ' "$out" || [[ $label == converge* ]] \
        || log "warning: $label reported changes ($(grep -c 'changed=[1-9]' "$out") hosts)"
}

median() { # LABEL FIELD (2 wall, 3 cpu)
    awk -v l="$1" -v f="$2" '$1 == l {print $f}' "$WORK/times" | sort -n \
        | awk '{v[NR] = $1} END {if (NR == 0) {print "nan"} else if (NR % 2) {print v[(NR + 1) / 2]} else {printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

LABS+=(novaops-bench)
inv=$(lab novaops-bench 10.231.9.0/24 proxy1 compute1 compute2)
log "first converge of the 3-host lab"
ANSIBLE_STDOUT_CALLBACK=ansible.posix.json timed converge "$WORK/converge.json" \
    ansible-playbook -i "$inv" site.yml --skip-tags preflight
install=$(python3 - "$WORK/converge.json" <<'PY'
import json, sys
from datetime import datetime
def seconds(d):
    f = '%Y-%m-%dT%H:%M:%S.%fZ'
    return (datetime.strptime(d['end'], f) - datetime.strptime(d['start'], f)).total_seconds()
text = open(sys.argv[1]).read()
doc = json.loads(text[text.index('\n{') + 1:] if not text.startswith('{') else text)
print('%.1f' % sum(seconds(t['task']['duration']) for p in doc['plays'] for t in p['tasks']
                   if 'Install the packages with' in t['task']['name']))
PY
)
converge=$(median converge 2)

for conn in $CONNECTIONS; do
    args=(-i "$inv")
    if [[ $conn == ssh ]]; then
        ssh-keygen -q -t ed25519 -N '' -f "$WORK/id_bench"
        ansible-playbook -i "$inv" lab/bench/ssh.yml -e "bench_ssh_pubkey='$(cat "$WORK/id_bench.pub")'" \
            >"$WORK/ssh.log" 2>&1 || { tail -30 "$WORK/ssh.log" >&2; exit 1; }
        # the same hosts, reached by address as root over SSH
        python3 - "$inv/hosts.yml" "$WORK/ssh/hosts.yml" "$WORK/id_bench" <<'PY'
import subprocess, sys, yaml
src, dst, key = sys.argv[1:]
doc = yaml.safe_load(open(src))
def walk(group):
    for name, hv in (group.get('hosts') or {}).items():
        ip = subprocess.check_output(['podman', 'inspect', '--format',
                                      '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', hv['ansible_host']],
                                     text=True).strip()
        hv.update(ansible_connection='ssh', ansible_host=ip, ansible_user='root', ansible_ssh_private_key_file=key,
                  ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null')
    for child in (group.get('children') or {}).values():
        walk(child)
walk(doc['all'])
import os
os.makedirs(os.path.dirname(dst), exist_ok=True)
yaml.safe_dump(doc, open(dst, 'w'))
PY
        ln -sfn "$ROOT/inventories/lab/group_vars" "$WORK/ssh/group_vars"
        args=(-i "$WORK/ssh")
    fi
    log "$conn: warming up (site.yml, plain, floor once each)"
    timed "warm-$conn" "$WORK/warm.log" ansible-playbook "${args[@]}" site.yml
    timed "warm-$conn" "$WORK/warm.log" ansible-playbook "${args[@]}" lab/bench/plain.yml
    timed "warm-$conn" "$WORK/warm.log" ansible-playbook "${args[@]}" lab/bench/floor.yml
    for ((i = 1; i <= RUNS; i++)); do
        log "$conn: run $i of $RUNS"
        timed "floor-$conn" "$WORK/floor.log" ansible-playbook "${args[@]}" lab/bench/floor.yml
        timed "site-$conn" "$WORK/site.log" ansible-playbook "${args[@]}" site.yml
        timed "plain-$conn" "$WORK/plain.log" ansible-playbook "${args[@]}" lab/bench/plain.yml
    done
done

if ((COMPUTES > 0)); then
    hosts=(proxy1)
    for ((i = 1; i <= COMPUTES; i++)); do hosts+=("compute$i"); done
    LABS+=(novaops-bench-scale)
    big=$(lab novaops-bench-scale 10.231.10.0/24 "${hosts[@]}")
    log "first converge of the $COMPUTES-compute lab"
    timed "converge-scale" "$WORK/scale.log" ansible-playbook -i "$big" site.yml --skip-tags preflight
    for ((i = 1; i <= RUNS; i++)); do
        log "$COMPUTES computes: run $i of $RUNS"
        timed "site-scale" "$WORK/scale.log" ansible-playbook -i "$big" site.yml
        timed "site-paired" "$WORK/site.log" ansible-playbook -i "$inv" site.yml
    done
fi

echo
echo "Idempotent site.yml, median of $RUNS paired runs (wall s / controller CPU s):"
for conn in $CONNECTIONS; do
    fw=$(median "floor-$conn" 2) fc=$(median "floor-$conn" 3)
    sw=$(median "site-$conn" 2) sc=$(median "site-$conn" 3)
    pw=$(median "plain-$conn" 2) pc=$(median "plain-$conn" 3)
    printf '  %-6s floor %6s / %6s   site.yml %6s / %6s   plain %6s / %6s\n' "$conn" "$fw" "$fc" "$sw" "$sc" "$pw" "$pc"
    printf '  %-6s site.yml/floor %s wall, %s CPU (at most 3.0)   site.yml/plain %s wall, %s CPU (at most 0.5)\n' \
        "$conn" "$(ratio "$sw" "$fw")" "$(ratio "$sc" "$fc")" "$(ratio "$sw" "$pw")" "$(ratio "$sc" "$pc")"
done
if ((COMPUTES > 0)); then
    bw=$(median site-scale 2) bc=$(median site-scale 3)
    # both labs run meanwhile: the 2-compute figure of the same rounds
    sw=$(median site-paired 2) sc=$(median site-paired 3)
    printf '  %s computes: site.yml %s / %s, 2 computes %s / %s: %s wall, %s CPU (at most 4.0)\n' \
        "$COMPUTES" "$bw" "$bc" "$sw" "$sc" "$(ratio "$bw" "$sw")" "$(ratio "$bc" "$sc")"
fi
cp "$WORK/times" "$TIMES"
echo "  every run: $TIMES (label, wall s, CPU s)"
printf '  first converge of the 3-host lab: %s s, of which package installs %s s: %s s beyond them (at most 30)\n' \
    "$converge" "$install" "$(awk -v a="$converge" -v b="$install" 'BEGIN {printf "%.1f", a - b}')"
