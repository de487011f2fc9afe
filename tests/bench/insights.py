#!/usr/bin/env python3
"""The insights benchmark's database: N complaints (default 1,000,000) over the last 53 weeks, made by the
real intake's migrations (the binary creates the file) and then filled in bulk with their facts, as the
intake keeps them (docs/insights.md), with causes on a fifth of them. Prints how long the generation took.

usage: insights.py DB [N]   (the database must have been created by `complaint-intake`; see scripts/bench-insights)
"""
import random
import sqlite3
import sys
import time

CATEGORIES = ["defective-product", "gaming-account", "service-billing", "delivery", "something-else"]
CAUSES = ["courier-delay", "product-batch-defect", "bonus-terms-unclear", "payment-provider-outage",
          "billing-error", "wrong-item-sent"]
DECISIONS = ["upheld", "partly_upheld", "not_upheld"]
DAY = 86400


def iso_week(t):
    return time.strftime("%G-W%V", time.gmtime(t))


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = random.Random(14)
    now = int(time.time())
    start = now - 53 * 7 * DAY
    began = time.monotonic()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")

    def rows():
        for i in range(n):
            received = start + rng.randrange(53 * 7 * DAY)
            ack_due = received + DAY + 1
            acknowledged = received + rng.randrange(2 * DAY) if rng.random() < 0.97 else None
            decide_due = received + 10 * DAY
            decided = received + rng.randrange(20 * DAY) if rng.random() < 0.85 else None
            if decided is not None and decided > now:
                decided = None
            closed = decided + DAY if decided is not None and rng.random() < 0.8 else None
            decision = rng.choice(DECISIONS) if decided is not None else None
            rating = rng.randint(1, 5) if closed is not None and rng.random() < 0.3 else None
            next_due = None if decided is not None else (ack_due if acknowledged is None else decide_due)
            yield (
                f"CMP-B{i:09d}", f"CMPB{i:09d}", rng.choice(CATEGORIES), "en", received, "{}", f"k{i:064d}",
                received, decision, iso_week(received), ack_due, acknowledged, decide_due, decided, closed,
                None if closed is None else int(closed - received < 3 * DAY),
                None if closed is None else int(closed - received < 56 * DAY),
                int(rng.random() < 0.03), rating, next_due,
                None if decided is None else decided - received,
            )

    db.executemany(
        """INSERT INTO complaints (reference, lookup, category, locale, received_at, submission, status_key,
               updated_at, decision, received_week, ack_due_at, acknowledged_at, decide_due_at, decided_at,
               closed_at, closed_in_3_days, closed_in_8_weeks, reopened, rating, next_due_at,
               decision_seconds, revision, published_revision, facts_revision)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 1)""",
        rows(),
    )
    db.execute(
        """INSERT INTO complaint_causes (complaint_id, cause, at)
           SELECT id, ?, COALESCE(decided_at, received_at) FROM complaints WHERE id % 5 = 0""",
        (CAUSES[0],),
    )
    db.execute(
        """UPDATE complaint_causes SET cause = CASE complaint_id % 7 WHEN 0 THEN ? WHEN 1 THEN ? WHEN 2 THEN ?
               WHEN 3 THEN ? WHEN 4 THEN ? ELSE ? END""",
        CAUSES,
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    print(f"generated {n:,} complaints in {time.monotonic() - began:.1f} s")


main()
