"""Celery work: scoring, queueing, retraining, the registry, worker faults."""
