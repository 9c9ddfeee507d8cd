-- Everything the incremental month-grain models read besides each other, one row per input with
-- the run of months it counts in and a fingerprint of the rest: revenue lines, discount windows,
-- exchange rates per month, the as_of date and the code of the month models. Compared with the
-- fingerprints the stored months were built from by int_mrr_recompute_window.

with revenue_lines as (
    select * from {{ ref('int_revenue_lines') }}
),

discounts as (
    select * from {{ ref('int_subscription_discounts_validated') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

line_inputs as (
    select
        'revenue_line' as input_kind,
        line_source || ':' || line_id as input_key,
        first_counted_month as first_month,
        last_counted_month as last_month,
        {{ row_fingerprint([
            'account_id', 'customer_id', 'pricing_group_id', 'product_id', 'plan_id', 'currency',
            'quantity', 'factor_numerator', 'mrr_denominator', 'mrr_numerator',
        ]) }} as fingerprint
    from revenue_lines
),

discount_inputs as (
    select
        'discount' as input_kind,
        discount_id as input_key,
        {{ first_counted_month('valid_from') }} as first_month,
        {{ last_counted_month('valid_to') }} as last_month,
        {{ row_fingerprint(['subscription_id', 'percent_off', 'amount_off']) }} as fingerprint
    from discounts
    where rejection_reason is null
),

fx_inputs as (
    select
        'fx_rate' as input_kind,
        currency || ':' || cast(month as {{ dbt.type_string() }}) as input_key,
        month as first_month,
        month as last_month,
        {{ row_fingerprint(['rate_to_reporting', 'previous_month_rate']) }} as fingerprint
    from fx_rates_monthly
),

run_inputs as (
    select
        'as_of' as input_kind,
        'as_of' as input_key,
        {{ as_of_month() }} as first_month,
        {{ as_of_month() }} as last_month,
        cast({{ as_of_date() }} as {{ dbt.type_string() }}) as fingerprint
    union all
    select
        'code' as input_kind,
        'month_models' as input_key,
        {{ calendar_start() }} as first_month,
        {{ as_of_month() }} as last_month,
        {{ month_models_code_fingerprint() }} as fingerprint
),

final as (
    select * from line_inputs
    union all
    select * from discount_inputs
    union all
    select * from fx_inputs
    union all
    select * from run_inputs
)

select * from final
