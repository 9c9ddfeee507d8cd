-- Account-level movements unpivoted from the monthly changes: one row per movement that is not zero.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with account_changes as (
    select * from {{ ref('int_account_mrr_changes') }}
    where {{ in_recompute_window('month') }}
),

movements as (
    {{ unpivot_movements('account_changes', ['month', 'account_id'], {
        'new': 'new_mrr',
        'expansion': 'expansion_mrr',
        'reactivation': 'reactivation_mrr',
        'contraction': '-contraction_mrr',
        'churn': '-churn_mrr',
        'fx': 'fx_mrr',
    }) }}
),

final as (
    select
        month,
        account_id,
        cast(movement_type as {{ dbt.type_string() }}) as movement_type,
        cast(mrr_change as decimal(18, 2)) as mrr_change
    from movements
)

select * from final
