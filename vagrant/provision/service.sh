# shellcheck shell=bash
# fwtrace Vagrant lab provisioning: long-running lab processes (the server's listeners, the fw's
# forget-watch). A systemd unit fwtrace-lab-NAME where systemd runs (restarted on every provisioning,
# started at boot), else (FWT_VM_NO_SYSTEMD=1, the namespace simulation) a detached process whose
# process group is stopped first. Sourced by provision.sh; defines functions only.

# vm_service NAME ARGV...: (re)starts ARGV as the lab service NAME. ARGV words must not contain spaces.
vm_service() {
  local name="$1"
  shift
  local a
  for a in "$@"; do [[ "$a" != *[[:space:]]* ]] || vm_die "service $name: argument with a space: '$a'"; done
  if [[ "${FWT_VM_NO_SYSTEMD:-}" != 1 ]] && [[ -d /run/systemd/system ]]; then
    _vm_systemd_service "$name" "$@"
  else
    _vm_detached_service "$name" "$@"
  fi
}

_vm_systemd_service() {
  local name="$1" unit="fwtrace-lab-$1.service"
  shift
  cat >"$FWT_VM_ROOT/etc/systemd/system/$unit" <<EOF
# fwtrace lab (vagrant/provision/service.sh): $name
[Unit]
Description=fwtrace lab $name
After=network-online.target

[Service]
EnvironmentFile=$VM_ETC/env
ExecStart=$*
Restart=on-failure
RestartSec=1

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable --quiet "$unit"
  systemctl restart "$unit"
}

_vm_detached_service() {
  local name="$1" dir="$FWT_LAB_RUN_DIR" pid
  shift
  mkdir -p "$dir"
  if [[ -r "$dir/$name.pid" ]]; then
    pid="$(cat "$dir/$name.pid")"
    kill -TERM -- "-$pid" 2>/dev/null || true
  fi
  setsid "$@" </dev/null >"$dir/$name.log" 2>&1 &
  printf '%s\n' "$!" >"$dir/$name.pid"
}

# Waits (up to 5 s) until something listens on TCP port $1.
vm_wait_listening() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -z "$(ss -Hltn "sport = :$1")" ]] || return 0
    sleep 0.05
  done
  vm_die "nothing listens on tcp/$1 (see $FWT_LAB_RUN_DIR or journalctl -u fwtrace-lab-listen)"
}
