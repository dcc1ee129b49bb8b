-- Walks each subject's funnel touchpoints in timeline order, once per funnel, with a fold
-- (aggregate) over the sorted touchpoints: no per-customer code outside Spark SQL.
-- Inputs: :funnel_touches (funnel, customer_key, seq, occurred_at, matches: step numbers the
-- touchpoint satisfies, is_exclusion), :funnels (funnel, mode, window_days, steps).
-- Output: one row per (funnel, subject that entered it) with the time each step was reached.
WITH touches AS (
  SELECT funnel, customer_key, seq, occurred_at, matches, is_exclusion FROM IDENTIFIER(:funnel_touches)
),

funnels AS (
  SELECT funnel, mode, window_days, steps FROM IDENTIFIER(:funnels)
),

timelines AS (
  SELECT
    funnel, customer_key,
    array_sort(collect_list(named_struct(
      'seq', seq, 'occurred_at', occurred_at, 'matches', matches, 'is_exclusion', is_exclusion))) AS touches
  FROM touches
  GROUP BY customer_key, funnel
),

-- State: first_at/first_seq per step (step 1 = entry), next (ordered/strict: the step awaited),
-- last_seq (strict: the touchpoint of the last reached step), broken (strict: the chain was
-- interrupted), exclusion_seq (first exclusion touchpoint after entering, inside the window).
-- ordered: a touchpoint matching the awaited step reaches it.
-- strict:  only the touchpoint right after the last reached one (seq + 1) can reach the next step;
--          any other touchpoint in the list breaks the chain.
-- any:     each step's first match inside the window counts, in whatever order.
walked AS (
  SELECT
    t.funnel, t.customer_key, f.mode,
    aggregate(
      t.touches,
      named_struct(
        'first_at', array_repeat(CAST(NULL AS TIMESTAMP), f.steps),
        'first_seq', array_repeat(CAST(NULL AS BIGINT), f.steps),
        'next', 1,
        'last_seq', CAST(NULL AS BIGINT),
        'broken', false,
        'exclusion_seq', CAST(NULL AS BIGINT)),
      (s, x) -> CASE
        WHEN s.first_seq[0] IS NULL THEN
          IF(array_contains(x.matches, 1),
            named_struct(
              'first_at', transform(s.first_at, (v, i) -> IF(i = 0, x.occurred_at, v)),
              'first_seq', transform(s.first_seq, (v, i) -> IF(i = 0, x.seq, v)),
              'next', 2,
              'last_seq', x.seq,
              'broken', false,
              'exclusion_seq', s.exclusion_seq),
            s)
        WHEN x.occurred_at > s.first_at[0] + make_dt_interval(f.window_days) THEN s
        ELSE named_struct(
          'first_at', transform(s.first_at, (v, i) -> IF(
            CASE f.mode
              WHEN 'any' THEN i > 0 AND v IS NULL AND array_contains(x.matches, i + 1)
              WHEN 'strict' THEN i + 1 = s.next AND NOT s.broken AND x.seq = s.last_seq + 1 AND array_contains(x.matches, i + 1)
              ELSE i + 1 = s.next AND array_contains(x.matches, i + 1)
            END, x.occurred_at, v)),
          'first_seq', transform(s.first_seq, (v, i) -> IF(
            CASE f.mode
              WHEN 'any' THEN i > 0 AND v IS NULL AND array_contains(x.matches, i + 1)
              WHEN 'strict' THEN i + 1 = s.next AND NOT s.broken AND x.seq = s.last_seq + 1 AND array_contains(x.matches, i + 1)
              ELSE i + 1 = s.next AND array_contains(x.matches, i + 1)
            END, x.seq, v)),
          'next', IF(
            CASE f.mode
              WHEN 'strict' THEN NOT s.broken AND x.seq = s.last_seq + 1 AND array_contains(x.matches, s.next)
              ELSE array_contains(x.matches, s.next)
            END, s.next + 1, s.next),
          'last_seq', x.seq,
          'broken', s.broken OR NOT (x.seq = s.last_seq + 1 AND array_contains(x.matches, s.next)),
          'exclusion_seq', IF(x.is_exclusion AND s.exclusion_seq IS NULL, x.seq, s.exclusion_seq))
      END) AS walk
  FROM timelines t
  INNER JOIN funnels f ON f.funnel = t.funnel
),

-- Step k counts once steps 1..k are all reached: its time is the latest of their first times.
reached AS (
  SELECT
    funnel, customer_key,
    walk.first_at AS first_at,
    walk.first_seq AS first_seq,
    walk.exclusion_seq AS exclusion_seq,
    IF(array_position(transform(walk.first_at, v -> v IS NULL), true) = 0,
      size(walk.first_at),
      CAST(array_position(transform(walk.first_at, v -> v IS NULL), true) - 1 AS INT)) AS reached_steps
  FROM walked
  WHERE walk.first_seq[0] IS NOT NULL
)

SELECT
  funnel, customer_key, reached_steps,
  transform(slice(first_at, 1, reached_steps), (v, i) -> array_max(slice(first_at, 1, i + 1))) AS step_reached_at,
  COALESCE(exclusion_seq < array_max(slice(first_seq, 1, reached_steps)), false) AS is_excluded
FROM reached
