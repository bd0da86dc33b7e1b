"""A test-only app: one object kind declared the way a new sub-process would be (its model,
its state table, its `kinds` module), to show what picks it up with no edit elsewhere.
Installed by config.settings.test only; its table is made from the model (no migrations)."""
