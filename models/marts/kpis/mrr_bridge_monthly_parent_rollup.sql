-- The monthly bridge with each CRM account and its children counted as one customer. Opening and
-- closing MRR equal mrr_bridge_monthly; movements and customer counts are the parent-level view.
-- A family's changes come from int_parent_account_mrr_changes; an account in no family (97%) is a
-- customer of its own, whose changes are its account changes.
with family_changes as (
    select * from {{ ref('int_parent_account_mrr_changes') }}
),

account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

top_parents as (
    select * from {{ ref('int_account_top_parents') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

single_account_changes as (
    -- Billing-only accounts are not CRM accounts, so never in a family.
    select
        account_changes.month,
        account_changes.account_id,
        account_changes.opening_mrr,
        account_changes.closing_mrr,
        account_changes.new_mrr,
        account_changes.reactivation_mrr,
        account_changes.expansion_mrr,
        account_changes.contraction_mrr,
        account_changes.churn_mrr,
        account_changes.fx_mrr,
        account_changes.first_active_month
    from account_changes
    left join top_parents
        on account_changes.account_id = top_parents.account_id
    where not coalesce(top_parents.is_in_family, false)
),

customer_changes as (
    select * from family_changes
    union all
    select * from single_account_changes
),

{{ mrr_bridge_over_calendar('customer_changes') }}

select * from final
