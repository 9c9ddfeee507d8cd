-- Rule 8 again, with an account and all its CRM children as one customer: their rounded MRR and
-- fx effects are added up per top parent and month, then classified by the same macro as the
-- flat accounts. Totals of MRR equal the flat bridge; movements can net out (a child's churn
-- offset by a sibling's expansion is a contraction of the parent, or nothing).
-- Speed: an account with no parent and no children is its own family, whose changes are exactly
-- its account changes; only real families are classified again.

with account_months as (
    select * from {{ ref('int_account_mrr_monthly') }}
),

account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
),

top_parents as (
    select * from {{ ref('int_account_top_parents') }}
),

family_tops as (
    select distinct top_parent_account_id
    from top_parents
    where top_parent_account_id != account_id
),

family_members as (
    select
        top_parents.account_id,
        top_parents.top_parent_account_id
    from top_parents
    inner join family_tops
        on top_parents.top_parent_account_id = family_tops.top_parent_account_id
),

parent_months as (
    select
        account_months.month,
        family_members.top_parent_account_id as account_id,
        sum(account_months.mrr) as mrr,
        sum(account_months.fx_effect) as fx_effect
    from account_months
    inner join family_members
        on account_months.account_id = family_members.account_id
    group by
        account_months.month,
        family_members.top_parent_account_id
),

{{ mrr_changes('parent_months') }},

single_account_changes as (
    select account_changes.*
    from account_changes
    left join family_members
        on account_changes.account_id = family_members.account_id
    where family_members.account_id is null
),

final as (
    select * from mrr_changes
    union all
    select * from single_account_changes
)

select * from final
