"""'Talk to a person': anonymous hand-off to advocates working in a Telegram forum group.

``config`` and ``hours`` read the desk's settings, ``cases`` keeps cases in Redis, ``policy``
decides who may act and whether the desk is open, ``replies`` builds what each side reads, and
``telegram`` is the channel extension that ties them to the Bot API. Only ``telegram`` imports
python-telegram-bot; everything else is testable without it.
"""
