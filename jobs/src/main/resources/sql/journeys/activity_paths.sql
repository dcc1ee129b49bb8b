-- The top :top_paths activity paths plus one (other) row; customers sum to every subject.
-- A subject's path: its activities in timeline order (occurred_at, then touchpoint_id), the
-- ignored ones left out first, then consecutive repeats collapsed, then the first :path_length kept.
-- Inputs: :timeline, :journeys. Parameters: :run_date, :top_paths, :path_length, :ignore_activities.
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
),

-- Every subject, so customers sum to all subjects: one whose activities are all ignored has an empty path.
subjects AS (
  SELECT
    COALESCE(p.path, '(only ignored activities)') AS path, COALESCE(p.path_length, 0) AS path_length,
    j.is_converted, j.days_to_convert
  FROM journeys j
  LEFT JOIN subject_paths p ON p.customer_key = j.customer_key
),

path_counts AS (
  SELECT path, COUNT(*) AS customers FROM subjects GROUP BY path
),

ranked AS (
  SELECT path, CAST(ROW_NUMBER() OVER (ORDER BY customers DESC, path) AS INT) AS path_rank FROM path_counts
),

labelled AS (
  SELECT s.*, r.path_rank
  FROM subjects s
  INNER JOIN ranked r ON r.path = s.path
),

top_paths AS (
  SELECT
    path, MAX(path_length) AS path_length, path_rank AS rank,
    COUNT(*) AS customers,
    COUNT_IF(is_converted) AS converted_customers,
    PERCENTILE(IF(is_converted, days_to_convert, NULL), 0.5) AS median_days
  FROM labelled
  WHERE path_rank <= :top_paths
  GROUP BY path, path_rank
),

-- A global aggregate: always exactly one row, with 0 customers when every path is in the top.
other_paths AS (
  SELECT
    '(other)' AS path, CAST(NULL AS INT) AS path_length, CAST(:top_paths + 1 AS INT) AS rank,
    COUNT(*) AS customers,
    COUNT_IF(is_converted) AS converted_customers,
    PERCENTILE(IF(is_converted, days_to_convert, NULL), 0.5) AS median_days
  FROM labelled
  WHERE path_rank > :top_paths
),

all_paths AS (
  SELECT * FROM top_paths
  UNION ALL
  SELECT * FROM other_paths
),

population AS (
  SELECT COUNT(*) AS subjects FROM subjects
)

SELECT
  CAST(:run_date AS DATE) AS snapshot_date,
  a.path, a.path_length, a.customers,
  CAST(ROUND(CAST(a.customers AS DECIMAL(20, 0)) * 100 / CAST(NULLIF(p.subjects, 0) AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS share_of_customers,
  a.converted_customers,
  CAST(ROUND(CAST(a.converted_customers AS DECIMAL(20, 0)) * 100 / CAST(NULLIF(a.customers, 0) AS DECIMAL(20, 0)), 4)
    AS DECIMAL(12, 4)) AS conversion_rate,
  CAST(ROUND(a.median_days, 4) AS DECIMAL(14, 4)) AS median_days_to_convert,
  a.rank
FROM all_paths a
CROSS JOIN population p
