# free_port: a free TCP port on 127.0.0.1 (bound to port 0, then released). Sourced by the scripts that start peers.

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
