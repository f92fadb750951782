"""Feed ranking: pure scoring and the learned model, plus the Django-side candidate/feed code.

``scoring``, ``social_mf``, ``datasets``, ``offline`` and their helpers are pure (numpy and
torch, no Django) and can be used and benchmarked as a plain library.
"""
