#!/usr/bin/env bash
# The whole production stack on one machine (`make serve`; README.md, "Deploying"):
#
#   nginx  (NGINX_LISTEN, optional)   buffers whole requests: slow clients never reach Python
#     -> Varnish (VARNISH_LISTEN)     anonymous pages from memory, purged by key (deploy/varnish/blog.vcl)
#       -> gunicorn (GUNICORN_BIND)   the application (config/gunicorn.conf.py)
#   db_worker, queue "purges"         sends the purges to Varnish (blog/tasks.py), polls every 0.1 s
#   db_worker, queue "default"        email (comments/notifications.py)
#
# Environment (besides the application's: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, ...):
#   GUNICORN_BIND     default 127.0.0.1:8000
#   VARNISH_LISTEN    default :6081; "off": no Varnish (gunicorn alone, CACHE_PURGE_URLS as given)
#   VARNISH_MEMORY    cache size, default 256m
#   VARNISH_PURGERS   comma-separated addresses allowed to purge (default 127.0.0.1,::1)
#   NGINX_LISTEN      e.g. 80 or 127.0.0.1:8080; default: no nginx (put your own in front)
#   SERVE_RUN_DIR     where the generated configurations and work files go (default under /tmp)
#   CACHE_PURGE_URLS  default: the Varnish started here
#
# Every process runs in the foreground of this script: if one of them exits, the others are
# stopped and the script exits non-zero (the process manager restarts the stack); TERM or INT
# stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/.venv/bin"

export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"
VARNISH_LISTEN="${VARNISH_LISTEN:-:6081}"
VARNISH_MEMORY="${VARNISH_MEMORY:-256m}"
VARNISH_PURGERS="${VARNISH_PURGERS:-127.0.0.1,::1}"
NGINX_LISTEN="${NGINX_LISTEN:-}"
RUN_DIR="${SERVE_RUN_DIR:-/tmp/blog-serve-$(id -u)-${GUNICORN_BIND##*:}}"
VARNISHD="${VARNISHD:-$(command -v varnishd || echo /usr/sbin/varnishd)}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
mkdir -p "$RUN_DIR"
chmod 755 "$RUN_DIR"  # Varnish compiles the VCL as its own unprivileged user

backend_host="${GUNICORN_BIND%:*}"
backend_port="${GUNICORN_BIND##*:}"
[ "$backend_host" = "0.0.0.0" ] && backend_host=127.0.0.1
local_address() {  # ":6081" or "0.0.0.0:6081" -> 127.0.0.1:6081
  local host="${1%:*}" port="${1##*:}"
  case "$host" in "" | "0.0.0.0" | "*" | "[::]") host=127.0.0.1 ;; esac
  [ "$host" = "$1" ] && host=127.0.0.1  # a bare port
  echo "$host:$port"
}

pids=()
stop_all() {
  trap - TERM INT EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do
    alive=""
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 0' TERM INT
trap stop_all EXIT

if [ "$VARNISH_LISTEN" != "off" ]; then
  varnish_address="$(local_address "$VARNISH_LISTEN")"
  export CACHE_PURGE_URLS="${CACHE_PURGE_URLS:-http://$varnish_address}"
  # The shipped VCL with this machine's backend and purgers (the lines marked BACKEND_*, PURGERS).
  "$BIN/python" -c '
import re, sys
vcl, host, port, purgers = sys.argv[1:]
text = open(vcl).read()
text = re.sub(r"\.host = \"[^\"]*\";(\s*# BACKEND_HOST)", lambda m: f".host = \"{host}\";{m[1]}", text)
text = re.sub(r"\.port = \"[^\"]*\";(\s*# BACKEND_PORT)", lambda m: f".port = \"{port}\";{m[1]}", text)
acl = "".join(f"    \"{a.strip()}\";\n" for a in purgers.split(",") if a.strip())
text = re.sub(r"acl purgers \{\n.*?\n\}", lambda m: "acl purgers {\n" + acl + "}", text, flags=re.S)
sys.stdout.write(text)
' deploy/varnish/blog.vcl "$backend_host" "$backend_port" "$VARNISH_PURGERS" >"$RUN_DIR/blog.vcl"
fi

DJANGO_ENV=(env DJANGO_DEBUG=0 DJANGO_STATIC_MANIFEST=1)
"${DJANGO_ENV[@]}" "$BIN/python" manage.py collectstatic --no-input >/dev/null
"${DJANGO_ENV[@]}" "$BIN/python" manage.py migrate --no-input

"${DJANGO_ENV[@]}" "$BIN/gunicorn" config.wsgi -c config/gunicorn.conf.py &
pids+=($!)
"${DJANGO_ENV[@]}" "$BIN/python" manage.py db_worker --queue-name purges --interval 0.1 --no-reload &
pids+=($!)
"${DJANGO_ENV[@]}" "$BIN/python" manage.py db_worker --queue-name default --interval 1 --no-reload &
pids+=($!)

if [ "$VARNISH_LISTEN" != "off" ]; then
  jail=()
  [ "$(id -u)" != 0 ] && jail=(-j none)
  "$VARNISHD" -F "${jail[@]}" -n "$RUN_DIR/varnish" -a "$VARNISH_LISTEN" -f "$RUN_DIR/blog.vcl" \
    -s "malloc,$VARNISH_MEMORY" -p default_grace=0 -p thread_pool_min=20 &
  pids+=($!)
  echo "serve: Varnish on $VARNISH_LISTEN -> gunicorn on $GUNICORN_BIND (purges: $CACHE_PURGE_URLS)"
fi

if [ -n "$NGINX_LISTEN" ]; then
  if [ "$VARNISH_LISTEN" = "off" ]; then
    upstream="$backend_host:$backend_port"
  else
    upstream="$varnish_address"
  fi
  mkdir -p "$RUN_DIR/nginx"
  sed -e "s|server 127.0.0.1:6081;  # VARNISH_ADDRESS|server $upstream;|" \
    -e "s|listen 8080;  # NGINX_LISTEN|listen $NGINX_LISTEN;|" deploy/nginx/blog.conf >"$RUN_DIR/nginx/site.conf"
  cat >"$RUN_DIR/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $RUN_DIR/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $RUN_DIR/nginx/body;
    proxy_temp_path $RUN_DIR/nginx/proxy;
    fastcgi_temp_path $RUN_DIR/nginx/fastcgi;
    uwsgi_temp_path $RUN_DIR/nginx/uwsgi;
    scgi_temp_path $RUN_DIR/nginx/scgi;
    include $RUN_DIR/nginx/site.conf;
}
EOF
  "$NGINX" -p "$RUN_DIR/nginx" -e stderr -c "$RUN_DIR/nginx/nginx.conf" -g "daemon off;" &
  pids+=($!)
  echo "serve: nginx on $NGINX_LISTEN -> $upstream"
fi

# One process gone: stop the rest and fail (the process manager restarts the whole stack).
wait -n "${pids[@]}" || true
echo "serve: a process of the stack exited; stopping the others" >&2
stop_all
exit 1
