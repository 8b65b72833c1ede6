"""The dialog engine: a pure function of (flows, session, inbound message) -> turn.

No I/O, no clock and no randomness except what is passed in; it names the actions it needs
and the runtime runs them (see `step.step` and `step.resume`).
"""
