"""Haven: an anonymous chat assistant for survivors of violence and trafficking."""
