-- Per source and dataset: touchpoints, those resolved to an account, those carrying an account
-- id, and those whose account id crm/accounts does not know (orphans).
WITH

touchpoints AS (SELECT source, dataset, customer_kind, account_id FROM IDENTIFIER(:touchpoints)),
accounts AS (SELECT account_id FROM IDENTIFIER(:silver_accounts)),

checked AS (
  SELECT t.source, t.dataset, t.customer_kind, t.account_id, a.account_id AS known_account_id
  FROM touchpoints AS t
  LEFT JOIN accounts AS a ON a.account_id = t.account_id
)

SELECT
  source,
  dataset,
  count(*) AS touchpoints,
  count_if(customer_kind = 'account') AS resolved_to_account,
  count_if(account_id IS NOT NULL) AS with_account_id,
  count_if(account_id IS NOT NULL AND known_account_id IS NULL) AS orphans
FROM checked
GROUP BY source, dataset
ORDER BY source, dataset
