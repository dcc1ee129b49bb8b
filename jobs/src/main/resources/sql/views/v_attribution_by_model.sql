-- Attribution models side by side: conversions and revenue credited per channel, one column per
-- model, latest snapshot, channel-level rows only (campaign_id null).
CREATE OR REPLACE VIEW ${database}.v_attribution_by_model (
  snapshot_date COMMENT 'Run date of the attribution snapshot shown',
  channel COMMENT 'Marketing channel',
  first_touch COMMENT 'Conversions credited by the first_touch model',
  last_touch COMMENT 'Conversions credited by the last_touch model',
  linear COMMENT 'Conversions credited by the linear model',
  time_decay COMMENT 'Conversions credited by the time_decay model',
  position_based COMMENT 'Conversions credited by the position_based model (40/20/40)',
  markov COMMENT 'Conversions credited by the Markov chain model (removal effect)',
  shapley COMMENT 'Conversions credited by the Shapley model (channel-set conversion rates)',
  first_touch_revenue COMMENT 'Revenue credited by first_touch, reporting currency',
  last_touch_revenue COMMENT 'Revenue credited by last_touch, reporting currency',
  linear_revenue COMMENT 'Revenue credited by linear, reporting currency',
  time_decay_revenue COMMENT 'Revenue credited by time_decay, reporting currency',
  position_based_revenue COMMENT 'Revenue credited by position_based, reporting currency',
  markov_revenue COMMENT 'Revenue credited by markov, reporting currency',
  shapley_revenue COMMENT 'Revenue credited by shapley, reporting currency',
  spend COMMENT 'Spend of the channel up to the snapshot date, reporting currency',
  run_id COMMENT 'Run that wrote the snapshot'
)
COMMENT 'Conversions and revenue per marketing channel under each attribution model, one column per model'
AS
WITH channel_rows AS (
  SELECT snapshot_date, model, channel, conversions, revenue, spend, run_id
  FROM ${database}.attribution
  WHERE campaign_id IS NULL
),

latest_snapshot AS (
  SELECT max(snapshot_date) AS snapshot_date
  FROM channel_rows
),

latest AS (
  SELECT c.*
  FROM channel_rows c
  INNER JOIN latest_snapshot l ON c.snapshot_date = l.snapshot_date
)

-- One row per (model, channel) in the source, so max() picks that row's value.
SELECT
  snapshot_date,
  channel,
  max(CASE WHEN model = 'first_touch' THEN conversions END) AS first_touch,
  max(CASE WHEN model = 'last_touch' THEN conversions END) AS last_touch,
  max(CASE WHEN model = 'linear' THEN conversions END) AS linear,
  max(CASE WHEN model = 'time_decay' THEN conversions END) AS time_decay,
  max(CASE WHEN model = 'position_based' THEN conversions END) AS position_based,
  max(CASE WHEN model = 'markov' THEN conversions END) AS markov,
  max(CASE WHEN model = 'shapley' THEN conversions END) AS shapley,
  max(CASE WHEN model = 'first_touch' THEN revenue END) AS first_touch_revenue,
  max(CASE WHEN model = 'last_touch' THEN revenue END) AS last_touch_revenue,
  max(CASE WHEN model = 'linear' THEN revenue END) AS linear_revenue,
  max(CASE WHEN model = 'time_decay' THEN revenue END) AS time_decay_revenue,
  max(CASE WHEN model = 'position_based' THEN revenue END) AS position_based_revenue,
  max(CASE WHEN model = 'markov' THEN revenue END) AS markov_revenue,
  max(CASE WHEN model = 'shapley' THEN revenue END) AS shapley_revenue,
  max(spend) AS spend,
  max(run_id) AS run_id
FROM latest
GROUP BY snapshot_date, channel
