-- One row per journey subject: touch summary, stage path and outcome.
-- Inputs: :facts (subject_facts.sql), :accounts (silver_accounts),
-- :paying_intervals (PayingIntervals, up to the run date).
WITH facts AS (
  SELECT customer_key, customer_kind, account_id, first_touch_at, first_touch_channel, last_touch_at, touchpoints,
    current_stage, lifetime_revenue, tickets, last_nps_score, stays
  FROM IDENTIFIER(:facts)
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
)

SELECT
  t.customer_key, t.customer_kind, t.account_id,
  a.segment, a.plan, a.region, a.industry, a.acquisition_channel,
  t.first_touch_at, t.first_touch_channel, t.last_touch_at, t.touchpoints,
  t.current_stage, try_element_at(t.stays, -1).entered_at AS current_stage_entered_at,
  transform(t.stays, s -> s.stage) AS stage_path,
  IF(size(t.stays) > 0, array_join(transform(t.stays, s -> s.stage), ' > '), NULL) AS stage_path_text,
  o.converted_at,
  CAST(ROUND(CAST(unix_micros(o.converted_at) - unix_micros(t.first_touch_at) AS DECIMAL(20, 0)) / 86400000000, 4)
    AS DECIMAL(14, 4)) AS days_to_convert,
  o.converted_at IS NOT NULL AS is_converted,
  o.churned_at,
  o.churned_at IS NOT NULL AS is_churned,
  t.lifetime_revenue, t.tickets, t.last_nps_score,
  COALESCE(o.reactivations, 0) AS reactivations
FROM facts t
LEFT JOIN accounts a ON t.customer_kind = 'account' AND a.account_id = t.account_id
LEFT JOIN outcomes o ON t.customer_kind = 'account' AND o.account_id = t.account_id
