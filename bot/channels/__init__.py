"""Channels: thin adapters between a platform and the runtime. They know nothing of flows."""
