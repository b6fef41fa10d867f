"""plc-console: the coordinators' console of a professional learning community of teachers."""

__version__ = "0.1.0"
