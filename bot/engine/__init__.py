"""The pure conversation engine: flow model, YAML loader with validation, step function."""

from bot.engine.loader import FlowError, load_flows
from bot.engine.model import Effect, Event, Flows, Reply, ReplyButton, Session, Step
from bot.engine.step import step

__all__ = ["Effect", "Event", "FlowError", "Flows", "Reply", "ReplyButton", "Session", "Step", "load_flows", "step"]
