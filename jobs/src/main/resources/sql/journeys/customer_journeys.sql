-- One row per journey subject: touch summary, stage path and outcome.
-- Inputs: :timeline, :history (stage_history), :accounts (silver_accounts),
-- :paying_intervals (PayingIntervals, up to the run date).
WITH timeline AS (
  SELECT customer_key, customer_kind, account_id, seq, activity, channel, stage, occurred_at, revenue_impact, features
  FROM IDENTIFIER(:timeline)
),

history AS (
  SELECT customer_key, stage, stay_number, entered_at FROM IDENTIFIER(:history)
),

accounts AS (
  SELECT account_id, segment, plan, region, industry, acquisition_channel FROM IDENTIFIER(:accounts)
),

intervals AS (
  SELECT account_id, interval_number, started_at, ended_at FROM IDENTIFIER(:paying_intervals)
),

-- converted_at: the first conversion; reactivations: the comebacks after it; churned_at: the end of
-- the latest interval, null while that interval is open (the account is paying).
outcomes AS (
  SELECT
    account_id,
    MIN_BY(started_at, interval_number) AS converted_at,
    CAST(MAX(interval_number) - 1 AS INT) AS reactivations,
    MAX_BY(ended_at, interval_number) AS churned_at
  FROM intervals
  GROUP BY account_id
),

touch_summary AS (
  SELECT
    customer_key,
    MAX(customer_kind) AS customer_kind,
    MAX(account_id) AS account_id,
    MIN(occurred_at) AS first_touch_at,
    MIN_BY(channel, seq) AS first_touch_channel,
    MAX(occurred_at) AS last_touch_at,
    COUNT(*) AS touchpoints,
    MAX_BY(stage, seq) AS current_stage,
    COALESCE(SUM(revenue_impact), CAST(0 AS DECIMAL(20, 4))) AS lifetime_revenue,
    COUNT_IF(activity = 'ticket_opened') AS tickets,
    MAX_BY(CAST(features['score'] AS INT), IF(activity = 'nps_response' AND features['score'] IS NOT NULL, seq, NULL))
      AS last_nps_score
  FROM timeline
  GROUP BY customer_key
),

paths AS (
  SELECT
    customer_key,
    transform(array_sort(collect_list(named_struct('stay_number', stay_number, 'stage', stage))), s -> s.stage)
      AS stage_path,
    MAX_BY(entered_at, stay_number) AS current_stage_entered_at
  FROM history
  GROUP BY customer_key
)

SELECT
  t.customer_key, t.customer_kind, t.account_id,
  a.segment, a.plan, a.region, a.industry, a.acquisition_channel,
  t.first_touch_at, t.first_touch_channel, t.last_touch_at, t.touchpoints,
  t.current_stage, p.current_stage_entered_at,
  COALESCE(p.stage_path, CAST(array() AS ARRAY<STRING>)) AS stage_path,
  array_join(p.stage_path, ' > ') AS stage_path_text,
  o.converted_at,
  CAST(ROUND(CAST(unix_micros(o.converted_at) - unix_micros(t.first_touch_at) AS DECIMAL(20, 0)) / 86400000000, 4)
    AS DECIMAL(14, 4)) AS days_to_convert,
  o.converted_at IS NOT NULL AS is_converted,
  o.churned_at,
  o.churned_at IS NOT NULL AS is_churned,
  t.lifetime_revenue, t.tickets, t.last_nps_score,
  COALESCE(o.reactivations, 0) AS reactivations
FROM touch_summary t
LEFT JOIN paths p ON p.customer_key = t.customer_key
LEFT JOIN accounts a ON t.customer_kind = 'account' AND a.account_id = t.account_id
LEFT JOIN outcomes o ON t.customer_kind = 'account' AND o.account_id = t.account_id
