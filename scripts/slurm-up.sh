#!/usr/bin/env bash
# Start a single-node Slurm cluster on this machine (Debian's slurm-wlm and
# munge), for `neuroxbar sweep --slurm` and its test: installs the packages
# if missing, creates a munge key if there is none, writes
# /etc/slurm/slurm.conf for this one node (only if there is no slurm.conf,
# or the one there was written by this script), starts munged, slurmctld and
# slurmd unless they run, and waits until the node accepts jobs. Needs root.
# Idempotent. Prints the node's state; exits 1 if the cluster does not come up.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/slurm-up.sh: needs root (starts system daemons)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
need=()
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/slurm-up.sh: installing ${need[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

MARK="# written by neuroxbar scripts/slurm-up.sh"
if [ ! -s /etc/munge/munge.key ]; then
  install -d -o munge -g munge -m 0700 /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 0755 /run/munge
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

node="$(hostname -s)"
cpus="$(nproc)"
mem_mb="$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)"
conf=/etc/slurm/slurm.conf
if [ ! -f "$conf" ] || head -1 "$conf" | grep -qxF "$MARK"; then
  install -d /etc/slurm
  install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
  cat > "$conf.new" <<CONF
$MARK
ClusterName=neuroxbar
SlurmctldHost=$node
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
NodeName=$node CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
  mv "$conf.new" "$conf"
else
  echo "scripts/slurm-up.sh: $conf exists and was not written by this script: using it as it is" >&2
fi

pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for _ in $(seq 1 60); do
  state="$(sinfo -h -n "$node" -o %t 2>/dev/null || true)"
  case "$state" in
    idle|mix|alloc) echo "slurm: node $node $state" >&2; exit 0 ;;
    down*|drain*) scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 1
done
echo "scripts/slurm-up.sh: the node did not come up (state: ${state:-none}); see /var/log/slurm/" >&2
exit 1
