-- Each subject's activity path, for activity_paths (ranked by top_paths.sql): every subject of
-- :journeys has one, so that the table adds up to all subjects. The path itself is
-- subject_facts.sql's (the ignored activities left out, repeats collapsed, the first steps kept).
-- Inputs: :facts, :journeys.
WITH facts AS (
  SELECT customer_key, activity_path, activity_path_length
  FROM IDENTIFIER(:facts)
),

journeys AS (
  SELECT customer_key, is_converted, days_to_convert
  FROM IDENTIFIER(:journeys)
)

-- A subject whose activities are all ignored has no path.
SELECT
  COALESCE(f.activity_path, '(only ignored activities)') AS path, COALESCE(f.activity_path_length, 0) AS path_length,
  j.is_converted, j.days_to_convert
FROM journeys j
LEFT JOIN facts f ON f.customer_key = j.customer_key
