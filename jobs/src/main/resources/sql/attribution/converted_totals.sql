-- The conversions that had at least one marketing touch in their window, and their revenue.
WITH path_touches AS (
  SELECT customer_key, converted_at, revenue
  FROM IDENTIFIER(:path_touches)
  WHERE is_converted
),
converted AS (
  SELECT customer_key, MAX(revenue) AS revenue
  FROM path_touches
  GROUP BY customer_key, converted_at
)
SELECT COUNT(*) AS conversions,
       COALESCE(SUM(revenue), 0) AS revenue
FROM converted
