-- Everything the incremental month-grain models read besides each other, as checksums: each input
-- (revenue line, discount window, exchange rate per month, the as_of date, the code of the month
-- models) counts in a run of months [first_month, last_month]. A change to it reaches back
--   to its first month, when it was added, removed, or changed in content, key or first month;
--   to the month after its last month, when only that moved (a cancellation, a later as_of).
-- So each input adds a checksum of its content and first month to the month from which a change
-- there recomputes, and a checksum of its last month to the month after it. int_mrr_recompute_window
-- compares these sums with the ones the stored months were built from (int_mrr_input_checksums_built):
-- any input that differs changes the sums of the months its change reaches back to, and the earliest
-- such month is where the build recomputes from (sums of 64-bit numbers: two changes cancel out
-- with odds of ~2^-64). A few hundred rows instead of one per input: at a million accounts the
-- inputs are ~2M, whose copy, comparison and key test took ~2 s of node time one month later.

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
        first_counted_month as first_month,
        last_counted_month as last_month,
        {{ row_checksum([
            "'revenue_line'", 'line_source', 'line_id', 'first_counted_month',
            'account_id', 'customer_id', 'pricing_group_id', 'product_id', 'plan_id', 'currency',
            'quantity', 'factor_numerator', 'mrr_denominator', 'mrr_numerator',
        ]) }} as content_checksum,
        {{ row_checksum(["'revenue_line'", 'line_source', 'line_id', 'last_counted_month']) }} as end_checksum
    from revenue_lines
),

discount_windows as (
    select
        discount_id,
        subscription_id,
        percent_off,
        amount_off,
        {{ first_counted_month('valid_from') }} as first_month,
        {{ last_counted_month('valid_to') }} as last_month
    from discounts
    where rejection_reason is null
),

discount_inputs as (
    select
        first_month,
        last_month,
        {{ row_checksum([
            "'discount'", 'discount_id', 'first_month', 'subscription_id', 'percent_off', 'amount_off',
        ]) }} as content_checksum,
        {{ row_checksum(["'discount'", 'discount_id', 'last_month']) }} as end_checksum
    from discount_windows
),

fx_inputs as (
    select
        month as first_month,
        month as last_month,
        {{ row_checksum(["'fx_rate'", 'currency', 'month', 'rate_to_reporting', 'previous_month_rate']) }}
            as content_checksum,
        {{ row_checksum(["'fx_rate'", 'currency', 'month']) }} as end_checksum
    from fx_rates_monthly
),

run_values as (
    select
        {{ as_of_month() }} as as_of_month,
        cast({{ as_of_date() }} as {{ dbt.type_string() }}) as as_of,
        {{ calendar_start() }} as calendar_start,
        {{ month_models_code_fingerprint() }} as code_fingerprint
),

run_inputs as (
    select
        as_of_month as first_month,
        as_of_month as last_month,
        {{ row_checksum(["'as_of'", 'as_of_month', 'as_of']) }} as content_checksum,
        {{ row_checksum(["'as_of'", 'as_of_month']) }} as end_checksum
    from run_values
    union all
    select
        calendar_start as first_month,
        as_of_month as last_month,
        {{ row_checksum(["'code'", 'calendar_start', 'code_fingerprint']) }} as content_checksum,
        {{ row_checksum(["'code'", 'as_of_month']) }} as end_checksum
    from run_values
),

all_inputs as (
    select * from line_inputs
    union all
    select * from discount_inputs
    union all
    select * from fx_inputs
    union all
    select * from run_inputs
),

-- An input that counts in no month yet (a discount from after as_of) changes no month: it is left
-- out until it counts, and then its months change as if it were new.
inputs as (
    select * from all_inputs
    where first_month is not null
),

final as (
    select
        'content' as change_kind,
        first_month as recompute_from_month,
        cast(sum(content_checksum) as decimal(38, 0)) as checksum_total,
        count(*) as checked_rows
    from inputs
    group by first_month
    union all
    select
        'end' as change_kind,
        cast({{ dbt.dateadd('month', 1, 'last_month') }} as date) as recompute_from_month,
        cast(sum(end_checksum) as decimal(38, 0)) as checksum_total,
        count(*) as checked_rows
    from inputs
    group by last_month
)

select * from final
