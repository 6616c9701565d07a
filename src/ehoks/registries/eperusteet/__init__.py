"""eperusteet register."""
