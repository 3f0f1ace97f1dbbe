import Testing

// Tests of the SSHExec module.
