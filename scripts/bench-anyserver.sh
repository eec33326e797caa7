#!/usr/bin/env bash
# bench-anyserver: corobench load against servers that are not corobench's,
# side by side with the usual clients, the server pinned on TARGET_CPU and
# each client on CLIENT_CPU, interleaved, REPS repetitions. Prints req/s and
# client CPU µs per request (user+sys, and user, from bash's `time`) per
# run, then each client's medians and its ratios to the reference client of
# its part, each run against the reference run of its own repetition.
#
#   PARTS="nginx chunked tls tls-new" REPS=5 DURATION=5s CONNS=50 scripts/bench-anyserver.sh
#
# nginx:   nginx (one worker), a static 4 KiB file: corobench (uring, epoll) vs wrk.
# chunked: Go's net/http, 4 KiB answered with Content-Length (/echo) or in
#          chunks (/chunked): corobench (uring) and wrk, client CPU per request.
# tls:     nginx over TLS (a self-signed ECDSA certificate, TLS 1.3), kept-alive
#          connections: corobench (goroutines, the engine that speaks TLS) vs hey
#          (Go's net/http client); wrk has no TLS in Debian's build.
# tls-new: the same with a new connection per request (corobench
#          -conn-per-request, which resumes sessions; hey -disable-keepalive).
#
# nginx-light, wrk and hey come from Debian (apt-get install -y nginx-light wrk
# hey) when missing; a part whose tools cannot be had is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

PARTS=${PARTS:-nginx chunked tls}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-50}
REPS=${REPS:-5}
TARGET_CPU=${TARGET_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
secs=${DURATION%s}

work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

go build -o "$work/corobench" ./cmd/corobench
(cd bench && go build -o "$work/nethttp" ./nethttp)

need() { # need TOOL PACKAGE: the tool, installed from Debian when missing
	command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
	echo "# $1 not found; trying apt-get install -y $2" >&2
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >/dev/null 2>&1 || true
	command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]
}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

waitport() { # waitport ADDR
	for _ in $(seq 100); do (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null && return 0; sleep 0.05; done
	echo "nothing listens on $1" >&2; return 1
}

# nginx_start TLS: nginx with one worker on TARGET_CPU serving $work/www; sets $addr.
nginx_start() {
	local tls=$1 port listen ssl=""
	port=$(freeport)
	addr=127.0.0.1:$port
	mkdir -p "$work/www" "$work/nginx"
	head -c 4096 /dev/zero | tr '\0' 'x' >"$work/www/4k.html"
	listen="$addr"
	if [ "$tls" = 1 ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost \
			-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
		listen="$addr ssl"
		ssl="ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; ssl_protocols TLSv1.3;"
	fi
	cat >"$work/nginx/nginx.conf" <<-EOF
		worker_processes 1;
		daemon off;
		pid $work/nginx/nginx.pid;
		$( [ "$(id -u)" = 0 ] && echo "user root;" )
		events { worker_connections 4096; }
		http {
			access_log off;
			error_log $work/nginx/error.log;
			client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
			fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
			keepalive_requests 100000000;
			server { listen $listen; root $work/www; $ssl }
		}
	EOF
	taskset -c "$TARGET_CPU" "$NGINX" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
	pids+=($!)
	waitport "$addr"
}

server_stop() { kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

# nethttp_start: Go's net/http server on TARGET_CPU; sets $addr.
nethttp_start() {
	taskset -c "$TARGET_CPU" "$work/nethttp" >"$work/ready" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
	addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$work/ready")
}

# timed CMD...: runs CMD pinned on CLIENT_CPU; its output in $work/out and
# "user sys" seconds in $work/time.
timed() {
	local TIMEFORMAT='%U %S'
	{ time taskset -c "$CLIENT_CPU" "$@" >"$work/out" 2>&1; } 2>"$work/time"
}

# report PART TOOL REQUESTS: one line on stdout, and a row of $work/table.
report() {
	local part=$1 tool=$2 requests=$3 user sys
	read -r user sys <"$work/time"
	awk -v p="$part" -v r="$rep" -v t="$tool" -v n="$requests" -v s="$secs" -v u="$user" -v y="$sys" -v tab="$work/table" 'BEGIN {
		if (n <= 0) { printf "%-10s %-26s no requests answered\n", p, t; exit }
		printf "%-10s %-26s %10.0f req/s  %6.2f µs CPU/req  %5.2f µs user/req\n", p, t, n/s, (u+y)*1e6/n, u*1e6/n
		printf "%s %d %s %f %f %f\n", p, r, t, n/s, (u+y)*1e6/n, u*1e6/n >>tab
	}'
}

corobench_n() { awk '/^BenchmarkLoad/ {print $2}' "$work/out"; }
wrk_n() { awk '/requests in/ {print $1}' "$work/out"; }
hey_n() { awk '/\[200\]/ {print $2}' "$work/out"; }

corobench() { timed "$work/corobench" load -q -bench -c "$CONNS" -d "$DURATION" "$@"; }

part_nginx() {
	need wrk wrk || { echo "# nginx: no wrk, skipped" >&2; return; }
	nginx_start 0
	local url=http://$addr/4k.html
	echo "# nginx: one worker on CPU $TARGET_CPU, $url; clients on CPU $CLIENT_CPU"
	for rep in $(seq "$REPS"); do
		corobench -engine uring -t 1 "$url"; report nginx corobench-uring "$(corobench_n)"
		corobench -engine epoll -t 1 "$url"; report nginx corobench-epoll "$(corobench_n)"
		timed wrk -t1 -c "$CONNS" -d "$DURATION" "$url"; report nginx wrk "$(wrk_n)"
	done
	server_stop
}

part_chunked() {
	need wrk wrk || { echo "# chunked: no wrk, skipped" >&2; return; }
	nethttp_start
	echo "# chunked: Go's net/http on CPU $TARGET_CPU at $addr, 4 KiB with Content-Length or chunked"
	for rep in $(seq "$REPS"); do
		for what in echo chunked; do
			local url="http://$addr/$what?size=4096"
			corobench -engine uring -t 1 "$url"; report chunked "corobench-uring-$what" "$(corobench_n)"
			timed wrk -t1 -c "$CONNS" -d "$DURATION" "$url"; report chunked "wrk-$what" "$(wrk_n)"
		done
	done
	server_stop
}

part_tls() {
	local part=$1 cflags=() hflags=()
	need hey hey || { echo "# $part: no hey, skipped" >&2; return; }
	if [ "$part" = tls-new ]; then cflags=(-conn-per-request); hflags=(-disable-keepalive); fi
	nginx_start 1
	local url=https://$addr/4k.html
	echo "# $part: nginx over TLS 1.3 on CPU $TARGET_CPU, $url ${cflags[*]}; clients on CPU $CLIENT_CPU"
	for rep in $(seq "$REPS"); do
		corobench -insecure "${cflags[@]}" "$url"; report "$part" corobench-goroutines "$(corobench_n)"
		timed hey -z "$DURATION" -c "$CONNS" "${hflags[@]}" "$url"; report "$part" hey "$(hey_n)"
	done
	server_stop
}

for part in $PARTS; do
	case $part in
	nginx) part_nginx ;;
	chunked) part_chunked ;;
	tls | tls-new) part_tls "$part" ;;
	*) echo "unknown part $part" >&2; exit 2 ;;
	esac
done

echo "# medians, and ratios to the part's reference (wrk; hey for tls), run by run within a repetition"
[ -s "$work/table" ] || { echo "no run answered any request" >&2; exit 1; }
awk '
function med(s,   a, n, i, j, x) { n = split(s, a, " "); for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }; return a[int((n+1)/2)] }
{ k = $1 " " $3; v[k] = v[k] " " $4; c[k] = c[k] " " $5; u[k] = u[k] " " $6; row[NR] = $0 }
$3 ~ /^(wrk|hey)/ { ref[$1 " " $2 " " ($3 ~ /chunked$/ ? "chunked" : ($3 ~ /echo$/ ? "echo" : ""))] = $4 " " $5 " " $6 }
END {
	for (k in v) printf "%-37s %10.0f req/s  %6.2f µs CPU/req  %5.2f µs user/req\n", k, med(v[k]), med(c[k]), med(u[k]) | "sort"
	close("sort")
	for (i = 1; i <= NR; i++) {
		split(row[i], f, " ")
		if (f[3] ~ /^(wrk|hey)/) continue
		sfx = (f[3] ~ /chunked$/ ? "chunked" : (f[3] ~ /echo$/ ? "echo" : ""))
		key = f[1] " " f[2] " " sfx
		if (!(key in ref)) continue
		split(ref[key], r, " ")
		k = f[1] " " f[3]
		qv[k] = qv[k] " " f[4] / r[1]; qc[k] = qc[k] " " f[5] / r[2]
	}
	for (k in qv) printf "%-37s %6.2fx req/s  %6.2fx CPU/req\n", k, med(qv[k]), med(qc[k]) | "sort"
}' "$work/table"
