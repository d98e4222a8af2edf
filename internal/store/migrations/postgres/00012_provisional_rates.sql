-- A value dated after the newest ECB rate the platform holds is provisional:
-- it was taken at that newest rate and is taken again, at the rate of its own
-- date, when newer rates are imported. A bilateral report in a currency the
-- ECB did not quote on its date (XDR, or a day before 1999) keeps its own
-- currency and has no euro value: no_eur_value, with eur_minor 0 and counted
-- in no euro total.

-- +goose Up
ALTER TABLE pledges ADD COLUMN rate_provisional boolean NOT NULL DEFAULT false;
ALTER TABLE pledges ADD COLUMN no_eur_value boolean NOT NULL DEFAULT false;
ALTER TABLE offers ADD COLUMN rate_provisional boolean NOT NULL DEFAULT false;
-- The newest rate is read for every valuation; the provisional values are
-- read at every rates import.
CREATE INDEX rates_day ON rates (day);
CREATE INDEX pledges_rate_provisional ON pledges (id) WHERE rate_provisional;
CREATE INDEX offers_rate_provisional ON offers (id) WHERE rate_provisional;

-- +goose Down
DROP INDEX offers_rate_provisional;
DROP INDEX pledges_rate_provisional;
DROP INDEX rates_day;
ALTER TABLE offers DROP COLUMN rate_provisional;
ALTER TABLE pledges DROP COLUMN no_eur_value;
ALTER TABLE pledges DROP COLUMN rate_provisional;
