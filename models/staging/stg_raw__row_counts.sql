-- The rows loaded into each raw table, for source_row_accounting to balance the judged rows against.
-- Counting a table is free; counting the staging views meant running them (~5 s at 1M accounts).
{%- set raw_tables = [
    ('crm', 'crm_accounts'),
    ('crm', 'crm_contracts'),
    ('crm', 'crm_churn_reasons'),
    ('billing', 'billing_customers'),
    ('billing', 'billing_plans'),
    ('billing', 'billing_subscriptions'),
    ('billing', 'billing_subscription_items'),
    ('billing', 'billing_discounts'),
    ('billing', 'billing_invoices'),
    ('billing', 'billing_invoice_lines'),
    ('finance', 'fx_rates'),
    ('finance', 'kpi_goals'),
    ('finance', 'sales_marketing_spend'),
] %}

with row_counts as (
    {%- for source_name, table_name in raw_tables %}
    select
        '{{ table_name }}' as source_table,
        count(*) as loaded_rows
    from {{ source(source_name, table_name) }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from row_counts
