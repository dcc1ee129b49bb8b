-- Sankey chart: customers moving between lifecycle stages, latest snapshot.
-- ${stage_order} is the configured stage order (an array literal). Re-entries (a churned customer
-- buying again) flow backwards and make a loop, which Sankey charts cannot draw: filter
-- is_forward = true for them.
CREATE OR REPLACE VIEW ${database}.v_stage_sankey (
  snapshot_date COMMENT 'Run date of the stage_transitions snapshot shown',
  source COMMENT 'Stage left, (start) for the first entry',
  target COMMENT 'Stage entered',
  value COMMENT 'Customers that made this move',
  median_hours COMMENT 'Median hours between entering source and entering target',
  p90_hours COMMENT '90th percentile of those hours',
  is_forward COMMENT 'True unless the move goes back to an earlier stage (a reactivation); Sankey charts need true',
  run_id COMMENT 'Run that wrote the snapshot'
)
COMMENT 'Stage-to-stage moves of the latest snapshot as Sankey links (source, target, value)'
AS
WITH transitions AS (
  SELECT snapshot_date, from_stage, to_stage, customers, median_hours, p90_hours, run_id
  FROM ${database}.stage_transitions
),

latest_snapshot AS (
  SELECT max(snapshot_date) AS snapshot_date
  FROM transitions
)

SELECT
  t.snapshot_date,
  t.from_stage AS source,
  t.to_stage AS target,
  t.customers AS value,
  t.median_hours,
  t.p90_hours,
  t.from_stage = '(start)'
    OR array_position(${stage_order}, t.to_stage) > array_position(${stage_order}, t.from_stage) AS is_forward,
  t.run_id
FROM transitions t
INNER JOIN latest_snapshot l ON t.snapshot_date = l.snapshot_date
