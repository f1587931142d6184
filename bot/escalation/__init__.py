"""'Talk to a person': anonymous hand-off to advocates working in a Telegram forum group.

``config`` reads the desk's settings (office hours are :mod:`bot.hours`), ``cases`` keeps cases
in Redis, ``policy`` decides who may act and whether the desk is open, ``desk`` makes every
decision as typed values (testable without a bot, Redis or network), ``replies`` builds what
each side reads, ``forum`` and ``survivors`` talk to the advocates' group and to survivors,
``handoff`` carries out the decisions, and ``telegram`` is the channel extension that plugs
them into the Telegram channel. ``desk`` uses python-telegram-bot's message limits and the
channel's delivery outcomes, but no Bot API call.
"""
