# shellcheck shell=bash
# Shared helpers for up.sh, down.sh, test.sh and test-rabbitmq.sh. Sourced, not run.
#
# PostgreSQL and RabbitMQ come from the machine's Debian packages, but we never use the packages' system
# services (no systemd here, and policy-rc.d may forbid starting them): we run our own server instances,
# bound to 127.0.0.1, on our own ports, with their data under the repository (.data/).

# The repository root: the parent of the directory holding this file, whatever the caller's cwd.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
RMQ_BIN=/usr/lib/rabbitmq/bin

info() { echo "[infra] $*" >&2; }
die() { echo "[infra] error: $*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() { if [ "$EUID" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------------------

# The newest PostgreSQL bin directory, or (given a data dir) the one matching the version that created it,
# so installing a newer major version later does not break an existing data dir. Prints nothing if none.
pg_bindir() { # [DATA_DIR]
  if [ -n "${1:-}" ] && [ -f "$1/PG_VERSION" ]; then
    local own; own="/usr/lib/postgresql/$(cat "$1/PG_VERSION")/bin"
    if [ -x "$own/postgres" ]; then echo "$own"; return 0; fi
  fi
  local newest; newest="$(printf '%s\n' /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)"
  if [ -x "$newest" ]; then dirname "$newest"; fi
}

ensure_packages() {
  local missing=()
  [ -n "$(pg_bindir)" ] || missing+=(postgresql)
  [ -x "$RMQ_BIN/rabbitmq-server" ] || missing+=(rabbitmq-server)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)   # the token key pair (token_key_pair below)
  # The portal's browser tests drive Debian's Chromium (Playwright never downloads a browser here); chromedriver is the
  # fallback driver, and a CJK font makes Chinese text readable in screenshots.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  [ -n "$(fc-list :lang=zh family 2>/dev/null)" ] || missing+=(fonts-wqy-zenhei)
  # The portal is built with Vite (services/gateway/portal, run by the gateway's build): Debian's Node.js and npm are
  # enough (bookworm ships Node 18, which the pinned Vite 6 supports).
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    info "installing ${missing[*]} with apt-get..."
    # Their postinst scripts may try to start the system services; that fails harmlessly (no systemd,
    # policy-rc.d) or starts them on the default ports, which we do not use either way.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    [ -n "$(pg_bindir)" ] || die "PostgreSQL is still missing after apt-get install"
    [ -x "$RMQ_BIN/rabbitmq-server" ] || die "RabbitMQ is still missing after apt-get install"
  fi
  # As root we run PostgreSQL as 'postgres' (it refuses root); the package normally creates that user.
  if [ "$EUID" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

# A new ES256 key pair for user tokens, as three lines of NAME=value: a key id, the private key (base64 of PKCS#8 DER,
# for the gateway only) and the public key (base64 of SubjectPublicKeyInfo DER, for every service).
token_key_pair() {
  local der
  der="$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null \
    | openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0)" \
    || die "openssl could not make a key pair"
  echo "TOKEN_KEY_ID=k$(date -u +%Y%m%d%H%M%S)"
  echo "TOKEN_PRIVATE_KEY=$der"
  echo "TOKEN_PUBLIC_KEY=$(base64 -d <<< "$der" | openssl pkey -inform DER -pubout -outform DER | base64 -w0)"
}

# A random base64 key of N bytes (secrets that are keys, not passwords).
random_key() { head -c "$1" /dev/urandom | base64 -w0; }

require_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required and is not on PATH"
}

# ---------------------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------------------

# PostgreSQL refuses to run as root: as root, run its tools as the 'postgres' user. cd / so that they do not
# complain about a working directory that user cannot read.
pg_as_owner() {
  if [ "$EUID" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Where the data of DATA_DIR really is: DATA_DIR itself, or the target when it is a symlink (see pg_place).
pg_real_dir() { if [ -L "$1" ]; then readlink -m "$1"; else echo "$1"; fi; }

# The unix socket goes in the data dir itself (only the owner can use it; clients use TCP anyway), unless
# that path would be too long for a unix socket (~107 bytes): then a directory under /tmp named by a hash.
pg_socket_dir() { # REAL_DATA_DIR PORT
  if [ ${#1} -le 80 ]; then echo "$1"; else echo "/tmp/marketplace-pg-$(echo -n "$1" | sha256sum | cut -c1-12)"; fi
}

# Creates DATA_DIR (or finds it) such that the user running PostgreSQL can reach it; prints the real path.
# As root that user is 'postgres', which must be able to traverse every parent directory. Inside the
# repository we may open up (o+x, not o+r) directories we own, like .data/; outside it (a clone under /root,
# which is 0700) we change nothing and keep the data under /var/tmp instead, symlinked from DATA_DIR.
pg_place() { # DATA_DIR
  local want="$1" real="$1"
  if [ -L "$want" ]; then
    real="$(readlink -m "$want")"
  elif [ "$EUID" -eq 0 ]; then
    mkdir -p "$(dirname "$want")"
    local parent; parent="$(cd "$(dirname "$want")" && pwd -P)"
    local d="$parent"
    while [[ "$d" == "$ROOT"/* ]]; do
      if [ -O "$d" ]; then chmod o+x "$d"; fi
      d="$(dirname "$d")"
    done
    if [ ! -d "$want" ] && ! runuser -u postgres -- test -x "$parent"; then
      real="/var/tmp/marketplace-$(echo -n "$want" | sha256sum | cut -c1-12)/$(basename "$want")"
      info "postgres cannot reach $parent; keeping the PostgreSQL data in $real (symlinked)"
      mkdir -p "$(dirname "$real")"
      chmod 755 "$(dirname "$real")"
      ln -sfn "$real" "$want"
    fi
  fi
  mkdir -p "$real"
  if [ "$EUID" -eq 0 ] && [ "$(stat -c %U "$real")" != postgres ]; then chown -R postgres: "$real"; fi
  chmod 700 "$real"
  if [ "$EUID" -eq 0 ] && ! runuser -u postgres -- test -x "$real"; then
    die "the postgres user cannot reach $real (check the permissions of its parent directories)"
  fi
  echo "$real"
}

# True when PID is alive and its command line contains TEXT (a stale pid file may name some other process
# by now, even the server of another data dir).
pid_runs() { # PID TEXT
  local cmdline
  [ -n "$1" ] || return 1
  cmdline="$(tr "\\0" " " 2>/dev/null < "/proc/$1/cmdline")" || return 1
  [[ "$cmdline" == *"$2"* ]]
}

# True when the postmaster of REAL_DATA_DIR is alive.
pg_running() { # REAL_DATA_DIR
  local pid
  pid="$(head -n 1 "$1/postmaster.pid" 2>/dev/null)" || return 1
  pid_runs "$pid" "postgres -D $1 "
}

pg_start() { # DATA_DIR PORT PASSWORD
  local want="$1" port="$2" password="$3" real bin sock
  real="$(pg_place "$want")"
  bin="$(pg_bindir "$real")"
  [ -n "$bin" ] || die "PostgreSQL is not installed (run ensure_packages)"
  if pg_running "$real"; then return 0; fi
  sock="$(pg_socket_dir "$real" "$port")"

  if [ ! -f "$real/PG_VERSION" ]; then
    info "initialising PostgreSQL in $want"
    local pwfile out
    pwfile="$(mktemp)"
    printf '%s\n' "$password" > "$pwfile"
    if [ "$EUID" -eq 0 ]; then chown postgres "$pwfile"; fi
    if ! out="$(pg_as_owner "$bin/initdb" -D "$real" -U marketplace --pwfile="$pwfile" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C 2>&1)"; then
      rm -f "$pwfile"
      echo "$out" >&2
      die "initdb failed for $real"
    fi
    rm -f "$pwfile"
  fi

  # Our settings live in their own file, rewritten at every start and included last by postgresql.conf,
  # so a changed port or socket takes effect on an existing data dir too. fsync stays on (the default):
  # the ledger must survive a crash.
  cat > "$real/marketplace.conf" <<CONF
# Written by infra/lib.sh (pg_start) at every start: edit it there.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 500
shared_buffers = 256MB
fsync = on
# Counts every statement per query shape (bench/jobs.sh reads the idle load from it); a negligible cost.
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
CONF
  grep -qx "include_if_exists = 'marketplace.conf'" "$real/postgresql.conf" \
    || echo "include_if_exists = 'marketplace.conf'" >> "$real/postgresql.conf"
  if [ "$sock" != "$real" ]; then mkdir -p "$sock"; chmod 700 "$sock"; fi
  if [ "$EUID" -eq 0 ]; then chown postgres: "$real/marketplace.conf" "$real/postgresql.conf" "$sock"; fi

  if port_open "$port"; then die "port $port is already taken by another process; PostgreSQL cannot start there"; fi
  info "starting PostgreSQL on 127.0.0.1:$port (log: $real/server.log)"
  if ! pg_as_owner "$bin/pg_ctl" -D "$real" -l "$real/server.log" -w -t 90 -s start; then
    echo "--- end of $real/server.log:" >&2
    tail -n 30 "$real/server.log" >&2 || true
    die "PostgreSQL did not start"
  fi
  # The superuser's password must match PASSWORD even on an old data dir (secrets.env regenerated):
  # set it through the trusted local socket, on stdin so that it never shows up in a command line.
  local q="'"
  printf "ALTER ROLE marketplace PASSWORD '%s';\n" "${password//$q/$q$q}" \
    | pg_as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U marketplace -d postgres >/dev/null \
    || die "could not set the PostgreSQL password"
}

# Gives one service its own PostgreSQL login ROLE (no superuser, no CREATEDB, no CREATEROLE) owning its own DATABASE and
# every schema and object in it, and takes CONNECT on that database away from PUBLIC, so no other role (bar superusers)
# can even connect to it. Safe to run again; on a database made before the services had roles (all of it owned by the
# admin), it hands every schema, table, sequence, view, function and type over to ROLE, so the service's migrations can
# go on altering them as ROLE. The admin password comes in ADMIN_PASSWORD, never on a command line.
pg_service_access() { # PORT ADMIN_PASSWORD DATABASE ROLE PASSWORD
  local port="$1" admin="$2" db="$3" role="$4" password="$5" bin value
  for value in "$db" "$role" "$password"; do
    [[ "$value" =~ ^[A-Za-z0-9_-]+$ ]] || die "pg_service_access: names and passwords are letters, digits, _ and - only"
  done
  bin="$(pg_bindir)"
  [ -n "$bin" ] || die "PostgreSQL is not installed (run ensure_packages)"
  PGPASSWORD="$admin" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U marketplace -d postgres >/dev/null <<SQL \
    || die "could not give $role its database $db"
\\set db '$db'
\\set role '$role'
\\set password '$password'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
ALTER DATABASE :"db" OWNER TO :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
\\connect :"db"
SELECT set_config('marketplace.owner', :'role', false) \\g /dev/null
DO \$\$
DECLARE
  owner text := current_setting('marketplace.owner');
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND n.nspowner <> 'pg_database_owner'::regrole AND pg_get_userbyid(n.nspowner) <> owner
  LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, owner);
  END LOOP;
  -- Sequences of serial and identity columns follow their table; extension members stay the extension's.
  FOR r IN SELECT c.oid::regclass AS object, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND pg_get_userbyid(c.relowner) <> owner
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'ALTER VIEW %s OWNER TO %I' WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %s OWNER TO %I'
      WHEN 'S' THEN 'ALTER SEQUENCE %s OWNER TO %I' WHEN 'f' THEN 'ALTER FOREIGN TABLE %s OWNER TO %I'
      ELSE 'ALTER TABLE %s OWNER TO %I' END, r.object, owner);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS object, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND pg_get_userbyid(p.proowner) <> owner
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format(CASE r.prokind WHEN 'a' THEN 'ALTER AGGREGATE %s OWNER TO %I' ELSE 'ALTER ROUTINE %s OWNER TO %I' END, r.object, owner);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS object, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND pg_get_userbyid(t.typowner) <> owner
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format(CASE r.typtype WHEN 'd' THEN 'ALTER DOMAIN %s OWNER TO %I' ELSE 'ALTER TYPE %s OWNER TO %I' END, r.object, owner);
  END LOOP;
END
\$\$;
SQL
}

pg_stop() { # DATA_DIR
  local real bin
  [ -e "$1" ] || return 0
  real="$(pg_real_dir "$1")"
  pg_running "$real" || return 0
  bin="$(pg_bindir "$real")"
  info "stopping PostgreSQL ($1)"
  pg_as_owner "$bin/pg_ctl" -D "$real" -m fast -w -t 60 -s stop \
    || pg_as_owner "$bin/pg_ctl" -D "$real" -m immediate -w -t 30 -s stop
}

# ---------------------------------------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------------------------------------

# Exports the environment shared by the server and the CLI of one node: its own HOME (the Erlang cookie
# lives there), data, config and epmd port. Use in a subshell: it changes HOME.
rmq_env() { # DATA_DIR NODENAME EPMD_PORT
  export HOME="$1" \
    RABBITMQ_NODENAME="$2" \
    ERL_EPMD_PORT="$3" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$1/mnesia" \
    RABBITMQ_LOG_BASE="$1/log" \
    RABBITMQ_CONFIG_FILE="$1/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$1/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$1/enabled_plugins" \
    RABBITMQ_PID_FILE="$1/rabbit.pid" \
    RABBITMQ_CONF_ENV_FILE="$1/rabbitmq-env.conf"
  # (advanced.config and rabbitmq-env.conf do not exist: naming them keeps /etc/rabbitmq/* out of our nodes.)
  # The CLI is an Erlang node too: keep its distribution port on loopback.
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# rabbitmqctl against the node of DATA_DIR. Called directly from /usr/lib/rabbitmq/bin (the /usr/sbin
# wrapper would switch to the 'rabbitmq' user).
rmq_ctl() { # DATA_DIR NODENAME EPMD_PORT ARGS...
  (
    rmq_env "$1" "$2" "$3"
    shift 3
    "$RMQ_BIN/rabbitmqctl" "$@"
  )
}

# True when the node of DATA_DIR is alive (its pid file names a live Erlang VM). Deliberately not a CLI call:
# the CLI starts an epmd when none runs, which would leave one behind.
rmq_running() { # DATA_DIR
  local pid
  pid="$(cat "$1/rabbit.pid" 2>/dev/null)" || return 1
  pid_runs "$pid" "-home $1 "
}

rmq_log_tail() { # DATA_DIR
  local f
  for f in "$1/log/server.out" "$1"/log/*@*.log; do
    [ -f "$f" ] || continue
    echo "--- end of $f:" >&2
    tail -n 25 "$f" >&2
  done
}

rmq_start() { # DATA_DIR AMQP_PORT DIST_PORT EPMD_PORT NODENAME USER PASSWORD
  local data="$1" amqp="$2" dist="$3" epmd="$4" node="$5" user="$6" password="$7"
  mkdir -p "$data/log" "$data/mnesia"
  data="$(cd "$data" && pwd -P)"
  if rmq_running "$data"; then return 0; fi

  # default_user only applies when the node's database is created; rewritten each start all the same.
  (umask 077 && cat > "$data/rabbitmq.conf" <<CONF
# Written by infra/lib.sh (rmq_start) at every start: edit it there.
listeners.tcp.1 = 127.0.0.1:$amqp
loopback_users = none
default_user = $user
default_pass = $password
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
CONF
  )
  echo '[].' > "$data/enabled_plugins"
  if [ ! -f "$data/.erlang.cookie" ]; then
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F' > "$data/.erlang.cookie")
    chmod 400 "$data/.erlang.cookie"
  fi
  if port_open "$amqp"; then die "port $amqp is already taken by another process; RabbitMQ cannot start there"; fi

  info "starting RabbitMQ $node on 127.0.0.1:$amqp (logs: $data/log/)"
  # The server runs in its own session (setsid), detached from our terminal and from our stdout/stderr:
  # a caller reading our output to the end (the tests do) must not wait for the server.
  local pid
  pid="$(
    rmq_env "$data" "$node" "$epmd"
    # RABBITMQ_DIST_PORT must be set: its default is AMQP port + 20000, beyond 65535 for our ports.
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp" RABBITMQ_DIST_PORT="$dist" \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    cd "$data" || exit 1
    setsid nohup "$RMQ_BIN/rabbitmq-server" >> "$data/log/server.out" 2>&1 < /dev/null &
    echo $!
  )"

  # await_startup fails at once while the node is not reachable yet, so ask until it answers.
  local deadline=$((SECONDS + 90))
  until rmq_ctl "$data" "$node" "$epmd" -q await_startup >/dev/null 2>&1 && port_open "$amqp"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rmq_log_tail "$data"
      die "RabbitMQ exited during start-up"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      rmq_log_tail "$data"
      die "RabbitMQ did not accept AMQP connections on 127.0.0.1:$amqp within 90 s"
    fi
    sleep 1
  done

  # default_user is only created with a brand-new database: on an old one, make sure the account exists.
  local users
  users="$(rmq_ctl "$data" "$node" "$epmd" -q list_users)" || die "rabbitmqctl list_users failed"
  if ! awk -v u="$user" '$1 == u { found = 1 } END { exit !found }' <<< "$users"; then
    info "creating RabbitMQ user $user"
    rmq_ctl "$data" "$node" "$epmd" -q add_user "$user" "$password" >/dev/null
    rmq_ctl "$data" "$node" "$epmd" -q set_permissions -p / "$user" '.*' '.*' '.*' >/dev/null
  fi
}

# The configure, write and read patterns (one per line) of SERVICE's RabbitMQ user, from infra/message-routes.conf:
# its own queues and exchanges ("<service>-..."); configure on the exchanges of what it publishes, requests or consumes;
# write on those it publishes or requests (and on the bus exchanges of the services whose requests it answers); read on
# those it consumes (a binding reads its source exchange). Nothing else: not another service's queues or events.
rmq_permissions() { # SERVICE
  local service="$1" who verb message configure=() write=() read=() requests=() consumed=()
  configure=("$service-.*") write=("$service-.*") read=("$service-.*")
  while read -r who verb message; do
    [ -n "$who" ] && [[ "$who" != \#* ]] || continue
    message="${message//./\\.}"
    if [ "$verb" = requests ]; then requests+=("$who $message"); fi
    [ "$who" = "$service" ] || continue
    case "$verb" in
      publishes|requests) configure+=("$message") write+=("$message") ;;
      consumes) configure+=("$message") read+=("$message") consumed+=("$message") ;;
      *) die "message-routes.conf: unknown verb '$verb'" ;;
    esac
  done < "$ROOT/infra/message-routes.conf"
  local request c
  for request in "${requests[@]}"; do
    for c in "${consumed[@]}"; do
      if [ "${request#* }" = "$c" ]; then configure+=("${request%% *}-bus-.*") write+=("${request%% *}-bus-.*"); fi
    done
  done
  local IFS='|'
  echo "^(${configure[*]})\$"
  echo "^(${write[*]})\$"
  echo "^(${read[*]})\$"
}

# Gives SERVICE its own RabbitMQ user (named after it) with PASSWORD and only its own permissions on the vhost /.
rmq_service_access() { # DATA_DIR NODENAME EPMD_PORT SERVICE PASSWORD
  local data="$1" node="$2" epmd="$3" service="$4" password="$5" users patterns
  users="$(rmq_ctl "$data" "$node" "$epmd" -q list_users)" || die "rabbitmqctl list_users failed"
  # The password goes on stdin (rabbitmqctl reads it there when it is not an argument), never on a command line.
  if awk -v u="$service" '$1 == u { found = 1 } END { exit !found }' <<< "$users"; then
    rmq_ctl "$data" "$node" "$epmd" -q change_password "$service" <<< "$password" >/dev/null || die "could not set the password of $service"
  else
    rmq_ctl "$data" "$node" "$epmd" -q add_user "$service" <<< "$password" >/dev/null || die "could not add the RabbitMQ user $service"
  fi
  mapfile -t patterns < <(rmq_permissions "$service")
  rmq_ctl "$data" "$node" "$epmd" -q set_permissions -p / "$service" "${patterns[@]}" >/dev/null \
    || die "could not set the RabbitMQ permissions of $service"
}

rmq_stop() { # DATA_DIR NODENAME EPMD_PORT
  local data="$1" node="$2" epmd="$3" pid
  if [ -d "$data" ] && rmq_running "$data"; then
    info "stopping RabbitMQ $node"
    pid="$(cat "$data/rabbit.pid")"
    # 'stop PIDFILE' returns once the OS process has exited.
    rmq_ctl "$data" "$node" "$epmd" -q stop "$data/rabbit.pid" >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      info "RabbitMQ $node did not stop: killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  # The node (or our CLI calls) started an epmd on this node's own port; it serves nobody else.
  local epmd_bin; epmd_bin="$(command -v epmd || true)"
  if [ -z "$epmd_bin" ]; then epmd_bin="$(compgen -G '/usr/lib/erlang/erts-*/bin/epmd' | head -n 1 || true)"; fi
  if [ -n "$epmd_bin" ]; then "$epmd_bin" -port "$epmd" -kill >/dev/null 2>&1 || true; fi
}

# ---------------------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------------------

# Waits until URL answers 200. With PID, gives up as soon as that process has exited (a service that died
# must not be mistaken for healthy because something else answers on its port).
wait_http() { # URL TIMEOUT_SECONDS [PID]
  local url="$1" deadline=$((SECONDS + $2)) pid="${3:-}" code
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" 2>/dev/null)" || true
    [ "$code" = 200 ] && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------------------
# Service processes (infra/up.sh, infra/down.sh)
# ---------------------------------------------------------------------------------------------------------

# The services in start order (the gateway last) and their ports. (Used by the scripts that source this.)
# shellcheck disable=SC2034
SERVICES=(orders bidding tasks payouts settlement gateway)
# MARKETPLACE_PORT_OFFSET (default 0) moves every port of infra/up.sh's stack (not the tests': see infra/test.sh).
PORT_OFFSET="${MARKETPLACE_PORT_OFFSET:-0}"
[[ "$PORT_OFFSET" =~ ^[0-9]+$ ]] || die "MARKETPLACE_PORT_OFFSET must be a number"
# shellcheck disable=SC2034
declare -gA SERVICE_PORT=([gateway]=$((5080 + PORT_OFFSET)) [orders]=$((5081 + PORT_OFFSET)) [bidding]=$((5082 + PORT_OFFSET))
  [tasks]=$((5083 + PORT_OFFSET)) [payouts]=$((5084 + PORT_OFFSET)) [settlement]=$((5085 + PORT_OFFSET)))
# shellcheck disable=SC2034
PG_PORT=$((55432 + PORT_OFFSET)) RMQ_PORT=$((55672 + PORT_OFFSET)) RMQ_DIST_PORT=$((55682 + PORT_OFFSET)) RMQ_EPMD_PORT=$((54369 + PORT_OFFSET))

# services/orders/Marketplace.Orders/bin/Release/net10.0/Marketplace.Orders.dll, and so on.
service_dll() { # NAME
  local cap="${1^}"
  echo "$ROOT/services/$1/Marketplace.$cap/bin/Release/net10.0/Marketplace.$cap.dll"
}

# Prints the pid of service NAME if its pid file names a live process that runs that service's dll
# (a pid file left from before a reboot may name an unrelated process by now).
service_pid() { # RUN_DIR NAME
  local pid
  pid="$(cat "$1/$2.pid" 2>/dev/null)" || return 1
  pid_runs "$pid" "Marketplace.${2^}.dll" || return 1
  echo "$pid"
}
