-- Cohorts by first active month: how many accounts and how much of their starting MRR are
-- still there n months later. Revenue retention is NRR-style and can exceed 100%.

with mrr as (
    select * from {{ ref('fct_mrr') }}
),

reporting_months as (
    select * from {{ ref('int_reporting_months') }}
),

cohort_activity as (
    select
        first_active_month as cohort_month,
        month,
        sum(case when mrr > 0 then 1 else 0 end) as customers_retained,
        sum(mrr) as mrr_retained
    from mrr
    group by
        first_active_month,
        month
),

-- An account has one row in its first active month, with MRR: a cohort's size and starting MRR
-- are its activity in its own first month. (Counted apart, distinct account ids over every
-- account-month took ~0.3 s more at 1M accounts, and a second read of fct_mrr.)
cohorts as (
    select
        cohort_month,
        customers_retained as cohort_customers,
        mrr_retained as cohort_starting_mrr
    from cohort_activity
    where month = cohort_month
),

cohort_months as (
    select
        cohorts.cohort_month,
        reporting_months.month,
        cohorts.cohort_customers,
        cohorts.cohort_starting_mrr
    from cohorts
    inner join reporting_months
        on reporting_months.month >= cohorts.cohort_month
),

final as (
    select
        cohort_months.cohort_month,
        cohort_months.month,
        cast({{ dbt.datediff('cohort_months.cohort_month', 'cohort_months.month', 'month') }} as integer)  -- noqa: LT05
            as months_since_start,
        cast(cohort_months.cohort_customers as integer) as cohort_customers,
        cast(coalesce(cohort_activity.customers_retained, 0) as integer) as customers_retained,
        {{ safe_ratio('coalesce(cohort_activity.customers_retained, 0)', 'cohort_months.cohort_customers') }}
            as logo_retention,
        cast(cohort_months.cohort_starting_mrr as decimal(18, 2)) as cohort_starting_mrr,
        cast(coalesce(cohort_activity.mrr_retained, 0) as decimal(18, 2)) as mrr_retained,
        {{ safe_ratio('coalesce(cohort_activity.mrr_retained, 0)', 'cohort_months.cohort_starting_mrr') }}
            as revenue_retention
    from cohort_months
    left join cohort_activity
        on cohort_months.cohort_month = cohort_activity.cohort_month
        and cohort_months.month = cohort_activity.month
)

select * from final
