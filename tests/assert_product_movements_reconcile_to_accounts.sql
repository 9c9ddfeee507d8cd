-- Per account and month: product new, reactivation, churn and fx equal the account's; product
-- upsell + cross_sell - downgrade - product_churn equals the account's expansion - contraction.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Accounts are matched on their 64-bit key, as in assert_movements_explain_every_account_change.
-- Both facts' movements are added up in one aggregation, the account's with the opposite sign, so
-- an account-month reconciles when both sums are zero: at 1M accounts a quarter less work than
-- aggregating each fact and joining the two (a side missing counts as zero either way).
with product_movements as (
    select
        month,
        account_id,
        case when movement_type in ('new', 'reactivation', 'churn', 'fx') then mrr_change else 0 end
            as lifecycle_and_fx,
        case when movement_type in ('upsell', 'cross_sell', 'downgrade', 'product_churn') then mrr_change else 0 end
            as business_change
    from {{ ref('fct_mrr_product_movements') }}
    where {{ in_months_this_build_wrote('month') }}
),

account_movements_negated as (
    select
        month,
        account_id,
        case when movement_type in ('new', 'reactivation', 'churn', 'fx') then -mrr_change else 0 end
            as lifecycle_and_fx,
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
    sum(lifecycle_and_fx) as lifecycle_and_fx_difference,
    sum(business_change) as business_change_difference
from both_facts
group by
    month,
    {{ value_fingerprint('account_id') }}
having sum(lifecycle_and_fx) != 0
    or sum(business_change) != 0
