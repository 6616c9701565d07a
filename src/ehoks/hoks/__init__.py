"""The HOKS: the personal competence development plan, its rules, storage and use cases."""
