-- One row per stay of a subject in a lifecycle stage (SCD type 2). A stay begins at the
-- touchpoint whose stage differs from the one before it and ends when the next stay begins.
-- Input: :timeline (touchpoints partitioned by customer_key, with seq). Parameter: :run_date.
WITH timeline AS (
  SELECT customer_key, seq, stage, stage_order, occurred_at
  FROM IDENTIFIER(:timeline)
  WHERE stage IS NOT NULL
),

changes AS (
  SELECT *, LAG(stage) OVER (PARTITION BY customer_key ORDER BY seq) AS previous_stage
  FROM timeline
),

entries AS (
  SELECT customer_key, seq, stage, stage_order, occurred_at AS entered_at
  FROM changes
  WHERE previous_stage IS NULL OR previous_stage <> stage
),

stays AS (
  SELECT
    customer_key, stage, stage_order, entered_at,
    CAST(ROW_NUMBER() OVER by_customer AS INT) AS stay_number,
    LEAD(entered_at) OVER by_customer AS exited_at,
    LEAD(stage) OVER by_customer AS next_stage
  FROM entries
  WINDOW by_customer AS (PARTITION BY customer_key ORDER BY seq)
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
