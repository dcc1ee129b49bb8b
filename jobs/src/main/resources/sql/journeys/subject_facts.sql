-- One row per journey subject: everything the journey tables need from its touchpoints, so they are
-- computed from these rows (one per subject) instead of from every touchpoint. Nothing here depends
-- on the run date (what does, e.g. how long a current stay has lasted, is derived from these rows),
-- so a nightly run recomputes the rows of the subjects whose touchpoints changed and keeps the rest.
-- Inputs: :timeline (JourneyStep.timeline: touchpoints partitioned by customer_key, with seq),
-- :funnel_customers (funnel_customers.sql over the same timeline).
-- Parameters: :path_length, :ignore_activities (activity paths).
WITH timeline AS (
  SELECT customer_key, customer_kind, account_id, seq, source, activity, channel, stage, stage_order, occurred_at,
    revenue_impact, nps_score
  FROM IDENTIFIER(:timeline)
),

funnel_customers AS (
  SELECT funnel, customer_key, reached_steps, step_reached_at, is_excluded FROM IDENTIFIER(:funnel_customers)
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
    MAX_BY(CAST(nps_score AS INT), IF(nps_score IS NOT NULL, seq, NULL)) AS last_nps_score
  FROM timeline
  GROUP BY customer_key
),

-- A stay begins at the touchpoint whose stage differs from the one before it and ends when the
-- next stay begins.
stage_changes AS (
  SELECT customer_key, seq, stage, stage_order, occurred_at,
    LAG(stage) OVER (PARTITION BY customer_key ORDER BY seq) AS previous_stage
  FROM timeline
  WHERE stage IS NOT NULL
),

stays AS (
  SELECT
    customer_key,
    CAST(ROW_NUMBER() OVER by_customer AS INT) AS stay_number,
    stage, stage_order,
    occurred_at AS entered_at,
    LEAD(occurred_at) OVER by_customer AS exited_at,
    LEAD(stage) OVER by_customer AS next_stage
  FROM stage_changes
  WHERE previous_stage IS NULL OR previous_stage <> stage
  WINDOW by_customer AS (PARTITION BY customer_key ORDER BY seq)
),

subject_stays AS (
  SELECT customer_key,
    array_sort(collect_list(named_struct('stay_number', stay_number, 'stage', stage, 'stage_order', stage_order,
      'entered_at', entered_at, 'exited_at', exited_at, 'next_stage', next_stage))) AS stays
  FROM stays
  GROUP BY customer_key
),

-- The activity path: activities in timeline order, the ignored ones left out first, then
-- consecutive repeats collapsed (A, A, B gives A, B), then the first :path_length kept.
path_steps AS (
  SELECT customer_key, seq, activity
  FROM (
    SELECT customer_key, seq, activity, LAG(activity) OVER (PARTITION BY customer_key ORDER BY seq) AS previous_activity
    FROM timeline
    WHERE NOT array_contains(:ignore_activities, activity)
  )
  WHERE previous_activity IS NULL OR previous_activity <> activity
),

numbered_steps AS (
  SELECT customer_key, activity, ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY seq) AS step
  FROM path_steps
),

subject_paths AS (
  SELECT
    customer_key,
    array_join(transform(array_sort(collect_list(struct(step, activity))), s -> s.activity), ' > ') AS activity_path,
    CAST(COUNT(*) AS INT) AS activity_path_length
  FROM numbered_steps
  WHERE step <= :path_length
  GROUP BY customer_key
),

subject_funnels AS (
  SELECT customer_key,
    array_sort(collect_list(named_struct('funnel', funnel, 'reached_steps', reached_steps,
      'step_reached_at', step_reached_at, 'is_excluded', is_excluded))) AS funnels
  FROM funnel_customers
  GROUP BY customer_key
),

-- Months with usage, each with its first usage date: a month counts for a run date on or after it.
usage_months AS (
  SELECT customer_key, trunc(to_date(occurred_at), 'MM') AS month, MIN(to_date(occurred_at)) AS first_on
  FROM timeline
  WHERE source = 'usage'
  GROUP BY customer_key, trunc(to_date(occurred_at), 'MM')
),

subject_usage AS (
  SELECT customer_key, array_sort(collect_list(named_struct('month', month, 'first_on', first_on))) AS usage_months
  FROM usage_months
  GROUP BY customer_key
),

-- Each activity's first time: a subject did it before an instant when its first time is earlier.
activity_firsts AS (
  SELECT customer_key, activity, MIN(occurred_at) AS first_at
  FROM timeline
  GROUP BY customer_key, activity
),

subject_activities AS (
  SELECT customer_key, array_sort(collect_list(named_struct('activity', activity, 'first_at', first_at))) AS activities
  FROM activity_firsts
  GROUP BY customer_key
)

SELECT
  t.customer_key, t.customer_kind, t.account_id,
  t.first_touch_at, t.first_touch_channel, t.last_touch_at, t.touchpoints, t.current_stage,
  t.lifetime_revenue, t.tickets, t.last_nps_score,
  COALESCE(s.stays, array()) AS stays,
  p.activity_path, p.activity_path_length,
  COALESCE(f.funnels, array()) AS funnels,
  COALESCE(u.usage_months, array()) AS usage_months,
  a.activities
FROM touch_summary t
LEFT JOIN subject_stays s ON s.customer_key = t.customer_key
LEFT JOIN subject_paths p ON p.customer_key = t.customer_key
LEFT JOIN subject_funnels f ON f.customer_key = t.customer_key
LEFT JOIN subject_usage u ON u.customer_key = t.customer_key
LEFT JOIN subject_activities a ON a.customer_key = t.customer_key
