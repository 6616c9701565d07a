"""Version 1 of the data-transfer API, wire compatible with the original eHOKS."""
