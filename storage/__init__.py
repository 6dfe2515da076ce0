"""Persistence: typed SQLAlchemy models, engine, repositories and migrations."""
