"""The feed: ranking on the site's data, caching, query bounds, the learned model."""
