"""Read generated files back as plain content (golden tests, `gen-report verify`)."""
