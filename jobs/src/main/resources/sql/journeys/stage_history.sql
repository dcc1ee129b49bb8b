-- One row per stay of a subject in a lifecycle stage (SCD type 2): the stays of subject_facts.sql,
-- each measured up to the run date while current.
-- Input: :facts (subject_facts.sql). Parameter: :run_date.
WITH stays AS (
  SELECT customer_key, inline(stays)
  FROM IDENTIFIER(:facts)
)

SELECT
  customer_key, stage, stage_order, stay_number, entered_at, exited_at,
  -- Current stays are measured to the end of the run date (never negative).
  CAST(ROUND(
    CAST(GREATEST(unix_micros(COALESCE(exited_at, CAST(date_add(:run_date, 1) AS TIMESTAMP))) - unix_micros(entered_at), 0)
      AS DECIMAL(20, 0)) / 86400000000, 4) AS DECIMAL(14, 4)) AS days_in_stage,
  exited_at IS NULL AS is_current,
  next_stage
FROM stays
