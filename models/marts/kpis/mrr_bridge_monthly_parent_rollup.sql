-- The monthly bridge with each CRM account and its children counted as one customer. Opening and
-- closing MRR equal mrr_bridge_monthly; movements and customer counts are the parent-level view.
{{ mrr_bridge_over_calendar(ref('int_parent_account_mrr_changes')) }}
