"""organisaatio register."""
