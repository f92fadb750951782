"""Host projects unlike socialsite (other keys, user models, URL layouts, APIs)."""
