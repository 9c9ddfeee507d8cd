-- Per account and month: product new, reactivation, churn and fx equal the account's; product
-- upsell + cross_sell - downgrade - product_churn equals the account's expansion - contraction.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Accounts are matched on their 64-bit key, as in assert_movements_explain_every_account_change.
with product as (
    select
        month,
        {{ value_fingerprint('account_id') }} as account_key,
        min(account_id) as account_id,
        sum(case when movement_type in ('new', 'reactivation', 'churn', 'fx') then mrr_change else 0 end)
            as lifecycle_and_fx,
        sum(
            case when movement_type in ('upsell', 'cross_sell', 'downgrade', 'product_churn') then mrr_change else 0 end
        ) as business_change
    from {{ ref('fct_mrr_product_movements') }}
    where {{ in_months_this_build_wrote('month') }}
    group by
        month,
        {{ value_fingerprint('account_id') }}
),

account as (
    select
        month,
        {{ value_fingerprint('account_id') }} as account_key,
        min(account_id) as account_id,
        sum(case when movement_type in ('new', 'reactivation', 'churn', 'fx') then mrr_change else 0 end)
            as lifecycle_and_fx,
        sum(case when movement_type in ('expansion', 'contraction') then mrr_change else 0 end) as business_change
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
    group by
        month,
        {{ value_fingerprint('account_id') }}
)

select
    coalesce(account.month, product.month) as month,
    coalesce(account.account_id, product.account_id) as account_id
from account
full outer join product
    on account.month = product.month
    and account.account_key = product.account_key
where coalesce(account.lifecycle_and_fx, 0) != coalesce(product.lifecycle_and_fx, 0)
    or coalesce(account.business_change, 0) != coalesce(product.business_change, 0)
