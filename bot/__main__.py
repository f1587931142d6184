"""``python -m bot`` is the same as the ``haven`` command."""

from bot.cli import main

raise SystemExit(main())
