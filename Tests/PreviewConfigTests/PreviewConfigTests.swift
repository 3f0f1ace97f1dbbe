import Testing

// Tests of the PreviewConfig module.
