"""The console's screens; each owns its bindings and its database workers."""
