"""sentirec.sentiment: a plain PyTorch sentiment library (never imports Django).

Train with :func:`sentirec.sentiment.training.train`, save/load with
:mod:`sentirec.sentiment.bundle`, score text with :class:`sentirec.sentiment.predictor.Predictor`.
"""

__version__ = "0.1.0"
