-- Rule 5: anonymous ids linked to emails of two or more accounts (each still has one subject).
SELECT count_if(linked_accounts >= 2) AS conflicts
FROM IDENTIFIER(:identity_map)
WHERE identifier_kind = 'anonymous'
