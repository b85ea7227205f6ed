"""Read-only account tools (the Media Services Explorer role): inventory, unmanaged-entity drift, the
safe-destroy pre-check and the export of an existing account to a stage config (``python -m explorer``)."""
