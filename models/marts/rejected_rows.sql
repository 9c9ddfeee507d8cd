-- Rule 9: every raw row left out of the warehouse, with why. A row is judged by the last model
-- that checks it (staging for its own values, intermediate models for references to other tables).

{%- set checked_tables = [
    ('crm_accounts', 'stg_crm__accounts'),
    ('crm_contracts', 'int_crm_contracts_priced'),
    ('crm_churn_reasons', 'int_crm_churn_reasons_validated'),
    ('billing_customers', 'int_billing_customers_mapped_to_accounts'),
    ('billing_plans', 'stg_billing__plans'),
    ('billing_subscriptions', 'int_subscriptions_billable_windows'),
    ('billing_subscription_items', 'int_subscription_items_priced'),
    ('billing_discounts', 'int_subscription_discounts_validated'),
    ('billing_invoices', 'int_billing_invoices_validated'),
    ('billing_invoice_lines', 'int_billing_invoice_lines_validated'),
    ('fx_rates', 'stg_finance__fx_rates'),
    ('kpi_goals', 'stg_finance__kpi_goals'),
    ('sales_marketing_spend', 'int_sales_marketing_spend_monthly'),
] %}

with rejected as (
    {%- for source_table, checking_model in checked_tables %}
    select
        '{{ source_table }}' as source_table,
        source_key,
        source_row_number,
        rejection_reason,
        raw_row
    from {{ ref(checking_model) }}
    where rejection_reason is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        cast(source_table as varchar) as source_table,
        cast(source_key as varchar) as source_key,
        cast(source_row_number as bigint) as source_row_number,
        cast(rejection_reason as varchar) as reason,
        cast(raw_row as varchar) as raw_row
    from rejected
)

select * from final
