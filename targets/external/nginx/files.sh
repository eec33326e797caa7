#!/bin/sh
# files.sh PORT ROOT: nginx, one worker, serving ROOT's files at /files/ on
# 127.0.0.1:PORT, as the static-file anchor beside the models (access_log
# off, sendfile on). The configuration lives in a temporary directory,
# removed when nginx stops (SIGTERM, as the harness stops its targets).
set -eu
port=$1 root=$2
nginx=$(command -v nginx || echo /usr/sbin/nginx)
dir=$(mktemp -d "${TMPDIR:-/tmp}/corobench-nginx.XXXXXX")
user=""
[ "$(id -u)" = 0 ] && user="user root;"
cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
$user
events { worker_connections 4096; }
http {
	access_log off;
	error_log $dir/error.log;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000000;
	client_body_temp_path $dir/body; proxy_temp_path $dir/proxy;
	fastcgi_temp_path $dir/fastcgi; uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
	server {
		listen 127.0.0.1:$port;
		location = /health { return 200 "nginx\n"; }
		location /files/ { alias $root/; }
	}
}
CONF
"$nginx" -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; rm -rf "$dir"' TERM INT
wait "$pid"
rm -rf "$dir"
