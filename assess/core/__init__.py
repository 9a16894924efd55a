"""The vocabulary every layer shares: number types, problems, messages, file loading, conditions."""

__version__ = "0.1.0"
