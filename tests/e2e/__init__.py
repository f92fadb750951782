"""Browser journeys through the demo site and the admin (Playwright)."""
