-- The exact (unrounded) value of every base row: a ratio is numerator x scale / denominator, NULL
-- when the denominator is 0 (never NaN or infinity); a count or direct value is kept as it is.
SELECT
  period_grain,
  period_start,
  kpi,
  dimension,
  dimension_value,
  numerator,
  denominator,
  CASE
    WHEN scale IS NULL THEN exact_value
    WHEN denominator = 0 THEN NULL
    ELSE CAST(numerator * CAST(scale AS DECIMAL(3, 0)) / denominator AS DECIMAL(38, 12))
  END AS exact_value
FROM IDENTIFIER(:base_rows)
