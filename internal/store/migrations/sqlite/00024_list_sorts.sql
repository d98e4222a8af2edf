-- The offers list sorts on its columns (?sort=) and pages by keyset on
-- (column, id): one index per sort.

-- +goose Up
CREATE INDEX offers_sort_title ON offers ((title), id);
CREATE INDEX offers_sort_kind ON offers ((kind), id);
CREATE INDEX offers_sort_eur ON offers ((eur_minor), id);
CREATE INDEX offers_sort_valid_until ON offers ((valid_until), id);
CREATE INDEX offers_sort_status ON offers ((status), id);
CREATE INDEX offers_sort_tlp ON offers ((CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);

-- +goose Down
DROP INDEX offers_sort_tlp;
DROP INDEX offers_sort_status;
DROP INDEX offers_sort_valid_until;
DROP INDEX offers_sort_eur;
DROP INDEX offers_sort_kind;
DROP INDEX offers_sort_title;
