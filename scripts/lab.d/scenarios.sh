# shellcheck shell=bash
# fwtrace lab: the traffic scenarios. Requires common.sh and policy.sh.
# Each scenario sends a few packets from the right namespace, briefly (short timeouts, connections still
# open at the timeout are reset), with fixed source ports so captures are reproducible, and returns 0
# whatever the firewall does. test/fixtures/captures/expect.json says what each one must show.

# The invalid scenario's fixed source port (its conntrack entry is the one forgotten).
LAB_INVALID_SPORT=40006

# name|what it shows (one line each; `scripts/lab list` prints this)
LAB_SCENARIOS=(
  "web-allowed|client 10.66.1.2 -> server 10.66.2.2 tcp/80: FORWARD accepts (web rule), MASQUERADE on the way out"
  "db-allowed|allowed DB client 10.66.1.5 -> 10.66.2.2 tcp/5432: FORWARD -> DB-ALLOW accepts"
  "db-denied|client 10.66.1.2 -> 10.66.2.2 tcp/5432: DB-ALLOW goes to LOG_AND_DROP, logged, dropped by its DROP rule"
  "ssh-fw|client -> fw 10.66.1.1 tcp/22: INPUT -> SSH-LIMIT accepts (recent --set, under the limit)"
  "ssh-ratelimit|4 SSH connections to the fw within a second: SYNs 1-3 accepted, the 4th dropped by the recent --update rule"
  "default-drop|client -> 10.66.2.2 tcp/9999: no rule matches, FORWARD policy DROP"
  "invalid|TCP data on a connection the fw's conntrack forgot (conntrack -D, tcp_loose=0): ctstate INVALID drop"
  "portforward|client -> fw 10.66.1.1 tcp/8080: DNAT to 10.66.2.2:80 in nat PREROUTING, FORWARD accepts (ctstate DNAT)"
  "kube-service|client -> service VIP 10.96.0.10 tcp/80: KUBE-SERVICES -> KUBE-SVC (random) -> KUBE-SEP DNAT to 10.66.2.2 or .3:80"
  "masquerade|client -> 10.66.2.2 udp/53 (DNS): accepted, MASQUERADE to 10.66.2.1 in nat POSTROUTING, answer un-NATed"
  "ipv6-allowed|client fd66:1::2 -> server fd66:2::2 tcp/80 over IPv6: FORWARD accepts"
  "ipv6-drop|client fd66:1::2 -> fd66:2::2 tcp/9999 over IPv6: FORWARD policy DROP"
  "icmp-reject|client -> 10.66.2.2 udp/514: REJECT; the ICMP port-unreachable the fw sends is traced too (OUTPUT)"
  "output|the fw itself (10.66.2.1) -> 10.66.2.2 udp/53: OUTPUT hook (explicit unconditional ACCEPT), answer via INPUT"
)

lab_scenario_names() {
  local s
  for s in "${LAB_SCENARIOS[@]}"; do printf '%s\n' "${s%%|*}"; done
}

lab_scenario_list() {
  local s
  for s in "${LAB_SCENARIOS[@]}"; do printf '%-14s %s\n' "${s%%|*}" "${s#*|}"; done
}

lab_scenario_exists() {
  local s
  for s in "${LAB_SCENARIOS[@]}"; do [[ "${s%%|*}" == "$1" ]] && return 0; done
  return 1
}

_lab_http_get() {
  printf 'GET / HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' "$1"
}

# Run one scenario's traffic. Output: one line per connection attempt (what happened).
lab_traffic() {
  local name="$1"
  lab_scenario_exists "$name" || lab_die "unknown scenario '$name' (scripts/lab list)"
  lab_require_up
  lab_ns_names
  local c4="$FWT_LAB_CLIENT_IP4" s4="$FWT_LAB_SERVER_IP4" c6="$FWT_LAB_CLIENT_IP6" s6="$FWT_LAB_SERVER_IP6"
  case "$name" in
    web-allowed)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40001 --to "$s4" --port "$FWT_LAB_PORT_WEB" \
        --send "$(_lab_http_get "$s4")" --timeout 1000
      ;;
    db-allowed)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$FWT_LAB_CLIENT_DB_IP4" --sport 40002 --to "$s4" \
        --port "$FWT_LAB_PORT_DB" --send 'db-hello\n' --timeout 1000
      ;;
    db-denied)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40003 --to "$s4" --port "$FWT_LAB_PORT_DB" \
        --send 'db-hello\n' --timeout 400
      ;;
    ssh-fw)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40004 --to "$FWT_LAB_FW_CLIENT_IP4" \
        --port "$FWT_LAB_PORT_SSH" --timeout 1000
      ;;
    ssh-ratelimit)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40011 --count 4 --gap 50 \
        --to "$FWT_LAB_FW_CLIENT_IP4" --port "$FWT_LAB_PORT_SSH" --timeout 400
      ;;
    default-drop)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40005 --to "$s4" \
        --port "$FWT_LAB_PORT_CLOSED" --timeout 400
      ;;
    invalid)
      # Connect (accepted), make the fw forget the connection, then send data: with
      # nf_conntrack_tcp_loose=0 the fw cannot pick it up again, so the data packet (and the RST that
      # closes the socket 150 ms later, before any retransmission) are ctstate INVALID.
      # Host mode: the client cannot reach into the fw; the fw's lab_forget_watch deletes the entry as
      # soon as it is established, the client only gives it the time to.
      local forget='["sleep","0.5"]'
      [[ "$FWT_LAB_MODE" == host ]] ||
        forget="$(printf '["ip","netns","exec","%s","conntrack","-D","-p","tcp","--orig-src","%s","--orig-dst","%s","--sport","%s","--dport","%s"]' \
          "$NS_FW" "$c4" "$s4" "$LAB_INVALID_SPORT" "$FWT_LAB_PORT_WEB")"
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport "$LAB_INVALID_SPORT" --to "$s4" --port "$FWT_LAB_PORT_WEB" \
        --on-connect-exec "$forget" --send "$(_lab_http_get "$s4")" --hold 150 --timeout 1000
      ;;
    portforward)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40007 --to "$FWT_LAB_FW_CLIENT_IP4" \
        --port "$FWT_LAB_PORT_ALT" --send "$(_lab_http_get "$FWT_LAB_FW_CLIENT_IP4")" --timeout 1000
      ;;
    kube-service)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c4" --sport 40008 --to "$FWT_LAB_SVC_VIP4" \
        --port "$FWT_LAB_PORT_WEB" --send "$(_lab_http_get "$FWT_LAB_SVC_VIP4")" --timeout 1000
      ;;
    masquerade)
      lab_in client node "$FWT_LAB_D/net.js" udp --from "$c4" --sport 40009 --to "$s4" --port "$FWT_LAB_PORT_DNS" \
        --send 'dns-query' --timeout 500
      ;;
    ipv6-allowed)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c6" --sport 40010 --to "$s6" --port "$FWT_LAB_PORT_WEB" \
        --send "$(_lab_http_get "[$s6]")" --timeout 1000
      ;;
    ipv6-drop)
      lab_in client node "$FWT_LAB_D/net.js" tcp --from "$c6" --sport 40015 --to "$s6" \
        --port "$FWT_LAB_PORT_CLOSED" --timeout 400
      ;;
    icmp-reject)
      lab_in client node "$FWT_LAB_D/net.js" udp --from "$c4" --sport 40016 --to "$s4" \
        --port "$FWT_LAB_PORT_REJECT" --send 'syslog-line' --timeout 500
      ;;
    output)
      lab_in fw node "$FWT_LAB_D/net.js" udp --from "$FWT_LAB_FW_SERVER_IP4" --sport 40017 --to "$s4" \
        --port "$FWT_LAB_PORT_DNS" --send 'dns-query' --timeout 500
      ;;
  esac
  return 0
}

# Host mode, on the fw: the invalid scenario's other half. Deletes the conntrack entry of the scenario's
# source port as soon as its connection is established (the namespace lab runs `conntrack -D` in the fw
# namespace from the client side instead). Runs until killed.
lab_forget_watch() {
  local line
  stdbuf -oL conntrack -E -e UPDATE -p tcp 2>/dev/null | while IFS= read -r line; do
    case "$line" in
      *ESTABLISHED*" sport=$LAB_INVALID_SPORT "*)
        conntrack -D -p tcp --orig-port-src "$LAB_INVALID_SPORT" >/dev/null 2>&1 || true
        ;;
    esac
  done
}
