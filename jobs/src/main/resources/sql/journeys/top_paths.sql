-- The top :top_paths paths plus one (other) row, for journey_paths (stage paths) and
-- activity_paths: customers sum to every subject of :subject_paths. Most subjects first, ties
-- broken by the path text; (other) has rank :top_paths + 1, a null path_length, and is present
-- even when it holds nobody. Shares and rates in percent, medians over converted subjects, all
-- rounded to 4 decimals.
-- Input: :subject_paths (one row per subject: path, path_length, is_converted, days_to_convert).
-- Parameters: :run_date, :top_paths.
WITH subject_paths AS (
  SELECT path, path_length, is_converted, days_to_convert
  FROM IDENTIFIER(:subject_paths)
),

path_counts AS (
  SELECT path, COUNT(*) AS customers FROM subject_paths GROUP BY path
),

ranked AS (
  SELECT path, CAST(ROW_NUMBER() OVER (ORDER BY customers DESC, path) AS INT) AS path_rank FROM path_counts
),

labelled AS (
  SELECT s.path, s.path_length, s.is_converted, s.days_to_convert, r.path_rank
  FROM subject_paths s
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
  SELECT COUNT(*) AS subjects FROM subject_paths
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
