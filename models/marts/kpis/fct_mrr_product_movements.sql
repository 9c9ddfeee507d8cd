-- Product-level movements (account x product x month), signed like fct_mrr_movements. Per account
-- and month they add up to the account's movements: new, reactivation, churn and fx exactly;
-- upsell + cross_sell - downgrade - product_churn = expansion - contraction (the account nets them).

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with product_changes as (
    select * from {{ ref('int_account_product_mrr_changes') }}
    where {{ in_recompute_window('month') }}
),

account_keys as (
    select * from {{ ref('int_account_keys') }}
),

movements as (
    {{ unpivot_movements('product_changes', ['month', 'account_key', 'product_id'], {
        'new': 'new_mrr',
        'reactivation': 'reactivation_mrr',
        'cross_sell': 'cross_sell_mrr',
        'upsell': 'upsell_mrr',
        'downgrade': '-downgrade_mrr',
        'product_churn': '-product_churn_mrr',
        'churn': '-churn_mrr',
        'fx': 'fx_mrr',
    }) }}
),

final as (
    select
        movements.month,
        account_keys.account_id,
        cast(movements.product_id as {{ dbt.type_string() }}) as product_id,
        cast(movements.movement_type as {{ dbt.type_string() }}) as movement_type,
        cast(movements.mrr_change as decimal(18, 2)) as mrr_change
    from movements
    left join account_keys
        on movements.account_key = account_keys.account_key
)

select * from final
