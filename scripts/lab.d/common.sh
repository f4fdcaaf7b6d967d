# shellcheck shell=bash
# fwtrace lab: configuration and helpers. Sourced by scripts/lab, scripts/capture and the kernel tests'
# helpers; defines functions and variables only, changes nothing when sourced.
#
# Every address and interface name can be overridden with an FWT_LAB_* environment variable, so a test
# can build a lab with other addresses. Defaults:
#
#   P-client (client)                P-fw (firewall, forwarding on)                 P-server (server)
#   c-fw   10.66.1.2/24 fd66:1::2/64 fw-c 10.66.1.1/24 fd66:1::1/64
#          10.66.1.5/24 (DB client)  fw-s 10.66.2.1/24 fd66:2::1/64  s-fw 10.66.2.2/24 fd66:2::2/64
#                                                                          10.66.2.3/24 (2nd endpoint)
#   service VIP 10.96.0.10:80 (nat only, no interface has it)

# ---- names --------------------------------------------------------------------------------------
: "${FWT_LAB_PREFIX:=fwt-lab}"

# Interface names (<= 15 chars). client side: c-fw <-> fw-c; server side: fw-s <-> s-fw.
: "${FWT_LAB_CLIENT_IF:=c-fw}"
: "${FWT_LAB_FW_CLIENT_IF:=fw-c}"
: "${FWT_LAB_FW_SERVER_IF:=fw-s}"
: "${FWT_LAB_SERVER_IF:=s-fw}"

# Fixed MAC addresses make captures reproducible (they appear in MAC=/MACSRC=/ether saddr fields).
: "${FWT_LAB_CLIENT_MAC:=02:66:01:00:00:02}"
: "${FWT_LAB_FW_CLIENT_MAC:=02:66:01:00:00:01}"
: "${FWT_LAB_FW_SERVER_MAC:=02:66:02:00:00:01}"
: "${FWT_LAB_SERVER_MAC:=02:66:02:00:00:02}"

# ---- IPv4 ---------------------------------------------------------------------------------------
: "${FWT_LAB_CLIENT_NET4:=10.66.1.0/24}"
: "${FWT_LAB_SERVER_NET4:=10.66.2.0/24}"
: "${FWT_LAB_CLIENT_IP4:=10.66.1.2}"     # the ordinary client
: "${FWT_LAB_CLIENT_DB_IP4:=10.66.1.5}"  # secondary client address: the allowed DB client
: "${FWT_LAB_FW_CLIENT_IP4:=10.66.1.1}"  # fw, client side (SSH target, port-forward address)
: "${FWT_LAB_FW_SERVER_IP4:=10.66.2.1}"  # fw, server side (MASQUERADE source)
: "${FWT_LAB_SERVER_IP4:=10.66.2.2}"     # server endpoint A
: "${FWT_LAB_SERVER2_IP4:=10.66.2.3}"    # server endpoint B
: "${FWT_LAB_SVC_VIP4:=10.96.0.10}"      # kube-style service VIP (DNAT only)
: "${FWT_LAB_POD_NET4:=10.244.0.0/16}"   # kube-style "cluster CIDR" (KUBE-MARK-MASQ exemption)

# ---- IPv6 ---------------------------------------------------------------------------------------
: "${FWT_LAB_CLIENT_NET6:=fd66:1::/64}"
: "${FWT_LAB_SERVER_NET6:=fd66:2::/64}"
: "${FWT_LAB_CLIENT_IP6:=fd66:1::2}"
: "${FWT_LAB_FW_CLIENT_IP6:=fd66:1::1}"
: "${FWT_LAB_FW_SERVER_IP6:=fd66:2::1}"
: "${FWT_LAB_SERVER_IP6:=fd66:2::2}"

# ---- ports --------------------------------------------------------------------------------------
: "${FWT_LAB_PORT_SSH:=22}"
: "${FWT_LAB_PORT_WEB:=80}"
: "${FWT_LAB_PORT_DB:=5432}"
: "${FWT_LAB_PORT_ALT:=8080}"        # server listens here too; also the fw's port-forward port
: "${FWT_LAB_PORT_DNS:=53}"          # udp, answered by the server
: "${FWT_LAB_PORT_REJECT:=514}"      # udp, REJECTed by the fw (syslog must not leave the client net)
: "${FWT_LAB_PORT_CLOSED:=9999}"     # nothing allows it: FORWARD policy DROP

# 1 = permanent ARP/NDP entries for every lab address (no neighbour discovery in captures).
: "${FWT_LAB_STATIC_NEIGH:=1}"

# Where lab state (dialect, listener logs) is kept.
: "${FWT_LAB_RUN_DIR:=/run/fwtrace-lab}"

# ---- where the lab runs -------------------------------------------------------------------------
# netns (default): the three machines are namespaces <prefix>-{client,fw,server} of this host.
# host: this machine IS one of them, role FWT_LAB_ROLE (the Vagrant lab, vagrant/): a command meant for
#       that role runs here directly, on the real interfaces the FWT_LAB_*_IF variables name.
: "${FWT_LAB_MODE:=netns}"
: "${FWT_LAB_ROLE:=}"
# Host mode: an interface whose input the policy always accepts (the management/SSH link), or empty.
: "${FWT_LAB_MGMT_IF:=}"

FWT_LAB_D="${FWT_LAB_D:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"

# ---- helpers ------------------------------------------------------------------------------------
lab_die() {
  printf 'lab: %s\n' "$*" >&2
  exit 1
}

lab_log() {
  [[ "${FWT_LAB_QUIET:-0}" == 1 ]] || printf 'lab: %s\n' "$*" >&2
}

# Namespace names for the current prefix.
lab_ns_names() {
  NS_CLIENT="${FWT_LAB_PREFIX}-client"
  NS_FW="${FWT_LAB_PREFIX}-fw"
  NS_SERVER="${FWT_LAB_PREFIX}-server"
}

lab_check_prefix() {
  [[ "$FWT_LAB_PREFIX" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$ ]] ||
    lab_die "bad prefix '$FWT_LAB_PREFIX' (letters, digits, . _ -; at most 41 chars)"
}

lab_ns_exists() {
  ip netns list | awk '{print $1}' | grep -qxF -- "$1"
}

# Run a command in one of the lab namespaces: lab_in fw iptables -S
# (host mode: here, if this machine has that role).
lab_in() {
  local role="$1"
  shift
  if [[ "$FWT_LAB_MODE" == host ]]; then
    [[ "$role" == "$FWT_LAB_ROLE" ]] || lab_die "this is the ${FWT_LAB_ROLE:-?} machine: run this on the $role machine"
    "$@"
    return
  fi
  lab_ns_names
  case "$role" in
    client) ip netns exec "$NS_CLIENT" "$@" ;;
    fw) ip netns exec "$NS_FW" "$@" ;;
    server) ip netns exec "$NS_SERVER" "$@" ;;
    *) lab_die "unknown namespace role '$role'" ;;
  esac
}

# Dies unless the lab is there: its fw namespace, or (host mode) a role for this machine.
lab_require_up() {
  if [[ "$FWT_LAB_MODE" == host ]]; then
    [[ "$FWT_LAB_ROLE" =~ ^(client|fw|server)$ ]] || lab_die "host mode needs FWT_LAB_ROLE=client|fw|server"
    return 0
  fi
  lab_ns_names
  lab_ns_exists "$NS_FW" || lab_die "no lab with prefix '$FWT_LAB_PREFIX'"
}

lab_state_dir() {
  printf '%s/%s\n' "$FWT_LAB_RUN_DIR" "$FWT_LAB_PREFIX"
}

lab_need_root() {
  [[ "$(id -u)" == 0 ]] || lab_die "needs root (network namespaces, netfilter)"
}

lab_need_cmds() {
  local c missing=()
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  ((${#missing[@]} == 0)) || lab_die "missing commands: ${missing[*]}"
}

# The Node helper (listeners and traffic generators).
lab_node() {
  node "$FWT_LAB_D/net.js" "$@"
}
