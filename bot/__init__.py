"""fieldbot: a messenger assistant for equipment service companies."""
