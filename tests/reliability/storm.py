"""The write storm, shared by its slow test and ``benchmarks/write_storm.py``: reviews posted
concurrently over HTTP by many users, and the checks that every one was stored once and
scored once by the final model.

"Scored once" is counted by the database itself: a trigger logs every write of a score
(:func:`install_score_log`), so a review scored twice by the same model shows up even
though the second write leaves the same values behind.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection

from sentirec.models import Review, SentimentModel

SCORE_LOG_SQL = """
CREATE TABLE IF NOT EXISTS bench_score_log (
  review_id bigint NOT NULL, version text NOT NULL, at timestamptz DEFAULT clock_timestamp());
TRUNCATE bench_score_log;
CREATE OR REPLACE FUNCTION bench_log_score() RETURNS trigger AS $$
BEGIN
  IF NEW.sentiment_status = 'scored'
     AND NEW.sentiment_scored_at IS DISTINCT FROM OLD.sentiment_scored_at THEN
    INSERT INTO bench_score_log (review_id, version) VALUES (NEW.id, NEW.sentiment_model_version);
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS bench_log_score ON sentirec_review;
CREATE TRIGGER bench_log_score AFTER UPDATE ON sentirec_review
  FOR EACH ROW EXECUTE FUNCTION bench_log_score();
"""


def install_score_log() -> None:
    """Log every score written to a review (PostgreSQL), starting empty."""
    with connection.cursor() as cursor:
        cursor.execute(SCORE_LOG_SQL)


@dataclass(frozen=True)
class Post:
    token: str
    item: int
    text: str
    stars: float | None


@dataclass
class Posted:
    """What the clients saw: status codes, review ids and latencies (seconds)."""

    statuses: Counter = field(default_factory=Counter)
    ids: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def percentile(self, q: float) -> float:
        return statistics.quantiles(self.latencies, n=100)[int(q) - 1] if self.latencies else 0


def post_concurrently(base_url: str, posts: list[Post], clients: int, on_post=None) -> Posted:
    """POST every review to ``/api/reviews/`` from ``clients`` threads, each with its own
    connection; ``on_post(n)`` is called after the n-th answer (to start a retrain)."""
    target = urlsplit(base_url)
    posted = Posted()
    work = iter(posts)
    started = time.monotonic()

    def client() -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        while True:
            with posted.lock:
                post = next(work, None)
            if post is None:
                return
            body = json.dumps({"item": post.item, "text": post.text, "stars": post.stars})
            headers = {"Authorization": f"Token {post.token}", "Content-Type": "application/json"}
            sent = time.monotonic()
            try:
                conn.request("POST", "/api/reviews/", body, headers)
                response = conn.getresponse()
                status, answer = response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, answer = type(exc).__name__, b""
            with posted.lock:
                posted.statuses[status] += 1
                posted.latencies.append(time.monotonic() - sent)
                if status == 201:
                    posted.ids.append(json.loads(answer)["id"])
                done = sum(posted.statuses.values())
            if on_post:
                on_post(done)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posted.seconds = time.monotonic() - started
    return posted


@dataclass
class Outcome:
    """Where every review ended up, counted independently of the clients."""

    reviews: int
    final_version: str
    by_final_model: int
    not_scored: int
    writes_by_version: dict[str, int]
    scored_twice_by_final: int
    never_by_final: int
    stats_wrong: int

    def settled(self) -> bool:
        return self.by_final_model == self.reviews and self.stats_wrong == 0


#: Items whose stats disagree with their reviews (or that have reviews and no stats).
STATS_WRONG_SQL = """
SELECT count(*) FROM (
  SELECT item_id, count(*) AS n, count(*) FILTER (WHERE sentiment_status = 'scored') AS s
  FROM sentirec_review GROUP BY item_id) actual
LEFT JOIN sentirec_itemstats stats ON stats.item_id = actual.item_id
WHERE stats.item_id IS NULL OR stats.review_count <> actual.n OR stats.scored_count <> actual.s
"""


def outcome() -> Outcome:
    final = SentimentModel.objects.filter(is_active=True).values_list("version", flat=True)
    final_version = final.first() or ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, count(*) FROM bench_score_log GROUP BY version")
        by_version = dict(cursor.fetchall())
        cursor.execute(
            """SELECT count(*) FILTER (WHERE n > 1), count(*) FILTER (WHERE n = 0) FROM (
                 SELECT r.id, count(l.review_id) AS n FROM sentirec_review r
                 LEFT JOIN bench_score_log l ON l.review_id = r.id AND l.version = %s
                 GROUP BY r.id) per_review""",
            [final_version],
        )
        twice, never = cursor.fetchone()
        cursor.execute(STATS_WRONG_SQL)
        stats_wrong = cursor.fetchone()[0]
    reviews = Review.objects
    return Outcome(
        reviews=reviews.count(),
        final_version=final_version,
        by_final_model=reviews.filter(
            sentiment_status="scored", sentiment_model_version=final_version
        ).count(),
        not_scored=reviews.exclude(sentiment_status="scored").count(),
        writes_by_version=by_version,
        scored_twice_by_final=twice,
        never_by_final=never,
        stats_wrong=stats_wrong,
    )
