"""What the services announce and the feed reacts to, so that services never import feeds.

Writes that skip model signals (the scoring service's bulk UPDATE) and registry changes
(a preference model made active) are announced here; ``sentirec.feeds`` receives them to
invalidate cached pages and to tell every process which model to serve. Nothing here
imports the rest of sentirec.
"""

from django.dispatch import Signal

#: Reviews were (re)scored in bulk, without ``post_save``. Keyword ``user_ids``: their
#: authors, whose followers' cached feed pages now show stale sentiment.
opinions_rescored = Signal()

#: A preference model became the active one (sent after the transaction commits).
#: Keyword ``model``: the ``PreferenceModel`` row.
preference_model_activated = Signal()
