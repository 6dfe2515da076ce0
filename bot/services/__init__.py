"""Use-cases on the domain. No chat, no framework: callers pass a session and get objects."""
