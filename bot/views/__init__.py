"""Views: the dynamic parts of nodes (language list, help directory, rights cards ...).

A flow node names a view (``view: languages``); the engine asks it for extra text and
buttons and hands it the values chosen from those buttons. Views are pure like the engine.
"""
