"""koski register."""
