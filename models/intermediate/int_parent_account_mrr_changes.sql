-- Rule 8 again, with an account and all its CRM children as one customer: their rounded MRR and
-- fx effects are added up per top parent and month, then classified by the same macro as the
-- flat accounts. Totals of MRR equal the flat bridge; movements can net out (a child's churn
-- offset by a sibling's expansion is a contraction of the parent, or nothing).
-- Only real families (a parent with children, ~3% of accounts) are here: an account alone is its
-- own customer, whose changes are its account changes (mrr_bridge_monthly_parent_rollup).

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

family_members as (
    select * from {{ ref('int_account_top_parents') }}
    where is_in_family
),

account_keys as (
    select * from {{ ref('int_account_keys') }}
),

family_member_keys as (
    select
        family_members.top_parent_account_id,
        account_keys.account_key
    from family_members
    inner join account_keys
        on family_members.account_id = account_keys.account_id
),

parent_months as (
    select
        account_months.month,
        family_member_keys.top_parent_account_id as account_id,
        sum(account_months.mrr) as mrr,
        sum(account_months.fx_effect) as fx_effect
    from account_months
    inner join family_member_keys
        on account_months.account_key = family_member_keys.account_key
    group by
        account_months.month,
        family_member_keys.top_parent_account_id
),

{{ mrr_changes('parent_months') }},

final as (
    select * from mrr_changes
)

select * from final
