-- Sales and marketing spend with its month and the month's rate to the reporting currency (rule 6),
-- converted where it is added up. Spend in a currency with no rate is rejected rather than counted as zero.

with spend as (
    select * from {{ ref('stg_finance__sales_marketing_spend') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

currencies_with_rate as (
    select * from {{ ref('int_currencies_with_rates') }}
),

{#- Used twice below: as the reason, and to keep the raw text of rejected rows only. -#}
{%- set rejection_reason -%}
    coalesce(
        spend.rejection_reason,
        {{ unknown_reference(
            'spend.currency', 'currencies_with_rate.currency', 'fx_rates', problem='has no fx_rates row'
        ) }}
    )
{%- endset %}

validated as (
    select
        spend.spend_month,
        cast({{ dbt.date_trunc('month', 'spend.spend_month') }} as date) as month,
        spend.category,
        spend.amount,
        spend.currency,
        spend.source_key,
        spend.source_row_number,
        spend.raw_row_count,
        {{ rejection_reason }} as rejection_reason,
        {{ raw_row_if_rejected('spend.raw_row', rejection_reason) }} as raw_row
    from spend
    left join currencies_with_rate
        on spend.currency = currencies_with_rate.currency
),

with_rates as (
    select
        validated.*,
        fx_rates_monthly.rate_to_reporting
    from validated
    left join fx_rates_monthly
        on validated.month = fx_rates_monthly.month
        and validated.currency = fx_rates_monthly.currency
)

select * from with_rates
