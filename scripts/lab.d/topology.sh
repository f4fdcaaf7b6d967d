# shellcheck shell=bash
# fwtrace lab: namespaces, links, addresses, routes, listeners. Requires common.sh and policy.sh.

# Set a sysctl inside a namespace (quietly; the key must exist).
_lab_sysctl() {
  local role="$1" key="$2" val="$3"
  lab_in "$role" sysctl -q -w "$key=$val" >/dev/null
}

# Per-interface IPv6 settings that keep the link quiet: no DAD, no router solicitations.
_lab_quiet_if() {
  local role="$1" ifname="$2"
  _lab_sysctl "$role" "net.ipv6.conf.$ifname.accept_dad" 0
  _lab_sysctl "$role" "net.ipv6.conf.$ifname.accept_ra" 0
  _lab_sysctl "$role" "net.ipv6.conf.$ifname.router_solicitations" 0
}

_lab_start_listener() {
  local role="$1" ns="$2"
  shift 2
  local dir log
  dir="$(lab_state_dir)"
  log="$dir/listen-$role.log"
  # setsid: own session, no controlling terminal; stdio detached so callers' pipes close.
  ip netns exec "$ns" setsid node "$FWT_LAB_D/net.js" listen --netns "$ns" "$@" \
    </dev/null >"$log" 2>&1 &
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q '^ready' "$log" 2>/dev/null && return 0
    sleep 0.05
  done
  cat "$log" >&2 || true
  lab_die "listener in $ns did not start"
}

# lab_up DIALECT: build the lab; on any failure, remove what was built and return 1.
# (Runs the steps in a subshell with errexit so it neither relies on nor changes the caller's traps.)
lab_up() {
  local dialect="$1" rc had_e=0 ns
  lab_need_root
  lab_check_prefix
  lab_valid_dialect "$dialect" || lab_die "unknown dialect '$dialect' (legacy|xtables|nft)"
  lab_need_cmds ip node setsid sysctl conntrack
  case "$dialect" in
    legacy) lab_need_cmds iptables-legacy-restore ip6tables-legacy-restore ;;
    xtables) lab_need_cmds iptables-nft-restore ip6tables-nft-restore ;;
    nft) lab_need_cmds nft ;;
  esac
  lab_ns_names
  for ns in "$NS_CLIENT" "$NS_FW" "$NS_SERVER"; do
    ! lab_ns_exists "$ns" || lab_die "namespace $ns exists: run 'scripts/lab down --prefix $FWT_LAB_PREFIX' first"
  done

  [[ $- == *e* ]] && had_e=1
  set +e
  (
    set -e
    _lab_up_steps "$dialect"
  )
  rc=$?
  ((had_e)) && set -e
  if ((rc != 0)); then
    lab_log "up failed, removing the partial lab"
    lab_down
    return 1
  fi
  lab_log "up: ${FWT_LAB_PREFIX}-client, ${FWT_LAB_PREFIX}-fw ($dialect policy), ${FWT_LAB_PREFIX}-server"
}

_lab_up_steps() {
  local dialect="$1"
  lab_ns_names
  local ns
  local dir
  dir="$(lab_state_dir)"
  mkdir -p "$dir"
  printf '%s\n' "$dialect" >"$dir/dialect"

  for ns in "$NS_CLIENT" "$NS_FW" "$NS_SERVER"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
  done

  # veth pairs created directly inside the namespaces: nothing ever appears in the root namespace.
  ip link add "$FWT_LAB_CLIENT_IF" netns "$NS_CLIENT" address "$FWT_LAB_CLIENT_MAC" type veth \
    peer name "$FWT_LAB_FW_CLIENT_IF" netns "$NS_FW" address "$FWT_LAB_FW_CLIENT_MAC"
  ip link add "$FWT_LAB_FW_SERVER_IF" netns "$NS_FW" address "$FWT_LAB_FW_SERVER_MAC" type veth \
    peer name "$FWT_LAB_SERVER_IF" netns "$NS_SERVER" address "$FWT_LAB_SERVER_MAC"

  _lab_quiet_if client "$FWT_LAB_CLIENT_IF"
  _lab_quiet_if fw "$FWT_LAB_FW_CLIENT_IF"
  _lab_quiet_if fw "$FWT_LAB_FW_SERVER_IF"
  _lab_quiet_if server "$FWT_LAB_SERVER_IF"

  # fw: a router. Strict TCP conntrack (no mid-stream pickup) so an ACK without a connection is INVALID.
  _lab_sysctl fw net.ipv4.ip_forward 1
  _lab_sysctl fw net.ipv6.conf.all.forwarding 1
  _lab_sysctl fw net.netfilter.nf_conntrack_tcp_loose 0

  local p4c p4s p6c p6s
  p4c="${FWT_LAB_CLIENT_NET4#*/}"
  p4s="${FWT_LAB_SERVER_NET4#*/}"
  p6c="${FWT_LAB_CLIENT_NET6#*/}"
  p6s="${FWT_LAB_SERVER_NET6#*/}"

  ip -n "$NS_CLIENT" addr add "$FWT_LAB_CLIENT_IP4/$p4c" dev "$FWT_LAB_CLIENT_IF"
  ip -n "$NS_CLIENT" addr add "$FWT_LAB_CLIENT_DB_IP4/$p4c" dev "$FWT_LAB_CLIENT_IF"
  ip -n "$NS_CLIENT" addr add "$FWT_LAB_CLIENT_IP6/$p6c" dev "$FWT_LAB_CLIENT_IF" nodad
  ip -n "$NS_FW" addr add "$FWT_LAB_FW_CLIENT_IP4/$p4c" dev "$FWT_LAB_FW_CLIENT_IF"
  ip -n "$NS_FW" addr add "$FWT_LAB_FW_CLIENT_IP6/$p6c" dev "$FWT_LAB_FW_CLIENT_IF" nodad
  ip -n "$NS_FW" addr add "$FWT_LAB_FW_SERVER_IP4/$p4s" dev "$FWT_LAB_FW_SERVER_IF"
  ip -n "$NS_FW" addr add "$FWT_LAB_FW_SERVER_IP6/$p6s" dev "$FWT_LAB_FW_SERVER_IF" nodad
  ip -n "$NS_SERVER" addr add "$FWT_LAB_SERVER_IP4/$p4s" dev "$FWT_LAB_SERVER_IF"
  ip -n "$NS_SERVER" addr add "$FWT_LAB_SERVER2_IP4/$p4s" dev "$FWT_LAB_SERVER_IF"
  ip -n "$NS_SERVER" addr add "$FWT_LAB_SERVER_IP6/$p6s" dev "$FWT_LAB_SERVER_IF" nodad

  ip -n "$NS_CLIENT" link set "$FWT_LAB_CLIENT_IF" up
  ip -n "$NS_FW" link set "$FWT_LAB_FW_CLIENT_IF" up
  ip -n "$NS_FW" link set "$FWT_LAB_FW_SERVER_IF" up
  ip -n "$NS_SERVER" link set "$FWT_LAB_SERVER_IF" up

  ip -n "$NS_CLIENT" route add default via "$FWT_LAB_FW_CLIENT_IP4"
  ip -n "$NS_CLIENT" -6 route add default via "$FWT_LAB_FW_CLIENT_IP6"
  ip -n "$NS_SERVER" route add default via "$FWT_LAB_FW_SERVER_IP4"
  ip -n "$NS_SERVER" -6 route add default via "$FWT_LAB_FW_SERVER_IP6"

  if [[ "$FWT_LAB_STATIC_NEIGH" == 1 ]]; then
    local a
    ip -n "$NS_CLIENT" neigh replace "$FWT_LAB_FW_CLIENT_IP4" lladdr "$FWT_LAB_FW_CLIENT_MAC" dev "$FWT_LAB_CLIENT_IF" nud permanent
    ip -n "$NS_CLIENT" neigh replace "$FWT_LAB_FW_CLIENT_IP6" lladdr "$FWT_LAB_FW_CLIENT_MAC" dev "$FWT_LAB_CLIENT_IF" nud permanent
    for a in "$FWT_LAB_CLIENT_IP4" "$FWT_LAB_CLIENT_DB_IP4" "$FWT_LAB_CLIENT_IP6"; do
      ip -n "$NS_FW" neigh replace "$a" lladdr "$FWT_LAB_CLIENT_MAC" dev "$FWT_LAB_FW_CLIENT_IF" nud permanent
    done
    for a in "$FWT_LAB_SERVER_IP4" "$FWT_LAB_SERVER2_IP4" "$FWT_LAB_SERVER_IP6"; do
      ip -n "$NS_FW" neigh replace "$a" lladdr "$FWT_LAB_SERVER_MAC" dev "$FWT_LAB_FW_SERVER_IF" nud permanent
    done
    ip -n "$NS_SERVER" neigh replace "$FWT_LAB_FW_SERVER_IP4" lladdr "$FWT_LAB_FW_SERVER_MAC" dev "$FWT_LAB_SERVER_IF" nud permanent
    ip -n "$NS_SERVER" neigh replace "$FWT_LAB_FW_SERVER_IP6" lladdr "$FWT_LAB_FW_SERVER_MAC" dev "$FWT_LAB_SERVER_IF" nud permanent
  fi

  policy_load "$dialect"

  local args
  mapfile -t args < <(lab_listen_args server)
  _lab_start_listener server "$NS_SERVER" "${args[@]}"
  mapfile -t args < <(lab_listen_args fw)
  _lab_start_listener fw "$NS_FW" "${args[@]}"
}

# The `net.js listen` arguments of a role, one per line (none: no listener). On a real host (host mode)
# sshd answers the SSH port, so the listeners leave it alone.
lab_listen_args() {
  local ssh="$FWT_LAB_PORT_SSH,"
  [[ "$FWT_LAB_MODE" != host ]] || ssh=""
  case "$1" in
    server)
      printf '%s\n' --tcp "$ssh$FWT_LAB_PORT_WEB,$FWT_LAB_PORT_DB,$FWT_LAB_PORT_ALT" --udp "$FWT_LAB_PORT_DNS" \
        --ssh-port "$FWT_LAB_PORT_SSH"
      ;;
    fw) [[ -z "$ssh" ]] || printf '%s\n' --tcp "$FWT_LAB_PORT_SSH" --ssh-port "$FWT_LAB_PORT_SSH" ;;
    client) ;;
    *) lab_die "unknown role '$1'" ;;
  esac
}

# Stop the processes inside a namespace (listeners, stray readers), by pid.
_lab_kill_ns_pids() {
  local ns="$1" pids i
  pids="$(ip netns pids "$ns" 2>/dev/null || true)"
  [[ -n "$pids" ]] || return 0
  # shellcheck disable=SC2086 # word splitting of the pid list is intended
  kill -TERM $pids 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    pids="$(ip netns pids "$ns" 2>/dev/null || true)"
    [[ -n "$pids" ]] || return 0
    sleep 0.05
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

lab_down() {
  lab_need_root
  lab_check_prefix
  lab_ns_names
  local ns
  for ns in "$NS_CLIENT" "$NS_FW" "$NS_SERVER"; do
    if lab_ns_exists "$ns"; then
      _lab_kill_ns_pids "$ns"
      ip netns del "$ns" 2>/dev/null || lab_log "could not delete $ns"
    fi
  done
  rm -rf "$(lab_state_dir)"
  return 0
}

lab_dialect() {
  local f
  f="$(lab_state_dir)/dialect"
  [[ -r "$f" ]] || lab_die "no lab with prefix '$FWT_LAB_PREFIX' (scripts/lab up <dialect> --prefix $FWT_LAB_PREFIX)"
  cat "$f"
}
