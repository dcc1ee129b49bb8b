-- Voice-of-the-customer and support KPIs per month, overall and per segment, plan and region.
-- Tickets and survey responses belong to the account the touchpoints step resolved them to.
-- Output: base rows as in accounts.sql.
WITH
-- Imports
ticket_accounts AS (
  SELECT source_record_id AS ticket_id, account_id
  FROM IDENTIFIER(:touchpoints)
  WHERE dataset = 'tickets' AND activity = 'ticket_opened'
),

response_accounts AS (
  SELECT source_record_id AS response_id, account_id
  FROM IDENTIFIER(:touchpoints)
  WHERE dataset = 'surveys'
),

-- A response or a solution after the run date has not happened yet for this run.
tickets AS (
  SELECT
    t.ticket_id,
    r.account_id,
    t.priority,
    t.created_at,
    CASE WHEN t.first_response_at < :cutoff_at THEN t.first_response_at END AS first_response_at,
    CASE WHEN t.solved_at < :cutoff_at THEN t.solved_at END AS solved_at
  FROM IDENTIFIER(:tickets) t
  LEFT JOIN ticket_accounts r ON r.ticket_id = t.ticket_id
  WHERE t.created_at < :cutoff_at
),

responses AS (
  SELECT s.response_id, r.account_id, s.survey_type, s.score, s.submitted_at
  FROM IDENTIFIER(:surveys) s
  LEFT JOIN response_accounts r ON r.response_id = s.response_id
  WHERE s.submitted_at < :cutoff_at AND s.score IS NOT NULL
),

accounts AS (
  SELECT account_id, segment, plan, region
  FROM IDENTIFIER(:accounts)
),

months AS (
  SELECT period_start, start_at, end_at
  FROM IDENTIFIER(:periods)
  WHERE period_grain = 'month'
),

-- Logic
ticket_deadlines AS (
  SELECT
    *,
    created_at + make_dt_interval(0, CASE priority
      WHEN 'urgent' THEN :sla_urgent_hours
      WHEN 'high' THEN :sla_high_hours
      WHEN 'low' THEN :sla_low_hours
      ELSE :sla_normal_hours
    END) AS first_response_due_at
  FROM tickets
),

-- met: answered by the deadline; breached: answered later, or unanswered with the deadline past
-- by the end of the run date; NULL (left out): unanswered and still within its SLA.
ticket_outcomes AS (
  SELECT
    *,
    CASE
      WHEN first_response_at <= first_response_due_at THEN 'met'
      WHEN first_response_at IS NOT NULL OR first_response_due_at < :cutoff_at THEN 'breached'
    END AS sla_outcome
  FROM ticket_deadlines
),

support_facts AS (
  SELECT m.period_start, t.account_id, 'tickets' AS measure, 1 AS amount
  FROM ticket_outcomes t
  INNER JOIN months m ON t.created_at >= m.start_at AND t.created_at < m.end_at
  UNION ALL
  SELECT m.period_start, t.account_id, 'sla_measured', 1
  FROM ticket_outcomes t
  INNER JOIN months m ON t.created_at >= m.start_at AND t.created_at < m.end_at
  WHERE t.sla_outcome IS NOT NULL
  UNION ALL
  SELECT m.period_start, t.account_id, 'sla_met', 1
  FROM ticket_outcomes t
  INNER JOIN months m ON t.created_at >= m.start_at AND t.created_at < m.end_at
  WHERE t.sla_outcome = 'met'
  UNION ALL
  SELECT m.period_start, t.account_id, 'first_response_seconds',
    unix_seconds(t.first_response_at) - unix_seconds(t.created_at)
  FROM ticket_outcomes t
  INNER JOIN months m ON t.created_at >= m.start_at AND t.created_at < m.end_at
  WHERE t.first_response_at IS NOT NULL
  UNION ALL
  SELECT m.period_start, t.account_id, 'resolution_seconds', unix_seconds(t.solved_at) - unix_seconds(t.created_at)
  FROM ticket_outcomes t
  INNER JOIN months m ON t.created_at >= m.start_at AND t.created_at < m.end_at
  WHERE t.solved_at IS NOT NULL
  UNION ALL
  SELECT m.period_start, r.account_id, concat(r.survey_type, '_responses'), 1
  FROM responses r
  INNER JOIN months m ON r.submitted_at >= m.start_at AND r.submitted_at < m.end_at
  WHERE r.survey_type IN ('nps', 'csat', 'ces')
  UNION ALL
  SELECT m.period_start, r.account_id,
    CASE WHEN r.score >= 9 THEN 'nps_promoters' ELSE 'nps_detractors' END, 1
  FROM responses r
  INNER JOIN months m ON r.submitted_at >= m.start_at AND r.submitted_at < m.end_at
  WHERE r.survey_type = 'nps' AND (r.score >= 9 OR r.score <= 6)
  UNION ALL
  SELECT m.period_start, r.account_id, 'csat_satisfied', 1
  FROM responses r
  INNER JOIN months m ON r.submitted_at >= m.start_at AND r.submitted_at < m.end_at
  WHERE r.survey_type = 'csat' AND r.score >= 4
  UNION ALL
  SELECT m.period_start, r.account_id, 'ces_score_sum', r.score
  FROM responses r
  INNER JOIN months m ON r.submitted_at >= m.start_at AND r.submitted_at < m.end_at
  WHERE r.survey_type = 'ces'
),

facts_by_dimension AS (
  SELECT f.period_start, d.dimension, d.dimension_value, f.measure, CAST(f.amount AS DECIMAL(24, 4)) AS amount
  FROM support_facts f
  LEFT JOIN accounts a ON a.account_id = f.account_id
  LATERAL VIEW stack(4,
    'all', 'all',
    'segment', coalesce(a.segment, 'unknown'),
    'plan', coalesce(a.plan, 'unknown'),
    'region', coalesce(a.region, 'unknown')) d AS dimension, dimension_value
),

measures AS (
  SELECT
    period_start,
    dimension,
    dimension_value,
    sum(CASE WHEN measure = 'tickets' THEN amount END) AS tickets,
    sum(CASE WHEN measure = 'sla_measured' THEN amount END) AS sla_measured,
    sum(CASE WHEN measure = 'sla_met' THEN amount END) AS sla_met,
    sum(CASE WHEN measure = 'nps_responses' THEN amount END) AS nps_responses,
    sum(CASE WHEN measure = 'nps_promoters' THEN amount END) AS nps_promoters,
    sum(CASE WHEN measure = 'nps_detractors' THEN amount END) AS nps_detractors,
    sum(CASE WHEN measure = 'csat_responses' THEN amount END) AS csat_responses,
    sum(CASE WHEN measure = 'csat_satisfied' THEN amount END) AS csat_satisfied,
    sum(CASE WHEN measure = 'ces_responses' THEN amount END) AS ces_responses,
    sum(CASE WHEN measure = 'ces_score_sum' THEN amount END) AS ces_score_sum,
    -- Whole seconds: the exact median is a whole or half second, exact in a double.
    percentile(CASE WHEN measure = 'first_response_seconds' THEN amount END, 0.5) AS median_first_response_seconds,
    percentile(CASE WHEN measure = 'resolution_seconds' THEN amount END, 0.5) AS median_resolution_seconds
  FROM facts_by_dimension
  GROUP BY period_start, dimension, dimension_value
),

dimension_values AS (
  SELECT dimension, dimension_value FROM facts_by_dimension
  UNION
  SELECT 'all' AS dimension, 'all' AS dimension_value
),

monthly AS (
  SELECT
    m.period_start,
    v.dimension,
    v.dimension_value,
    CAST(coalesce(x.tickets, 0) AS DECIMAL(24, 4)) AS tickets,
    CAST(coalesce(x.sla_measured, 0) AS DECIMAL(24, 4)) AS sla_measured,
    CAST(coalesce(x.sla_met, 0) AS DECIMAL(24, 4)) AS sla_met,
    CAST(coalesce(x.nps_responses, 0) AS DECIMAL(24, 4)) AS nps_responses,
    CAST(coalesce(x.nps_promoters, 0) AS DECIMAL(24, 4)) AS nps_promoters,
    CAST(coalesce(x.nps_detractors, 0) AS DECIMAL(24, 4)) AS nps_detractors,
    CAST(coalesce(x.csat_responses, 0) AS DECIMAL(24, 4)) AS csat_responses,
    CAST(coalesce(x.csat_satisfied, 0) AS DECIMAL(24, 4)) AS csat_satisfied,
    CAST(coalesce(x.ces_responses, 0) AS DECIMAL(24, 4)) AS ces_responses,
    CAST(coalesce(x.ces_score_sum, 0) AS DECIMAL(24, 4)) AS ces_score_sum,
    x.median_first_response_seconds,
    x.median_resolution_seconds
  FROM months m
  CROSS JOIN dimension_values v
  LEFT JOIN measures x
    ON x.period_start = m.period_start AND x.dimension = v.dimension AND x.dimension_value = v.dimension_value
)

SELECT
  'month' AS period_grain,
  period_start,
  k.kpi,
  dimension,
  dimension_value,
  k.numerator,
  k.denominator,
  k.scale,
  k.exact_value
FROM monthly
LATERAL VIEW stack(7,
  'nps', CAST(nps_promoters - nps_detractors AS DECIMAL(24, 4)), nps_responses, 100, CAST(NULL AS DECIMAL(38, 12)),
  'csat', csat_satisfied, csat_responses, 100, NULL,
  'ces', ces_score_sum, ces_responses, 1, NULL,
  'tickets', CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS DECIMAL(24, 4)), CAST(NULL AS INT),
    CAST(tickets AS DECIMAL(38, 12)),
  'first_response_median_hours', NULL, NULL, NULL,
    CAST(CAST(median_first_response_seconds AS DECIMAL(20, 1)) / 3600 AS DECIMAL(38, 12)),
  'resolution_median_hours', NULL, NULL, NULL,
    CAST(CAST(median_resolution_seconds AS DECIMAL(20, 1)) / 3600 AS DECIMAL(38, 12)),
  'first_response_sla_rate', sla_met, sla_measured, 100, NULL
) k AS kpi, numerator, denominator, scale, exact_value
