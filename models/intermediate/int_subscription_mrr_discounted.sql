-- Rule 4: discounts apply to a whole subscription in the months their window covers the
-- snapshot: every active percent_off multiplies (x (1 - p/100)), then every active amount_off
-- (an amount per billing period) is taken off at the subscription's monthly factor, and the
-- result never goes below zero. A CRM contract is a pricing group of its own with no discounts.
-- Amounts stay over the group's mrr_denominator: local MRR = discounted_mrr_numerator / mrr_denominator.
-- A subscription's items share one billing interval (the source contract); where they do not, each
-- interval's items are discounted as a subscription of their own, at their own factor.
-- Only the group-months a discount is active in: at 1M accounts that is ~6% of them, and the
-- others' MRR is their lines' own (the month models read those from int_revenue_line_months).

{{ config(materialized='incremental', incremental_strategy='replace_months', on_schema_change='fail') }}

with line_months as (
    select * from {{ ref('int_revenue_line_months') }}
    where {{ in_recompute_window('month') }}
),

discounts as (
    select * from {{ ref('int_subscription_discounts_validated') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
    where {{ in_recompute_window('month') }}
),

discount_months as (
    {{ discount_terms('discounts', 'reporting_months') }}
),

discounted_group_months as (
    select
        {%- for column in pricing_group_columns() %}
        line_months.{{ column }},
        {%- endfor %}
        discount_months.percent_factor,
        discount_months.amount_off_per_period,
        sum(line_months.mrr_numerator) as gross_mrr_numerator
    from line_months
    inner join discount_months
        on line_months.pricing_group_id = discount_months.subscription_id
        and line_months.month = discount_months.month
    group by
        {%- for column in pricing_group_columns() %}
        line_months.{{ column }},
        {%- endfor %}
        discount_months.percent_factor,
        discount_months.amount_off_per_period
),

final as (
    select
        month,
        account_key,
        pricing_group_id,
        line_source,
        customer_key,
        currency,
        factor_numerator,
        mrr_denominator,
        cast(gross_mrr_numerator as {{ type_mrr_numerator() }}) as gross_mrr_numerator,
        greatest(
            cast(
                {{ times_factor('gross_mrr_numerator', 'coalesce(percent_factor, 1)') }}
                - coalesce(amount_off_per_period, 0) * factor_numerator
                as {{ type_mrr_numerator() }}
            ),
            cast(0 as {{ type_mrr_numerator() }})
        ) as discounted_mrr_numerator
    from discounted_group_months
)

select * from final
