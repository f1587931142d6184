"""Helpers the test suite runs in-process, such as the local Telegram Bot API stand-in."""
