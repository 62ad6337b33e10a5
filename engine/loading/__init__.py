"""Stage 1, loading: YAML text to the validated course model, with the source position of
every value, and YAML or schema mistakes as diagnostics."""
