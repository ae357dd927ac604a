"""Policy data files shipped with the engine (one TOML file per marketplace)."""
