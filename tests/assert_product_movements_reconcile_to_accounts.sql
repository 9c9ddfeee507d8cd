-- Per account and month: product new, reactivation, churn and fx each equal the account's; product
-- upsell + cross_sell - downgrade - product_churn equals the account's expansion - contraction.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Accounts are matched on their 64-bit key, as in assert_movements_explain_every_account_change.
-- Both facts' movements are added up in one aggregation, the account's with the opposite sign, so
-- an account-month reconciles when every sum is zero: at 1M accounts a quarter less work than
-- aggregating each fact and joining the two (a side missing counts as zero either way).
{%- set movement_types_shared = ['new', 'reactivation', 'churn', 'fx'] %}

with product_movements as (
    select
        month,
        account_id,
        {%- for movement_type in movement_types_shared %}
        case when movement_type = '{{ movement_type }}' then mrr_change else 0 end as {{ movement_type }}_mrr,
        {%- endfor %}
        case when movement_type in ('upsell', 'cross_sell', 'downgrade', 'product_churn') then mrr_change else 0 end
            as business_change
    from {{ ref('fct_mrr_product_movements') }}
    where {{ in_months_this_build_wrote('month') }}
),

account_movements_negated as (
    select
        month,
        account_id,
        {%- for movement_type in movement_types_shared %}
        case when movement_type = '{{ movement_type }}' then -mrr_change else 0 end as {{ movement_type }}_mrr,
        {%- endfor %}
        case when movement_type in ('expansion', 'contraction') then -mrr_change else 0 end as business_change
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
),

both_facts as (
    select * from product_movements
    union all
    select * from account_movements_negated
)

select
    month,
    min(account_id) as account_id,
    {%- for movement_type in movement_types_shared %}
    sum({{ movement_type }}_mrr) as {{ movement_type }}_mrr_difference,
    {%- endfor %}
    sum(business_change) as business_change_difference
from both_facts
group by
    month,
    {{ value_fingerprint('account_id') }}
having
    {%- for movement_type in movement_types_shared %}
    sum({{ movement_type }}_mrr) != 0 or
    {%- endfor %}
    sum(business_change) != 0
