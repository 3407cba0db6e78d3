-- processed_events is pruned by age (ProcessedEventsPruner): rows older than the retention are
-- found through this index instead of a scan of the whole table.
CREATE INDEX processed_events_by_age ON processed_events (processed_at);
