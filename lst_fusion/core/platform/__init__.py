"""Where the plugin runs: optional back-ends, install hints, output safety and the one user-facing error type."""
