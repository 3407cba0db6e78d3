-- An account's budget limits (admin API), in credits (USD), both optional: the cap a task gets
-- when its config has no max_cost, and the highest cap any of its tasks may have. The gateway
-- reads them with the key lookup of every request (ApiKeyLookup), so no query is added.
ALTER TABLE accounts
    ADD COLUMN default_max_cost numeric CHECK (default_max_cost > 0),
    ADD COLUMN max_cost_ceiling numeric CHECK (max_cost_ceiling > 0),
    ADD CONSTRAINT accounts_default_within_ceiling
        CHECK (default_max_cost IS NULL OR max_cost_ceiling IS NULL OR default_max_cost <= max_cost_ceiling);
