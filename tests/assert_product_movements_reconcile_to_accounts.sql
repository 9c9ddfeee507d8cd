-- Per account and month: product new, reactivation, churn and fx each equal the account's; product
-- upsell + cross_sell - downgrade - product_churn equals the account's expansion - contraction.
-- Checks the months this build wrote (both facts are incremental; every month on a full refresh).
-- Both facts' movements are listed together, the account's with the opposite sign, so an
-- account-month reconciles when every sum is zero (a side missing counts as zero);
-- macros/reconciliation.sql finds the account-months where one is not.
{%- set amounts = ['new_mrr', 'reactivation_mrr', 'churn_mrr', 'fx_mrr', 'business_change'] %}

{%- set signed_rows %}
    select
        month,
        account_id,
        case when movement_type = 'new' then mrr_change else 0 end as new_mrr,
        case when movement_type = 'reactivation' then mrr_change else 0 end as reactivation_mrr,
        case when movement_type = 'churn' then mrr_change else 0 end as churn_mrr,
        case when movement_type = 'fx' then mrr_change else 0 end as fx_mrr,
        case when movement_type in ('upsell', 'cross_sell', 'downgrade', 'product_churn') then mrr_change else 0 end
            as business_change
    from {{ ref('fct_mrr_product_movements') }}
    where {{ in_months_this_build_wrote('month') }}
    union all
    select
        month,
        account_id,
        case when movement_type = 'new' then -mrr_change else 0 end as new_mrr,
        case when movement_type = 'reactivation' then -mrr_change else 0 end as reactivation_mrr,
        case when movement_type = 'churn' then -mrr_change else 0 end as churn_mrr,
        case when movement_type = 'fx' then -mrr_change else 0 end as fx_mrr,
        case when movement_type in ('expansion', 'contraction') then -mrr_change else 0 end as business_change
    from {{ ref('fct_mrr_movements') }}
    where {{ in_months_this_build_wrote('month') }}
{%- endset %}

{{ account_months_not_adding_up(signed_rows, columns=amounts, differences=amounts) }}
