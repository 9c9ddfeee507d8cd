-- Every raw row is accounted for: raw rows = accepted + rejected + collapsed exact duplicates,
-- per source table. `mrr check` compares raw_rows with its own count of the loaded files.
{%- set staging_models = {
    'crm_accounts': 'stg_crm__accounts',
    'crm_contracts': 'stg_crm__contracts',
    'crm_churn_reasons': 'stg_crm__churn_reasons',
    'billing_customers': 'stg_billing__customers',
    'billing_plans': 'stg_billing__plans',
    'billing_subscriptions': 'stg_billing__subscriptions',
    'billing_subscription_items': 'stg_billing__subscription_items',
    'billing_discounts': 'stg_billing__discounts',
    'billing_invoices': 'stg_billing__invoices',
    'billing_invoice_lines': 'stg_billing__invoice_lines',
    'fx_rates': 'stg_finance__fx_rates',
    'kpi_goals': 'stg_finance__kpi_goals',
    'sales_marketing_spend': 'stg_finance__sales_marketing_spend',
} %}

with staged_counts as (
    {%- for source_table, staging_model in staging_models.items() %}
    select
        '{{ source_table }}' as source_table,
        coalesce(sum(raw_row_count), 0) as raw_rows,
        count(*) as distinct_rows
    from {{ ref(staging_model) }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

judged_counts as (
    {%- for source_table, checking_model in checked_source_tables() %}
    select
        '{{ source_table }}' as source_table,
        sum(case when rejection_reason is null then 1 else 0 end) as accepted_rows,
        sum(case when rejection_reason is null then 0 else 1 end) as rejected_rows
    from {{ ref(checking_model) }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast(staged_counts.source_table as varchar) as source_table,
        cast(staged_counts.raw_rows as bigint) as raw_rows,
        cast(coalesce(judged_counts.accepted_rows, 0) as bigint) as accepted_rows,
        cast(coalesce(judged_counts.rejected_rows, 0) as bigint) as rejected_rows,
        cast(staged_counts.raw_rows - staged_counts.distinct_rows as bigint) as collapsed_duplicate_rows,
        staged_counts.raw_rows
        = coalesce(judged_counts.accepted_rows, 0) + coalesce(judged_counts.rejected_rows, 0)
        + staged_counts.raw_rows - staged_counts.distinct_rows as is_balanced
    from staged_counts
    left join judged_counts
        on staged_counts.source_table = judged_counts.source_table
)

select * from final
