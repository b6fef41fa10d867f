"""Persistence: typed models, engine and session setup, Alembic migrations."""
