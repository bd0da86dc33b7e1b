"""The provincial credit platform (DOMAIN §6.6): casework's SyncEvents become
rows of the versioned column map (`columns`) in the generic outbox (`outbox`), which the
delivery engine (exchange.delivery) sends through the transport the settings choose."""
