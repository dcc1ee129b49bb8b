-- Each subject's activity path, for activity_paths (ranked by top_paths.sql): every subject of
-- :journeys has one, so that the table adds up to all subjects.
-- A subject's path: its activities in timeline order (occurred_at, then touchpoint_id), the
-- ignored ones left out first, then consecutive repeats collapsed, then the first :path_length kept.
-- Inputs: :timeline, :journeys. Parameters: :path_length, :ignore_activities.
WITH timeline AS (
  SELECT customer_key, activity, occurred_at, touchpoint_id
  FROM IDENTIFIER(:timeline)
),

journeys AS (
  SELECT customer_key, is_converted, days_to_convert
  FROM IDENTIFIER(:journeys)
),

kept AS (
  SELECT customer_key, activity, occurred_at, touchpoint_id
  FROM timeline
  WHERE NOT array_contains(:ignore_activities, activity)
),

-- A step starts where the activity differs from the previous kept one (A, A, B gives A, B).
steps AS (
  SELECT customer_key, activity, occurred_at, touchpoint_id
  FROM (
    SELECT *, LAG(activity) OVER (PARTITION BY customer_key ORDER BY occurred_at, touchpoint_id) AS previous_activity
    FROM kept
  )
  WHERE previous_activity IS NULL OR previous_activity <> activity
),

numbered AS (
  SELECT customer_key, activity,
    ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY occurred_at, touchpoint_id) AS step
  FROM steps
),

subject_paths AS (
  SELECT
    customer_key,
    array_join(transform(array_sort(collect_list(struct(step, activity))), s -> s.activity), ' > ') AS path,
    CAST(COUNT(*) AS INT) AS path_length
  FROM numbered
  WHERE step <= :path_length
  GROUP BY customer_key
)

-- Every subject, so customers sum to all subjects: one whose activities are all ignored has an empty path.
SELECT
  COALESCE(p.path, '(only ignored activities)') AS path, COALESCE(p.path_length, 0) AS path_length,
  j.is_converted, j.days_to_convert
FROM journeys j
LEFT JOIN subject_paths p ON p.customer_key = j.customer_key
