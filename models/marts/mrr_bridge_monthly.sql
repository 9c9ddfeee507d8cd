-- The monthly MRR bridge: opening + new + expansion + reactivation - contraction - churn + fx = closing.
{{ mrr_bridge_over_calendar(ref('int_account_mrr_changes')) }}
