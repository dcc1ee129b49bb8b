-- The breakdowns of every subject: one row per (subject, dimension), dimension 'all' included.
-- Subjects without an account value fall under 'unknown'. Input: :journeys.
WITH journeys AS (
  SELECT customer_key, segment, plan, region, industry, acquisition_channel FROM IDENTIFIER(:journeys)
)

SELECT customer_key, dimension, dimension_value
FROM journeys
LATERAL VIEW inline(array(
  named_struct('dimension', 'all', 'dimension_value', 'all'),
  named_struct('dimension', 'segment', 'dimension_value', COALESCE(segment, 'unknown')),
  named_struct('dimension', 'plan', 'dimension_value', COALESCE(plan, 'unknown')),
  named_struct('dimension', 'region', 'dimension_value', COALESCE(region, 'unknown')),
  named_struct('dimension', 'industry', 'dimension_value', COALESCE(industry, 'unknown')),
  named_struct('dimension', 'acquisition_channel', 'dimension_value', COALESCE(acquisition_channel, 'unknown'))
)) d AS dimension, dimension_value
