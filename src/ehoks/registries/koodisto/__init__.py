"""koodisto register."""
