"""The pure conversation engine: flow model, contract, typed effects, YAML loader, step function."""

from bot.engine.effects import Effect, RuntimeEffect
from bot.engine.loader import FlowError, load_flows
from bot.engine.model import Event, Flows, Reply, ReplyButton, Session, Step
from bot.engine.step import render, step

__all__ = [
    "Effect",
    "Event",
    "FlowError",
    "Flows",
    "Reply",
    "ReplyButton",
    "RuntimeEffect",
    "Session",
    "Step",
    "load_flows",
    "render",
    "step",
]
