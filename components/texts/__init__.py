"""Parts of the text catalogue, one module per area of the app (each a ``TEXTS`` dict of
key -> {"id": ..., "en": ...}); ``components.i18n`` merges them, and a key defined twice is an
error."""
