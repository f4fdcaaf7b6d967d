# shellcheck shell=bash
# fwtrace lab: the firewall policy of P-fw, the same policy in three dialects.
#   legacy  : policy_iptables_v4 | iptables-legacy-restore, policy_iptables_v6 | ip6tables-legacy-restore
#   xtables : the same two files through iptables-nft-restore / ip6tables-nft-restore
#   nft     : policy_nft | nft -f -
# The iptables files are written in iptables-save's canonical form, so each rule line is exactly what
# `iptables-save` prints back (test/fixtures/captures/expect.json quotes them).
# Requires common.sh.

# The kube-proxy-style chain names (hash-like suffixes, as kube-proxy makes them).
LAB_KUBE_SVC="KUBE-SVC-LABWEB4K7Q2ZX3MN"
LAB_KUBE_SEP_A="KUBE-SEP-AAAAAAAAAAAAAAAA"
LAB_KUBE_SEP_B="KUBE-SEP-BBBBBBBBBBBBBBBB"

# Name of the xt_recent list / nft set used for the SSH rate limit.
LAB_SSH_LIST="ssh"
LAB_SSH_SET="ssh_meter"

# /32 and /128 forms as iptables-save prints them.
_h4() { printf '%s/32' "$1"; }

# Host mode's management link (FWT_LAB_MGMT_IF): always accepted, first in INPUT, so the lab's SSH rate
# limit never locks `vagrant ssh` out. Each prints its rule line, or nothing; the heredocs below use
# ${m:+$m$LAB_NL} so that no line at all is left when there is no such link.
LAB_NL=$'\n'
_mgmt_ipt() {
  [[ -z "$FWT_LAB_MGMT_IF" ]] || printf -- '-A INPUT -i %s -m comment --comment "lab management link" -j ACCEPT' "$FWT_LAB_MGMT_IF"
}
_mgmt_nft() {
  [[ -z "$FWT_LAB_MGMT_IF" ]] || printf '\t\tiifname "%s" accept comment "lab management link"' "$FWT_LAB_MGMT_IF"
}

policy_iptables_v4() {
  local cnet="$FWT_LAB_CLIENT_NET4" snet="$FWT_LAB_SERVER_NET4"
  local vip="$FWT_LAB_SVC_VIP4" a="$FWT_LAB_SERVER_IP4" b="$FWT_LAB_SERVER2_IP4"
  local web="$FWT_LAB_PORT_WEB" m
  m="$(_mgmt_ipt)"
  cat <<EOF
# fwtrace lab policy, IPv4 (iptables-save format; legacy and nft variants load the same file)
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:$LAB_KUBE_SEP_A - [0:0]
:$LAB_KUBE_SEP_B - [0:0]
:KUBE-SERVICES - [0:0]
:$LAB_KUBE_SVC - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A PREROUTING -d $(_h4 "$FWT_LAB_FW_CLIENT_IP4") -p tcp -m tcp --dport $FWT_LAB_PORT_ALT -m comment --comment "port-forward fw:$FWT_LAB_PORT_ALT to web" -j DNAT --to-destination $a:$web
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s $cnet -o $FWT_LAB_FW_SERVER_IF -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A $LAB_KUBE_SEP_A -s $(_h4 "$a") -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A $LAB_KUBE_SEP_A -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination $a:$web
-A $LAB_KUBE_SEP_B -s $(_h4 "$b") -m comment --comment "default/web:http" -j KUBE-MARK-MASQ
-A $LAB_KUBE_SEP_B -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination $b:$web
-A KUBE-SERVICES -d $(_h4 "$vip") -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport $web -j $LAB_KUBE_SVC
-A $LAB_KUBE_SVC ! -s $FWT_LAB_POD_NET4 -d $(_h4 "$vip") -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport $web -j KUBE-MARK-MASQ
-A $LAB_KUBE_SVC -m comment --comment "default/web:http -> $a:$web" -m statistic --mode random --probability 0.50000000000 -j $LAB_KUBE_SEP_A
-A $LAB_KUBE_SVC -m comment --comment "default/web:http -> $b:$web" -j $LAB_KUBE_SEP_B
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DB-ALLOW - [0:0]
:DOCKER-USER - [0:0]
:KUBE-FORWARD - [0:0]
:LOG_AND_DROP - [0:0]
:SSH-LIMIT - [0:0]
${m:+$m$LAB_NL}-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A INPUT -p tcp -m tcp --dport $FWT_LAB_PORT_SSH -m conntrack --ctstate NEW -j SSH-LIMIT
-A FORWARD -j DOCKER-USER
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A FORWARD -d $snet -p tcp -m tcp --dport $FWT_LAB_PORT_SSH -m conntrack --ctstate NEW -j SSH-LIMIT
-A FORWARD -d $snet -p tcp -m tcp --dport $FWT_LAB_PORT_DB -j DB-ALLOW
-A FORWARD -d $(_h4 "$a") -p tcp -m tcp --dport $web -m conntrack --ctstate DNAT -m comment --comment "port-forward fw:$FWT_LAB_PORT_ALT to web" -j ACCEPT
-A FORWARD -d $snet -p tcp -m tcp --dport $web -j ACCEPT
-A FORWARD -s $cnet -d $snet -p udp -m udp --dport $FWT_LAB_PORT_DNS -j ACCEPT
-A FORWARD -p udp -m udp --dport $FWT_LAB_PORT_REJECT -j REJECT --reject-with icmp-port-unreachable
-A OUTPUT -m conntrack --ctstate INVALID -j DROP
-A OUTPUT -j ACCEPT
-A DB-ALLOW -s $(_h4 "$FWT_LAB_CLIENT_DB_IP4") -j ACCEPT
-A DB-ALLOW -g LOG_AND_DROP
-A DOCKER-USER -j RETURN
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A LOG_AND_DROP -j LOG --log-prefix "fw-drop: "
-A LOG_AND_DROP -j DROP
-A SSH-LIMIT -m recent --set --name $LAB_SSH_LIST --mask 255.255.255.255 --rsource
-A SSH-LIMIT -m recent --update --seconds 60 --hitcount 4 --name $LAB_SSH_LIST --mask 255.255.255.255 --rsource -j DROP
-A SSH-LIMIT -j ACCEPT
COMMIT
EOF
}

policy_iptables_v6() {
  local m
  m="$(_mgmt_ipt)"
  cat <<EOF
# fwtrace lab policy, IPv6 (ip6tables-save format; legacy and nft variants load the same file)
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER-USER - [0:0]
${m:+$m$LAB_NL}-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p ipv6-icmp -j ACCEPT
-A FORWARD -j DOCKER-USER
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -p ipv6-icmp -j ACCEPT
-A FORWARD -d $FWT_LAB_SERVER_NET6 -p tcp -m tcp --dport $FWT_LAB_PORT_WEB -j ACCEPT
-A OUTPUT -m conntrack --ctstate INVALID -j DROP
-A OUTPUT -j ACCEPT
-A DOCKER-USER -j RETURN
COMMIT
EOF
}

# Native nftables: one inet table for filtering (both families), one ip table for NAT. Chain names are
# the iptables ones in nft's usual lower case.
policy_nft() {
  local cnet="$FWT_LAB_CLIENT_NET4" snet="$FWT_LAB_SERVER_NET4"
  local vip="$FWT_LAB_SVC_VIP4" a="$FWT_LAB_SERVER_IP4" b="$FWT_LAB_SERVER2_IP4"
  local web="$FWT_LAB_PORT_WEB"
  local svc sepa sepb m
  m="$(_mgmt_nft)"
  svc="$(tr '[:upper:]' '[:lower:]' <<<"$LAB_KUBE_SVC")"
  sepa="$(tr '[:upper:]' '[:lower:]' <<<"$LAB_KUBE_SEP_A")"
  sepb="$(tr '[:upper:]' '[:lower:]' <<<"$LAB_KUBE_SEP_B")"
  cat <<EOF
#!/usr/sbin/nft -f
# fwtrace lab policy, native nftables (the same policy as the iptables files)
table inet filter {
	set $LAB_SSH_SET {
		type ipv4_addr
		size 65535
		flags dynamic,timeout
		timeout 1m
	}

	chain input {
		type filter hook input priority filter; policy drop;
${m:+$m$LAB_NL}		iif "lo" accept
		ct state established,related accept
		ct state invalid drop
		icmp type echo-request accept
		meta l4proto ipv6-icmp accept
		meta nfproto ipv4 tcp dport $FWT_LAB_PORT_SSH ct state new jump ssh-limit
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		jump docker-user
		jump kube-forward comment "kubernetes forwarding rules"
		ct state established,related accept
		ct state invalid drop
		icmp type echo-request accept
		meta l4proto ipv6-icmp accept
		ip daddr $snet tcp dport $FWT_LAB_PORT_SSH ct state new jump ssh-limit
		ip daddr $snet tcp dport $FWT_LAB_PORT_DB jump db-allow
		ip daddr $a tcp dport $web ct status dnat accept comment "port-forward fw:$FWT_LAB_PORT_ALT to web"
		ip daddr $snet tcp dport $web accept
		ip6 daddr $FWT_LAB_SERVER_NET6 tcp dport $web accept
		ip saddr $cnet ip daddr $snet udp dport $FWT_LAB_PORT_DNS accept
		udp dport $FWT_LAB_PORT_REJECT reject with icmp type port-unreachable
	}

	chain output {
		type filter hook output priority filter; policy accept;
		ct state invalid drop
		accept
	}

	chain db-allow {
		ip saddr $FWT_LAB_CLIENT_DB_IP4 accept
		goto log-and-drop
	}

	chain docker-user {
		return
	}

	chain kube-forward {
		meta mark & 0x00004000 == 0x00004000 accept comment "kubernetes forwarding rules"
	}

	chain log-and-drop {
		log prefix "fw-drop: "
		drop
	}

	chain ssh-limit {
		add @$LAB_SSH_SET { ip saddr limit rate over 3/minute burst 3 packets } drop
		accept
	}
}

table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump kube-services comment "kubernetes service portals"
		ip daddr $FWT_LAB_FW_CLIENT_IP4 tcp dport $FWT_LAB_PORT_ALT dnat to $a:$web comment "port-forward fw:$FWT_LAB_PORT_ALT to web"
	}

	chain output {
		type nat hook output priority -100; policy accept;
		jump kube-services comment "kubernetes service portals"
	}

	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump kube-postrouting comment "kubernetes postrouting rules"
		ip saddr $cnet oifname "$FWT_LAB_FW_SERVER_IF" masquerade
	}

	chain kube-mark-masq {
		meta mark set meta mark | 0x00004000
	}

	chain kube-postrouting {
		meta mark & 0x00004000 != 0x00004000 return
		meta mark set meta mark ^ 0x00004000
		masquerade fully-random comment "kubernetes service traffic requiring SNAT"
	}

	chain kube-services {
		ip daddr $vip tcp dport $web jump $svc comment "default/web:http cluster IP"
	}

	chain $svc {
		ip saddr != $FWT_LAB_POD_NET4 ip daddr $vip tcp dport $web jump kube-mark-masq
		numgen random mod 2 vmap { 0 : jump $sepa, 1 : jump $sepb }
	}

	chain $sepa {
		ip saddr $a jump kube-mark-masq
		meta l4proto tcp dnat to $a:$web
	}

	chain $sepb {
		ip saddr $b jump kube-mark-masq
		meta l4proto tcp dnat to $b:$web
	}
}
EOF
}

lab_valid_dialect() {
  case "$1" in legacy | xtables | nft) return 0 ;; *) return 1 ;; esac
}

# Load the policy into P-fw. $1 = legacy|xtables|nft
policy_load() {
  local dialect="$1"
  case "$dialect" in
    legacy)
      policy_iptables_v4 | lab_in fw iptables-legacy-restore
      policy_iptables_v6 | lab_in fw ip6tables-legacy-restore
      ;;
    xtables)
      policy_iptables_v4 | lab_in fw iptables-nft-restore
      policy_iptables_v6 | lab_in fw ip6tables-nft-restore
      ;;
    nft)
      policy_nft | lab_in fw nft -f -
      ;;
    *) lab_die "unknown dialect '$dialect' (legacy|xtables|nft)" ;;
  esac
}

# Print the policy text of a dialect (what `up` loads).
policy_print() {
  case "$1" in
    legacy | xtables)
      policy_iptables_v4
      policy_iptables_v6
      ;;
    nft) policy_nft ;;
    *) lab_die "unknown dialect '$1' (legacy|xtables|nft)" ;;
  esac
}

# Forget dynamic state so scenarios are independent: conntrack table, the SSH rate-limit list/set.
policy_reset_state() {
  lab_in fw conntrack -F >/dev/null 2>&1 || true
  lab_in fw conntrack -F -f ipv6 >/dev/null 2>&1 || true
  lab_in fw sh -c "[ ! -e /proc/net/xt_recent/$LAB_SSH_LIST ] || echo / > /proc/net/xt_recent/$LAB_SSH_LIST"
  if lab_in fw nft list set inet filter "$LAB_SSH_SET" >/dev/null 2>&1; then
    lab_in fw nft flush set inet filter "$LAB_SSH_SET"
  fi
}
