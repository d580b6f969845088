-- The invoice lines of a period that no contract prices: counted like its usage and reports
-- (docs/reconciliation.md, "Unmapped usage"), once the invoice grace is over. Rows written before
-- this migration count 0.
ALTER TABLE unmapped_usage ADD COLUMN invoice_lines BIGINT NOT NULL DEFAULT 0;
