-- Rule 8 again, with an account and all its CRM children as one customer: their rounded MRR and
-- fx effects are added up per top parent and month, then classified by the same macro as the
-- flat accounts. Totals of MRR equal the flat bridge; movements can net out (a child's churn
-- offset by a sibling's expansion is a contraction of the parent, or nothing).

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

top_parents as (
    select * from {{ ref('int_account_top_parents') }}
),

parent_months as (
    select
        account_months.month,
        coalesce(top_parents.top_parent_account_id, account_months.account_id) as account_id,
        sum(account_months.mrr) as mrr,
        sum(account_months.fx_effect) as fx_effect
    from account_months
    left join top_parents
        on account_months.account_id = top_parents.account_id
    group by
        account_months.month,
        coalesce(top_parents.top_parent_account_id, account_months.account_id)
),

{{ mrr_changes('parent_months') }}

select * from mrr_changes
