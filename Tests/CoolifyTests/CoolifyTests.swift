import Testing

// Tests of the Coolify module.
