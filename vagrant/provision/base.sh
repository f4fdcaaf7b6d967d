# shellcheck shell=bash
# fwtrace Vagrant lab provisioning: the guard, packages, node, the lab's files and the `fwtrace-lab`
# command. Sourced by provision.sh (which sets FWT_VM_SRC and FWT_VM_ROOT); defines functions only.

VM_LAB="$FWT_VM_ROOT/opt/fwtrace-lab"
VM_BIN="$FWT_VM_ROOT/usr/local/bin"
VM_ETC="$FWT_VM_ROOT/etc/fwtrace-lab"

vm_die() {
  printf 'fwtrace-lab provision: %s\n' "$*" >&2
  exit 1
}

vm_log() {
  printf 'fwtrace-lab: %s\n' "$*"
}

# Refuse to run anywhere but a lab machine: this provisioning replaces the machine's firewall.
vm_guard() {
  local role="$1"
  [[ "${FWT_LAB_VM:-}" == 1 ]] || vm_die "not a Vagrant lab machine (FWT_LAB_VM=1 is not set): refusing to touch its firewall"
  [[ "$(id -u)" == 0 ]] || vm_die "needs root"
  if [[ -n "${FWT_LAB_EXPECT_NETNS:-}" ]]; then
    [[ "$(ip netns identify "$$" 2>/dev/null)" == "$FWT_LAB_EXPECT_NETNS" ]] ||
      vm_die "not inside network namespace $FWT_LAB_EXPECT_NETNS: refusing to touch this firewall"
  else
    [[ "$(hostname)" == "fwtrace-$role" ]] || vm_die "hostname is $(hostname), not fwtrace-$role: refusing to touch its firewall"
  fi
}

# vm_need CMD PACKAGE...: queues the first package apt knows for a missing command (the first one named
# when apt's lists are not there yet).
VM_MISSING=()
vm_need() {
  local cmd="$1" pkg
  shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  for pkg in "$@"; do
    if apt-cache show "$pkg" >/dev/null 2>&1; then
      VM_MISSING+=("$pkg")
      return 0
    fi
  done
  VM_MISSING+=("$1")
}

# Debian packages of what the role runs (only the missing ones are installed).
vm_packages() {
  local role="$1"
  vm_need ip iproute2
  vm_need setsid util-linux
  vm_need stdbuf coreutils
  [[ -x "$FWT_VM_SRC/node" ]] || vm_need node nodejs
  if [[ "$role" == fw ]]; then
    vm_need nft nftables
    vm_need iptables-legacy-restore iptables
    vm_need iptables-nft-restore iptables
    vm_need xtables-monitor iptables
    vm_need conntrack conntrack
    vm_need setpriv setpriv util-linux
    vm_need dmesg util-linux
    # Nice to have (TAB completion of fwtrace): not required where nothing may be installed.
    [[ -r /usr/share/bash-completion/bash_completion || "${FWT_VM_NO_APT:-}" == 1 ]] || VM_MISSING+=(bash-completion)
  fi
  ((${#VM_MISSING[@]} > 0)) || return 0
  [[ "${FWT_VM_NO_APT:-}" != 1 ]] || vm_die "missing packages: ${VM_MISSING[*]} (FWT_VM_NO_APT=1)"
  vm_log "installing ${VM_MISSING[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || vm_die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${VM_MISSING[@]}" >/dev/null ||
    vm_die "apt-get install ${VM_MISSING[*]} failed"
}

# node: a binary uploaded from the host (FWTRACE_NODE in the Vagrantfile) wins over the distribution's.
# fwtrace needs >= 20.19 (Debian 13's nodejs); the lab's net.js on client and server is happy with 18.
vm_node() {
  local role="$1" need=18.0
  if [[ -x "$FWT_VM_SRC/node" ]]; then
    install -D -m 0755 "$FWT_VM_SRC/node" "$VM_BIN/node"
    PATH="$VM_BIN:$PATH"
  fi
  command -v node >/dev/null 2>&1 || vm_die "no node (apt-get install nodejs, or FWTRACE_NODE=/path/to/node on the host)"
  [[ "$role" != fw ]] || need=20.19
  node -e 'const [a, b] = process.versions.node.split(".").map(Number), [c, d] = process.argv[1].split(".").map(Number);
    process.exit(a > c || (a === c && b >= d) ? 0 : 1)' "$need" ||
    vm_die "node $(node --version) is too old here (the $role needs >= $need): use a Debian 13 box, or upload" \
      "a newer node with FWTRACE_NODE=\$(command -v node) vagrant provision $role"
}

# The lab's scripts, as they are in the repository's scripts/ (uploaded to FWT_VM_SRC).
vm_install_lab() {
  local f
  install -d "$VM_LAB/lab.d"
  install -m 0755 "$FWT_VM_SRC/lab" "$VM_LAB/lab"
  for f in common.sh policy.sh topology.sh scenarios.sh net.js; do
    install -m 0644 "$FWT_VM_SRC/lab.d/$f" "$VM_LAB/lab.d/$f"
  done
}

# /etc/fwtrace-lab/env (every FWT_LAB_* setting of this machine) and the `fwtrace-lab` command, which is
# scripts/lab in host mode. Values are plain words, so `.` and systemd's EnvironmentFile read them alike.
vm_write_env() {
  local k v
  install -d "$VM_ETC" "$VM_BIN"
  {
    printf '# fwtrace lab machine: scripts/lab in host mode (written by vagrant/provision; do not edit)\n'
    for k in $(compgen -A variable FWT_LAB_ | sort); do
      case "$k" in FWT_LAB_D | FWT_LAB_QUIET | FWT_LAB_VM | FWT_LAB_EXPECT_NETNS | *_MAC) continue ;; esac
      v="${!k}"
      [[ "$v" =~ ^[A-Za-z0-9_.:/,+-]*$ ]] || vm_die "$k='$v': only letters, digits and _.:/,+- are supported"
      printf '%s=%s\n' "$k" "$v"
    done
  } >"$VM_ETC/env"
  cat >"$VM_BIN/fwtrace-lab" <<EOF
#!/bin/sh
# fwtrace-lab: the fwtrace repository's scripts/lab, in host mode on this lab machine (vagrant/README.md).
set -a
. "$VM_ETC/env"
set +a
PATH="$VM_BIN:\$PATH"
exec "$VM_LAB/lab" "\$@"
EOF
  chmod 0755 "$VM_BIN/fwtrace-lab"
}
