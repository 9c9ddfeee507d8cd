-- The monthly MRR bridge: opening + new + expansion + reactivation - contraction - churn + fx = closing.
with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

{{ mrr_bridge_over_calendar('account_changes') }}

select * from final
