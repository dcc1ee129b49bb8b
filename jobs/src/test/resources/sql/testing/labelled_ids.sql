-- Test file of SqlFilesTest: two relations and a value, all parameters.
WITH ids AS (
  SELECT id FROM IDENTIFIER(:ids)
),
labels AS (
  SELECT id, label FROM IDENTIFIER(:labels)
)
SELECT i.id, l.label
FROM ids AS i
INNER JOIN labels AS l ON l.id = i.id
WHERE i.id >= :min_id
