-- Rule 4: discounts apply to a whole subscription in the months their window covers the
-- snapshot: every active percent_off multiplies (x (1 - p/100)), then every active amount_off
-- (an amount per billing period) is taken off at the subscription's monthly factor, and the
-- result never goes below zero. A CRM contract is a pricing group of its own with no discounts.
-- Amounts stay over the group's mrr_denominator: local MRR = discounted_mrr_numerator / mrr_denominator.

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

{#- What makes a pricing group-month: the lines of a group that share these are added up. -#}
{%- set group_columns = [
    'month', 'account_key', 'pricing_group_id', 'line_source', 'customer_key', 'currency',
    'factor_numerator', 'mrr_denominator', 'account_lines_overlap',
] %}

-- An account whose lines never share a month has one line per pricing group and month: its
-- line-months are group-months as they are. Only the others are aggregated (a 15M-group hash
-- aggregation at 1M accounts was most of this model's time).
with line_months_of_accounts_with_one_line_a_month as (
    select * from {{ ref('int_revenue_line_months') }}
    where not account_lines_overlap
        and {{ in_recompute_window('month') }}
),

line_months_of_accounts_with_overlapping_lines as (
    select * from {{ ref('int_revenue_line_months') }}
    where account_lines_overlap
        and {{ in_recompute_window('month') }}
),

discounts as (
    select * from {{ ref('int_subscription_discounts_validated') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

group_months as (
    select
        {{ group_columns | join(',\n        ') }},
        mrr_numerator as gross_mrr_numerator,
        cast(1 as bigint) as line_count
    from line_months_of_accounts_with_one_line_a_month
    union all
    select
        {{ group_columns | join(',\n        ') }},
        sum(mrr_numerator) as gross_mrr_numerator,
        count(*) as line_count
    from line_months_of_accounts_with_overlapping_lines
    group by {{ group_columns | join(', ') }}
),

discount_windows as (
    select
        subscription_id,
        percent_off,
        amount_off,
        {{ first_counted_month('valid_from') }} as first_counted_month,
        {{ last_counted_month('valid_to') }} as last_counted_month
    from discounts
    where rejection_reason is null
),

discount_months as (
    select
        reporting_months.month,
        discount_windows.subscription_id,
        {#- DuckDB's lambda syntax is newer than sqlfluff's parser. -#}
        {{ product_of_factors('1 - coalesce(discount_windows.percent_off, 0) * 0.01') }}  -- noqa: PRS
            as percent_factor,
        sum(discount_windows.amount_off) as amount_off_per_period
    from discount_windows
    inner join reporting_months
        on reporting_months.month >= discount_windows.first_counted_month
        and reporting_months.month <= discount_windows.last_counted_month
    where {{ in_recompute_window('reporting_months.month') }}
    group by
        reporting_months.month,
        discount_windows.subscription_id
),

discounted as (
    select
        group_months.month,
        group_months.account_key,
        group_months.pricing_group_id,
        group_months.line_source,
        group_months.customer_key,
        group_months.currency,
        group_months.mrr_denominator,
        group_months.account_lines_overlap,
        group_months.line_count,
        group_months.gross_mrr_numerator,
        -- Most groups have no discount: skipping the 38-digit arithmetic for them halves this model's time.
        case
            when discount_months.subscription_id is null then group_months.gross_mrr_numerator
            else
                cast(
                    group_months.gross_mrr_numerator * coalesce(discount_months.percent_factor, 1)
                    - coalesce(discount_months.amount_off_per_period, 0) * group_months.factor_numerator
                    as decimal(38, 12)
                )
        end as net_mrr_numerator
    from group_months
    left join discount_months
        on group_months.pricing_group_id = discount_months.subscription_id
        and group_months.month = discount_months.month
),

final as (
    select
        month,
        account_key,
        pricing_group_id,
        line_source,
        customer_key,
        currency,
        mrr_denominator,
        account_lines_overlap,
        line_count,
        gross_mrr_numerator,
        case when net_mrr_numerator < 0 then cast(0 as decimal(38, 12)) else net_mrr_numerator end
            as discounted_mrr_numerator
    from discounted
)

select * from final
