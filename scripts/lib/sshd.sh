# Starts a throwaway OpenSSH server on 127.0.0.1 (its own config, host key and authorised client
# key in a temporary directory) that lets an unprivileged test user in, with the project's
# `docker` stand-in first on that user's remote PATH, and exports the VIBN_TEST_SSH_* variables
# the tests read. `start_second_sshd` starts another one, a second host with its own host key
# and containers, which the same client key reaches (VIBN_TEST_SSH2_PORT, VIBN_TEST_SSH2_KNOWN_HOSTS,
# VIBN_TEST_DOCKER_ROOT2). Sourced by scripts/test and scripts/bench-exec (after
# scripts/lib/ports.sh, whose free_port it uses). Needs root: sshd must switch to the test user.

SSHD_DIRS=()
SSHD_TEST_USER=vibn-ssh-test

start_sshd() {
  launch_sshd "$1"
  export VIBN_TEST_SSH_HOST=127.0.0.1 VIBN_TEST_SSH_PORT=$SSHD_PORT VIBN_TEST_SSH_USER=$SSHD_TEST_USER
  VIBN_TEST_SSH_KEY_B64=$(base64 -w0 "$1/client_key")
  VIBN_TEST_SSH_KNOWN_HOSTS="[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$1/host_key.pub")"
  VIBN_TEST_DOCKER_ROOT=$1/containers
  export VIBN_TEST_SSH_KEY_B64 VIBN_TEST_SSH_KNOWN_HOSTS VIBN_TEST_DOCKER_ROOT
}

# A second host after start_sshd: its own port, host key and containers; the first one's client key.
start_second_sshd() {
  launch_sshd "$1" "${SSHD_DIRS[0]}/client_key"
  export VIBN_TEST_SSH2_PORT=$SSHD_PORT
  VIBN_TEST_SSH2_KNOWN_HOSTS="[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$1/host_key.pub")"
  export VIBN_TEST_SSH2_KNOWN_HOSTS VIBN_TEST_DOCKER_ROOT2=$1/containers
}

# launch_sshd DIR [CLIENT_KEY]: starts one server in DIR (a new client key unless one is given); sets SSHD_PORT.
launch_sshd() {
  local SSHD_DIR=$1 client_key=${2:-}
  SSHD_DIRS+=("$SSHD_DIR")
  local port user=$SSHD_TEST_USER
  mkdir -p "$SSHD_DIR/bin" "$SSHD_DIR/containers"
  chmod 755 "$SSHD_DIR" "$SSHD_DIR/bin"
  # A plain /bin/sh account (no profile to run); '*' unlocks key logins with UsePAM no.
  id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/sh "$user"
  usermod -p '*' -s /bin/sh "$user"
  chown "$user" "$SSHD_DIR/containers"
  # The stand-in bind-mounts a container's directory here; a real container has it in its image.
  [ -d /workspace ] || install -d -m 755 /workspace
  install -d -m 755 /run/sshd
  install -m 755 "$root/Tests/GatewayTestSupport/Stand-ins/docker" "$SSHD_DIR/bin/docker"
  ssh-keygen -q -t ed25519 -N '' -C vibn-test-host -f "$SSHD_DIR/host_key"
  # `sshd -T` as the test user (vibn-gateway doctor reads MaxSessions with it, as root would on a real host) must
  # load this server's config and host key: the key is the user's own (root's sshd still reads it) and `sshd` on the
  # user's PATH is the real one given this config.
  chown "$user" "$SSHD_DIR/host_key"
  printf '#!/bin/sh\nexec /usr/sbin/sshd -f %s "$@"\n' "$SSHD_DIR/sshd_config" >"$SSHD_DIR/bin/sshd"
  chmod 755 "$SSHD_DIR/bin/sshd"
  if [ -n "$client_key" ]; then
    cp "$client_key" "$SSHD_DIR/client_key" && cp "$client_key.pub" "$SSHD_DIR/client_key.pub"
  else
    ssh-keygen -q -t ed25519 -N '' -C vibn-test-client -f "$SSHD_DIR/client_key"
  fi
  cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"
  chmod 644 "$SSHD_DIR/authorized_keys"
  port=$(free_port)
  # Stock limits (MaxSessions 10, MaxStartups 10:30:100): the gateway must live within what a real host allows.
  cat >"$SSHD_DIR/sshd_config" <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_key
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers $user
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv PATH=$SSHD_DIR/bin:/usr/local/bin:/usr/bin:/bin VIBN_DOCKER_STANDIN_ROOT=$SSHD_DIR/containers
LogLevel ERROR
CONFIG
  /usr/sbin/sshd -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log"
  local _
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null && break
    sleep 0.05
  done
  SSHD_PORT=$port
  echo "scripts/lib/sshd.sh: sshd on 127.0.0.1:$port (user $user)"
}

stop_sshd() {
  local dir pid
  for dir in "${SSHD_DIRS[@]}"; do
    [ -f "$dir/sshd.pid" ] || continue
    pid=$(cat "$dir/sshd.pid")
    # Its per-connection children first, so no client's multiplexed master outlives the tests.
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
}
