# shellcheck shell=bash
# fwtrace Vagrant lab provisioning, fw only: the lab policy in the chosen dialect (scripts/lab.d's
# policy_load, in host mode) and fwtrace itself (the single-file build, dist/fwtrace.mjs, with its bash
# completion). Sourced by provision.sh after the lab's scripts; defines functions only.

# Empties iptables-legacy's tables: rules, user chains, built-in chain policies back to ACCEPT.
_vm_legacy_clear() {
  local cmd="$1" names="$2" t c
  [[ -r "$names" ]] && command -v "$cmd" >/dev/null 2>&1 || return 0
  while read -r t; do
    "$cmd" -t "$t" -F
    "$cmd" -t "$t" -X
    for c in $("$cmd" -t "$t" -S | awk '$1 == "-P" { print $2 }'); do "$cmd" -t "$t" -P "$c" ACCEPT; done
  done <"$names"
}

# Whatever policy an earlier provisioning loaded (maybe in another dialect) goes first: this machine's
# firewall belongs to the lab, nothing else lives in it (vm_guard made sure this is the lab's fw).
vm_firewall_clear() {
  if command -v nft >/dev/null 2>&1; then nft flush ruleset; fi
  _vm_legacy_clear iptables-legacy /proc/net/ip_tables_names
  _vm_legacy_clear ip6tables-legacy /proc/net/ip6_tables_names
}

vm_firewall() {
  local dialect="$1"
  lab_valid_dialect "$dialect" || vm_die "FWTRACE_DIALECT must be nft, xtables or legacy (not '$dialect')"
  vm_firewall_clear
  policy_load "$dialect"
  # Strict TCP conntrack (no mid-stream pickup), as in the namespace lab: the invalid scenario needs it.
  modprobe nf_conntrack 2>/dev/null || true
  sysctl -q -w net.netfilter.nf_conntrack_tcp_loose=0 >/dev/null
  policy_reset_state
  mkdir -p "$(lab_state_dir)"
  printf '%s\n' "$dialect" >"$(lab_state_dir)/dialect"
}

# fwtrace: the single-file build, run by the distribution's node; `fwtrace` on PATH, bash completion.
vm_install_fwtrace() {
  local lib="$FWT_VM_ROOT/usr/local/lib/fwtrace"
  [[ -r "$FWT_VM_SRC/fwtrace.mjs" ]] || vm_die "fwtrace.mjs was not uploaded (npm run bundle on the host, then vagrant provision fw)"
  install -D -m 0755 "$FWT_VM_SRC/fwtrace.mjs" "$lib/fwtrace.mjs"
  ln -sfn "$lib/fwtrace.mjs" "$VM_BIN/fwtrace"
  install -d "$FWT_VM_ROOT/etc/bash_completion.d"
  node "$lib/fwtrace.mjs" completion bash >"$FWT_VM_ROOT/etc/bash_completion.d/fwtrace"
  vm_log "fwtrace $(node "$lib/fwtrace.mjs" --version) installed: $VM_BIN/fwtrace -> $lib/fwtrace.mjs"
}
