# shellcheck shell=bash disable=SC2153 # FWT_LAB_* come from scripts/lab.d/common.sh
# fwtrace Vagrant lab provisioning: the real interfaces. Vagrant gives each machine its first address on
# each private network; this adds what the namespace lab's topology.sh sets up besides (the second
# client and server addresses, IPv6, routes through the fw, forwarding), idempotently, and names the
# interfaces for the lab's scripts (FWT_LAB_*_IF) by finding which one carries which address.
# Sourced by provision.sh after scripts/lab.d/common.sh; defines functions only.

# The interface that has address $1 (dies if none: the private network is not up).
vm_iface_of() {
  local i
  i="$(ip -o addr show to "$1" | awk '{print $2; exit}')"
  [[ -n "$i" ]] || vm_die "no interface has $1: is the private network up? (vagrant reload)"
  printf '%s\n' "$i"
}

# The interface of the default route: Vagrant's management (NAT) link.
vm_mgmt_iface() {
  ip -o route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}'
}

_vm_if_up6() {
  local i="$1"
  sysctl -q -w "net.ipv6.conf.$i.disable_ipv6=0" "net.ipv6.conf.$i.accept_dad=0" "net.ipv6.conf.$i.accept_ra=0" >/dev/null
}

vm_network() {
  local role="$1" i c s
  local p4c="${FWT_LAB_CLIENT_NET4#*/}" p4s="${FWT_LAB_SERVER_NET4#*/}"
  local p6c="${FWT_LAB_CLIENT_NET6#*/}" p6s="${FWT_LAB_SERVER_NET6#*/}"
  FWT_LAB_MGMT_IF="$(vm_mgmt_iface)"
  case "$role" in
    client)
      i="$(vm_iface_of "$FWT_LAB_CLIENT_IP4")"
      FWT_LAB_CLIENT_IF="$i"
      _vm_if_up6 "$i"
      ip addr replace "$FWT_LAB_CLIENT_DB_IP4/$p4c" dev "$i"
      ip -6 addr replace "$FWT_LAB_CLIENT_IP6/$p6c" dev "$i" nodad
      ip route replace "$FWT_LAB_SERVER_NET4" via "$FWT_LAB_FW_CLIENT_IP4" dev "$i"
      ip route replace "$FWT_LAB_SVC_VIP4/32" via "$FWT_LAB_FW_CLIENT_IP4" dev "$i"
      ip -6 route replace "$FWT_LAB_SERVER_NET6" via "$FWT_LAB_FW_CLIENT_IP6" dev "$i"
      ;;
    fw)
      c="$(vm_iface_of "$FWT_LAB_FW_CLIENT_IP4")"
      s="$(vm_iface_of "$FWT_LAB_FW_SERVER_IP4")"
      FWT_LAB_FW_CLIENT_IF="$c" FWT_LAB_FW_SERVER_IF="$s"
      _vm_if_up6 "$c"
      _vm_if_up6 "$s"
      ip -6 addr replace "$FWT_LAB_FW_CLIENT_IP6/$p6c" dev "$c" nodad
      ip -6 addr replace "$FWT_LAB_FW_SERVER_IP6/$p6s" dev "$s" nodad
      sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null
      ;;
    server)
      i="$(vm_iface_of "$FWT_LAB_SERVER_IP4")"
      FWT_LAB_SERVER_IF="$i"
      _vm_if_up6 "$i"
      ip addr replace "$FWT_LAB_SERVER2_IP4/$p4s" dev "$i"
      ip -6 addr replace "$FWT_LAB_SERVER_IP6/$p6s" dev "$i" nodad
      ip route replace "$FWT_LAB_CLIENT_NET4" via "$FWT_LAB_FW_SERVER_IP4" dev "$i"
      ip -6 route replace "$FWT_LAB_CLIENT_NET6" via "$FWT_LAB_FW_SERVER_IP6" dev "$i"
      ;;
  esac
  export FWT_LAB_MGMT_IF FWT_LAB_CLIENT_IF FWT_LAB_FW_CLIENT_IF FWT_LAB_FW_SERVER_IF FWT_LAB_SERVER_IF
}
