"""Safety: danger detection, quick exit and auto-erase. These sit above every flow and channel."""
