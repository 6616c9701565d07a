"""The national registers eHOKS reads: each an interface with a local and an HTTP implementation."""
