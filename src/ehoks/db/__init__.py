"""Database foundation: declarative base, portable column types, engine and sessions."""
