"""Lifecycle jobs (retention, contact removal, registry sync)."""
