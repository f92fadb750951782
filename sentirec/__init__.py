"""sentirec: reviews, ratings, follows, sentiment analysis and social feeds for Django sites."""

__version__ = "0.1.0"
