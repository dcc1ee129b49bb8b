-- Paying intervals (docs/kpis.md, "Paying intervals"): the role of every conversion and churn any
-- CRM snapshot has shown for an account. Instants at or after :cutoff_at have not happened yet for
-- the run. After a conversion the account is paying and after a churn it is not, whatever came
-- before; so a conversion starts an interval unless the milestone before it is a conversion (it
-- falls inside an open interval), and a churn ends one only when the milestone before it is a
-- conversion. Every other milestone is a conflict and starts or ends nothing.
-- Input: :milestones (silver_account_milestones).
-- Output: one row per milestone: account_id, milestone, occurred_at, role (start | end | conflict),
-- interval_number (1-based, of a start or an end), ended_at (of a start: the end of its interval,
-- null while open).
WITH milestones AS (
  SELECT account_id, milestone, occurred_at
  FROM IDENTIFIER(:milestones)
  WHERE occurred_at < :cutoff_at
),

-- A conversion and a churn at the same instant: the conversion comes first, so the interval is
-- empty (paying needs start < t <= end) instead of an open one that never ends.
ordered AS (
  SELECT
    account_id,
    milestone,
    occurred_at,
    LAG(milestone) OVER (PARTITION BY account_id ORDER BY occurred_at, milestone DESC) AS previous_milestone
  FROM milestones
),

roles AS (
  SELECT
    account_id,
    milestone,
    occurred_at,
    CASE
      WHEN milestone = 'converted_at' AND previous_milestone IS DISTINCT FROM 'converted_at' THEN 'start'
      WHEN milestone = 'churned_at' AND previous_milestone = 'converted_at' THEN 'end'
      ELSE 'conflict'
    END AS role
  FROM ordered
),

-- Starts and ends alternate, start first: the milestone after a start is its end.
bounds AS (
  SELECT
    account_id,
    milestone,
    occurred_at,
    role,
    COUNT_IF(role = 'start') OVER account_order AS interval_number,
    CASE WHEN role = 'start' THEN LEAD(occurred_at) OVER account_order END AS ended_at
  FROM roles
  WHERE role <> 'conflict'
  WINDOW account_order AS (PARTITION BY account_id ORDER BY occurred_at, milestone DESC)
)

SELECT account_id, milestone, occurred_at, role, interval_number, ended_at
FROM bounds
UNION ALL
SELECT account_id, milestone, occurred_at, role, CAST(NULL AS BIGINT), CAST(NULL AS TIMESTAMP)
FROM roles
WHERE role = 'conflict'
