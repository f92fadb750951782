"""The pure recommender core: scoring, the learned social models, their baselines,
metrics, splits, dataset readers and the offline protocols (``python -m
sentirec.recommend``).

numpy, scipy and PyTorch only: nothing here imports Django or Celery (asserted by
tests/recommend/test_pure.py), so it is used, tested and benchmarked as a plain library.
The Django side of the feed is ``sentirec.feeds``.
"""
