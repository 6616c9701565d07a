"""Pure tests of the HOKS schema, its rules and the national identifiers."""
