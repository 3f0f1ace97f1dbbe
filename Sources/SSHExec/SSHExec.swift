// The ssh-Process module: OpenSSH child processes reaching dev containers via docker exec. Filled in by the SSHExec work.
