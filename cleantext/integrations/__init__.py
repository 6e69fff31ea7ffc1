"""Optional integrations with other tools; each needs its own extra and imports the core,
never the reverse."""
