# Shared helpers for up.sh, down.sh, test.sh and test-rabbitmq.sh. Sourced, not run.
# PostgreSQL and RabbitMQ come from the machine's Debian packages; we run our own instances of them,
# on loopback, with their data under the repository, instead of the packages' system services.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

ensure_packages() {
  local missing=()
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/postgres" ] || missing+=(postgresql)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} from the machine's packages..."
    # The packages' own services must not start (and cannot without systemd); we run our own instances.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "the .NET SDK (dotnet) is required" >&2; exit 1; }
}

# PostgreSQL refuses to run as root: as root we run it as the 'postgres' user the package created.
pg_run() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# The unix socket path must stay short (about 100 characters); keep it under /tmp, named by the data dir.
pg_socket_dir() { echo "/tmp/marketplace-pg-$(echo -n "$1" | md5sum | cut -c1-10)"; }

pg_start() { # DATA_DIR PORT PASSWORD
  local data="$1" port="$2" password="$3" bin; bin="$(pg_bin)"
  local sock; sock="$(pg_socket_dir "$data")"
  mkdir -p "$(dirname "$data")" "$sock"
  if [ "$(id -u)" = 0 ]; then
    # The postgres user must reach the data dir through the repository's parents (a clone under /root may not
    # allow that): then the data lives under /var/lib/marketplace, linked from where it belongs.
    if [ ! -e "$data" ] && ! runuser -u postgres -- test -x "$(dirname "$data")"; then
      local elsewhere; elsewhere="/var/lib/marketplace/pg-$(echo -n "$data" | md5sum | cut -c1-10)"
      mkdir -p "$elsewhere"; ln -sfn "$elsewhere" "$data"
    fi
    mkdir -p "$data"
    data="$(readlink -m "$data")"
    chown postgres "$data" "$sock"
  else
    mkdir -p "$data"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    local pwfile; pwfile="$(mktemp)"; echo "$password" > "$pwfile"; chmod 644 "$pwfile"
    pg_run "$bin/initdb" -D "$data" -U marketplace --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C >/dev/null
    rm -f "$pwfile"
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 256MB
CONF
  fi
  if pg_run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then return 0; fi
  mkdir -p "$sock"; [ "$(id -u)" = 0 ] && chown postgres "$sock"
  pg_run "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null || {
    echo "PostgreSQL did not start; the end of its log:" >&2; tail -20 "$data/server.log" >&2; exit 1; }
}

pg_stop() { # DATA_DIR
  local data bin; data="$(readlink -m "$1")"; bin="$(pg_bin)"
  [ -f "$data/PG_VERSION" ] || return 0
  pg_run "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
  pg_run "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
}

# RabbitMQ's environment for one node: its own HOME (Erlang cookie), data, ports and epmd.
rmq_env() { # DATA_DIR AMQP_PORT DIST_PORT EPMD_PORT NODENAME
  export HOME="$1" RABBITMQ_MNESIA_BASE="$1/mnesia" RABBITMQ_LOG_BASE="$1/log" RABBITMQ_NODENAME="$5" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$2" RABBITMQ_DIST_PORT="$3" ERL_EPMD_PORT="$4" \
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_CONFIG_FILE="$1/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$1/enabled_plugins" \
    RABBITMQ_PID_FILE="$1/rabbit.pid" RABBITMQ_CTL_DIST_PORT_MIN=$(( $3 + 1 )) RABBITMQ_CTL_DIST_PORT_MAX=$(( $3 + 8 ))
}

rmq_start() { # DATA_DIR AMQP_PORT DIST_PORT EPMD_PORT NODENAME USER PASSWORD
  local data="$1"
  mkdir -p "$data/log"
  cat > "$data/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$2
loopback_users = none
default_user = $6
default_pass = $7
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
CONF
  echo '[].' > "$data/enabled_plugins"
  if [ ! -f "$data/.erlang.cookie" ]; then
    head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$data/.erlang.cookie"; chmod 400 "$data/.erlang.cookie"
  fi
  (
    rmq_env "$@"
    if /usr/lib/rabbitmq/bin/rabbitmqctl -q status >/dev/null 2>&1; then exit 0; fi
    nohup /usr/lib/rabbitmq/bin/rabbitmq-server >> "$data/log/server.out" 2>&1 < /dev/null &
    # await_startup fails at once while the node is not yet reachable, so ask until it answers.
    local deadline=$(( $(date +%s) + 120 ))
    until /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup >/dev/null 2>&1; do
      if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "RabbitMQ did not start; the end of its log:" >&2; tail -30 "$data/log/server.out" "$data"/log/*.log >&2 2>/dev/null; exit 1
      fi
      sleep 1
    done
    # default_user applies only to a brand-new node; make sure the account exists on an old one too.
    if ! /usr/lib/rabbitmq/bin/rabbitmqctl -q list_users 2>/dev/null | grep -q "^$6\b"; then
      /usr/lib/rabbitmq/bin/rabbitmqctl -q add_user "$6" "$7" >/dev/null
      /usr/lib/rabbitmq/bin/rabbitmqctl -q set_permissions -p / "$6" '.*' '.*' '.*' >/dev/null
    fi
  )
}

rmq_stop() { # DATA_DIR AMQP_PORT DIST_PORT EPMD_PORT NODENAME
  [ -d "$1" ] || return 0
  (
    rmq_env "$@"
    /usr/lib/rabbitmq/bin/rabbitmqctl -q stop >/dev/null 2>&1 || true
    # epmd was started for this node's port only; stop it too so nothing is left behind.
    epmd -port "$4" -kill >/dev/null 2>&1 || true
  )
}

wait_http() { # URL TIMEOUT_SECONDS
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fsS -o /dev/null --max-time 3 "$1" 2>/dev/null; do
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}
