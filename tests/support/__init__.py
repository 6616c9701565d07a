"""Shared test helpers: fixture files, register data, personas."""
