"""onr register."""
