-- The identifiers an activity of one of :customers carries at least one of, under one identity
-- map: the reverse of identity.sql. An activity resolves by its own account_id, else by the
-- account of its person (its email, else its anonymous id's person), else to its person as a
-- prospect, else to its anonymous id. So an activity of subject S carries S itself as account_id,
-- or an email whose account is S or whose prospect is S, or an anonymous id whose person is such
-- an email or whose visitor is S. Every key counts as an account id: a prospect's or a visitor's
-- key names no account, and keeping it keeps the set a superset without assuming how account ids
-- look. The few activities carrying one of these but resolving elsewhere are dropped after
-- identity.sql, by their customer_key.
-- Output: kind (account_id | email_sha256 | anonymous_id), identifier; one row per pair.
WITH

customers AS (SELECT customer_key FROM IDENTIFIER(:customers)),
email_accounts AS (SELECT email_sha256, account_id FROM IDENTIFIER(:email_accounts)),
anonymous_people AS (SELECT anonymous_id, email_sha256 FROM IDENTIFIER(:anonymous_people)),

account_ids AS (
  SELECT DISTINCT customer_key AS account_id
  FROM customers
),

-- A prospect's key names its email, a visitor's its anonymous id.
prefixed_keys AS (
  SELECT split_part(customer_key, ':', 1) AS prefix, substr(customer_key, instr(customer_key, ':') + 1) AS identifier
  FROM customers
  WHERE startswith(customer_key, 'email:') OR startswith(customer_key, 'anon:')
),

emails AS (
  SELECT e.email_sha256 FROM email_accounts AS e LEFT SEMI JOIN customers AS c ON c.customer_key = e.account_id
  UNION
  SELECT identifier FROM prefixed_keys WHERE prefix = 'email'
),

anonymous_ids AS (
  SELECT p.anonymous_id FROM anonymous_people AS p LEFT SEMI JOIN emails AS e ON e.email_sha256 = p.email_sha256
  UNION
  SELECT identifier FROM prefixed_keys WHERE prefix = 'anon'
)

SELECT 'account_id' AS kind, account_id AS identifier FROM account_ids
UNION ALL
SELECT 'email_sha256', email_sha256 FROM emails
UNION ALL
SELECT 'anonymous_id', anonymous_id FROM anonymous_ids
