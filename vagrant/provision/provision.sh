#!/usr/bin/env bash
# Provisions one machine of the fwtrace Vagrant lab. The Vagrantfile runs it as root on every `vagrant up`,
# `reload` and `provision` (idempotent). The policy, listeners and traffic are scripts/lab.d's, run in host
# mode (FWT_LAB_MODE=host): this script only installs them, configures the real interfaces and, on the fw,
# loads the policy and installs the single-file fwtrace.
#
#   provision.sh <client|fw|server>        (the files of vagrant/files.txt are in $FWT_VM_SRC)
#
# Environment: FWTRACE_DIALECT=nft|xtables|legacy (the fw's policy; default nft), FWT_LAB_* (addresses,
# defaults in scripts/lab.d/common.sh), FWT_LAB_VM=1 (required: this script replaces the firewall of the
# machine it runs on, so it refuses to run anywhere but a lab machine: hostname fwtrace-<role>).
# For test/vagrant's namespace simulation: FWT_LAB_EXPECT_NETNS (instead of the hostname check),
# FWT_VM_ROOT (install prefix), FWT_VM_NO_SYSTEMD=1, FWT_VM_NO_APT=1.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

VM_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${FWT_VM_SRC:=$(dirname "$VM_HERE")}"
: "${FWT_VM_ROOT:=}"
# shellcheck source=base.sh
. "$VM_HERE/base.sh"

role="${1:-}"
[[ "$role" =~ ^(client|fw|server)$ ]] || vm_die "usage: provision.sh <client|fw|server>"
dialect="${FWTRACE_DIALECT:-nft}"
vm_guard "$role"
vm_packages "$role"
vm_node "$role"
vm_install_lab

# The lab's own definitions, from the installed copy, in host mode for this machine.
export FWT_LAB_MODE=host FWT_LAB_ROLE="$role" FWT_LAB_STATIC_NEIGH=0 FWT_LAB_QUIET=1
export FWT_LAB_RUN_DIR="${FWT_LAB_RUN_DIR:-$FWT_VM_ROOT/run/fwtrace-lab}"
for f in common policy topology scenarios; do
  # shellcheck source=/dev/null
  . "$VM_LAB/lab.d/$f.sh"
done
# shellcheck source=net.sh
. "$VM_HERE/net.sh"
# shellcheck source=service.sh
. "$VM_HERE/service.sh"

vm_network "$role"
vm_write_env
case "$role" in
  fw)
    # shellcheck source=fw.sh
    . "$VM_HERE/fw.sh"
    vm_firewall "$dialect"
    vm_service forget "$VM_BIN/fwtrace-lab" forget-watch
    vm_install_fwtrace
    vm_log "fw: $dialect policy on $FWT_LAB_FW_CLIENT_IF (client side) and $FWT_LAB_FW_SERVER_IF (server side)," \
      "management link ${FWT_LAB_MGMT_IF:-none}; try: sudo fwtrace 'tcp port $FWT_LAB_PORT_DB'"
    ;;
  server)
    mapfile -t listen < <(lab_listen_args server)
    vm_service listen "$(command -v node)" "$VM_LAB/lab.d/net.js" listen "${listen[@]}"
    vm_wait_listening "$FWT_LAB_PORT_WEB"
    vm_log "server: listening on ${listen[*]} ($FWT_LAB_SERVER_IF)"
    ;;
  client)
    vm_log "client: $FWT_LAB_CLIENT_IF; try: sudo fwtrace-lab traffic db-denied (fwtrace-lab list)"
    ;;
esac
