"""The departure plan of a registered person, as pure functions of the content's data:
their route through the checklist (`progress`), and which reminders and warnings are due
(`followup`). No I/O: the actions and the runtime read the store and write the effects.
"""
