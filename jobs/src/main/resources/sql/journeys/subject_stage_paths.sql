-- Each subject's stage path, for journey_paths (ranked by top_paths.sql): every subject that
-- entered at least one stage.
-- Input: :journeys.
WITH journeys AS (
  SELECT stage_path_text, stage_path, is_converted, days_to_convert
  FROM IDENTIFIER(:journeys)
)

SELECT stage_path_text AS path, size(stage_path) AS path_length, is_converted, days_to_convert
FROM journeys
WHERE size(stage_path) > 0
