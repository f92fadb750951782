"""The REST API: endpoints, permissions, item exposure, schema and predictions."""
