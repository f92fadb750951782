"""The Django side of recommendation: the feed pages the site serves.

``candidates`` fetches a bounded set of rows, ``feed`` ranks them with the pure
``sentirec.recommend.scoring`` and assembles a ``page``, ``explain`` words each entry,
``cache`` keeps pages in the Django cache, ``serving`` loads the learned model's stored
factors, ``suggestions`` picks people to follow, and ``admin`` registers the preference
models and the feed preview. Everything that reads the ORM for a feed lives here.
"""
