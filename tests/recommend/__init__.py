"""The pure recommender core: scoring, the learned models, metrics, offline protocols."""
