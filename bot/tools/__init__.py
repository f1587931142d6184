"""Quality tools for content people, translators and maintainers, behind the ``haven`` CLI.

Catalog reports, the first-line checker, the flow extractor and flow diagrams. They may import
anything in Haven (they check what it really renders); nothing but ``bot.cli`` imports them, so
the service never loads them.
"""
